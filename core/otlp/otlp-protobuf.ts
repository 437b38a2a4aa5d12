import type { AnyValue, ExportTraceRequest, KeyValue, OtlpSpan } from "./otlp-types";

/**
 * A decoder for the protobuf encoding of ExportTraceServiceRequest (opentelemetry-proto
 * trace/v1 and common/v1), only the fields Barometer reads. Wire format:
 * https://protobuf.dev/programming-guides/encoding/. Unknown fields are skipped.
 */
class Reader {
	pos = 0;
	constructor(readonly buf: Uint8Array, readonly end = buf.length) {}

	varint(): bigint {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			if (this.pos >= this.end) throw new Error("truncated varint");
			const b = this.buf[this.pos++]!;
			result |= BigInt(b & 0x7f) << shift;
			if (b < 0x80) return result;
			shift += 7n;
			if (shift > 63n) throw new Error("varint too long");
		}
	}

	/** A nested message, string or bytes: a reader over its bytes. */
	sub(): Reader {
		const len = Number(this.varint());
		const start = this.pos;
		if (start + len > this.end) throw new Error("truncated field");
		this.pos += len;
		return new Reader(this.buf.subarray(start, start + len));
	}

	fixed64(): bigint {
		if (this.pos + 8 > this.end) throw new Error("truncated fixed64");
		const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, true);
		this.pos += 8;
		return v;
	}

	double(): number {
		if (this.pos + 8 > this.end) throw new Error("truncated double");
		const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
		this.pos += 8;
		return v;
	}

	skip(wire: number) {
		if (wire === 0) this.varint();
		else if (wire === 1) this.pos += 8;
		else if (wire === 2) this.sub();
		else if (wire === 5) this.pos += 4;
		else throw new Error(`unsupported wire type ${wire}`);
	}

	/** Calls `field(number, wireType)` for each field; it returns false to skip the field. */
	each(field: (no: number, wire: number) => boolean) {
		while (this.pos < this.end) {
			const tag = Number(this.varint());
			const no = tag >>> 3;
			const wire = tag & 7;
			if (!field(no, wire)) this.skip(wire);
		}
	}

	text(): string {
		return new TextDecoder().decode(this.buf.subarray(this.pos, this.end));
	}

	hex(): string {
		return Array.from(this.buf.subarray(this.pos, this.end), (b) => b.toString(16).padStart(2, "0")).join("");
	}
}

function anyValue(r: Reader): AnyValue {
	const v: AnyValue = {};
	r.each((no, wire) => {
		if (no === 1 && wire === 2) v.stringValue = r.sub().text();
		else if (no === 2 && wire === 0) v.boolValue = r.varint() !== 0n;
		else if (no === 3 && wire === 0) v.intValue = BigInt.asIntN(64, r.varint()).toString();
		else if (no === 4 && wire === 1) v.doubleValue = r.double();
		else if (no === 5 && wire === 2) {
			const values: AnyValue[] = [];
			const list = r.sub();
			list.each((n, w) => (n === 1 && w === 2 ? (values.push(anyValue(list.sub())), true) : false));
			v.arrayValue = { values };
		} else if (no === 6 && wire === 2) {
			const values: KeyValue[] = [];
			const list = r.sub();
			list.each((n, w) => (n === 1 && w === 2 ? (values.push(keyValue(list.sub())), true) : false));
			v.kvlistValue = { values };
		} else if (no === 7 && wire === 2) v.bytesValue = r.sub().hex();
		else return false;
		return true;
	});
	return v;
}

function keyValue(r: Reader): KeyValue {
	const kv: KeyValue = { key: "" };
	r.each((no, wire) => {
		if (no === 1 && wire === 2) kv.key = r.sub().text();
		else if (no === 2 && wire === 2) kv.value = anyValue(r.sub());
		else return false;
		return true;
	});
	return kv;
}

function span(r: Reader): OtlpSpan {
	const s: OtlpSpan = { traceId: "", spanId: "", name: "", attributes: [], events: [] };
	r.each((no, wire) => {
		if (no === 1 && wire === 2) s.traceId = r.sub().hex();
		else if (no === 2 && wire === 2) s.spanId = r.sub().hex();
		else if (no === 4 && wire === 2) s.parentSpanId = r.sub().hex();
		else if (no === 5 && wire === 2) s.name = r.sub().text();
		else if (no === 6 && wire === 0) s.kind = Number(r.varint());
		else if (no === 7 && wire === 1) s.startTimeUnixNano = r.fixed64().toString();
		else if (no === 8 && wire === 1) s.endTimeUnixNano = r.fixed64().toString();
		else if (no === 9 && wire === 2) s.attributes!.push(keyValue(r.sub()));
		else if (no === 11 && wire === 2) {
			const ev = { name: "", timeUnixNano: undefined as string | undefined, attributes: [] as KeyValue[] };
			const e = r.sub();
			e.each((n, w) => {
				if (n === 1 && w === 1) ev.timeUnixNano = e.fixed64().toString();
				else if (n === 2 && w === 2) ev.name = e.sub().text();
				else if (n === 3 && w === 2) ev.attributes.push(keyValue(e.sub()));
				else return false;
				return true;
			});
			s.events!.push(ev);
		} else if (no === 15 && wire === 2) {
			const st: { code?: number; message?: string } = {};
			const m = r.sub();
			m.each((n, w) => {
				if (n === 2 && w === 2) st.message = m.sub().text();
				else if (n === 3 && w === 0) st.code = Number(m.varint());
				else return false;
				return true;
			});
			s.status = st;
		} else return false;
		return true;
	});
	return s;
}

function attributesOf(r: Reader): KeyValue[] {
	const out: KeyValue[] = [];
	r.each((no, wire) => (no === 1 && wire === 2 ? (out.push(keyValue(r.sub())), true) : false));
	return out;
}

/** ExportTraceServiceRequest bytes → the OTLP/JSON shape. Throws on malformed input. */
export function decodeTraceRequest(bytes: Uint8Array): ExportTraceRequest {
	const req: ExportTraceRequest = { resourceSpans: [] };
	const top = new Reader(bytes);
	top.each((no, wire) => {
		if (no !== 1 || wire !== 2) return false;
		const rs: NonNullable<ExportTraceRequest["resourceSpans"]>[number] = { scopeSpans: [] };
		const r = top.sub();
		r.each((n, w) => {
			if (n === 1 && w === 2) rs.resource = { attributes: attributesOf(r.sub()) };
			else if (n === 2 && w === 2) {
				const ss: { scope?: { name?: string }; spans: OtlpSpan[] } = { spans: [] };
				const s = r.sub();
				s.each((k, x) => {
					if (k === 1 && x === 2) {
						const scope = s.sub();
						const named: { name?: string } = {};
						scope.each((q, y) => (q === 1 && y === 2 ? ((named.name = scope.sub().text()), true) : false));
						ss.scope = named;
					} else if (k === 2 && x === 2) ss.spans.push(span(s.sub()));
					else return false;
					return true;
				});
				rs.scopeSpans!.push(ss);
			} else return false;
			return true;
		});
		req.resourceSpans!.push(rs);
		return true;
	});
	return req;
}

/** ExportTraceServiceResponse: partial_success { rejected_spans, error_message } (empty when all were taken). */
export function encodeTraceResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
	if (rejectedSpans === 0 && !errorMessage) return new Uint8Array(0);
	const msg = new TextEncoder().encode(errorMessage);
	const varint = (n: number) => {
		const out: number[] = [];
		while (n > 0x7f) {
			out.push((n & 0x7f) | 0x80);
			n = Math.floor(n / 128);
		}
		out.push(n);
		return out;
	};
	const inner = [0x08, ...varint(rejectedSpans), 0x12, ...varint(msg.length), ...msg];
	return new Uint8Array([0x0a, ...varint(inner.length), ...inner]);
}
