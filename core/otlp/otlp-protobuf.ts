import type { AnyValue, ExportTraceRequest, KeyValue, OtlpSpan } from "./otlp-types";

/**
 * A decoder for the protobuf encoding of ExportTraceServiceRequest (opentelemetry-proto
 * trace/v1 and common/v1), only the fields Barometer reads. Wire format:
 * https://protobuf.dev/programming-guides/encoding/. Unknown fields are skipped; a known field with
 * the wrong wire type, a length past the end, invalid UTF-8 or nesting deeper than MAX_DEPTH is an
 * OtlpDecodeError naming the field (`resourceSpans[0].scopeSpans[0].spans[3].attributes[1]`).
 * Every step consumes at least one byte, so decoding is linear in the body's size.
 */
export class OtlpDecodeError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

/** Attribute values inside values inside values…: deeper than this is refused, not recursed into. */
const MAX_DEPTH = 24;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

class Reader {
	pos = 0;
	constructor(
		readonly buf: Uint8Array,
		readonly path: string,
		readonly end = buf.length,
	) {}

	fail(message: string, path = this.path): never {
		throw new OtlpDecodeError(path || "body", message);
	}

	varint(): bigint {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			if (this.pos >= this.end) this.fail("is truncated (a varint runs past the end)");
			const b = this.buf[this.pos++]!;
			result |= BigInt(b & 0x7f) << shift;
			if (b < 0x80) return result;
			shift += 7n;
			if (shift > 63n) this.fail("has a varint longer than 10 bytes");
		}
	}

	/** A nested message, string or bytes: a reader over its bytes. */
	sub(path = this.path): Reader {
		const len = this.varint();
		const start = this.pos;
		if (BigInt(start) + len > BigInt(this.end)) this.fail(`is truncated (a field of ${len} bytes runs past the end)`, path);
		this.pos += Number(len);
		return new Reader(this.buf.subarray(start, start + Number(len)), path);
	}

	private fixed(bytes: number): DataView {
		if (this.pos + bytes > this.end) this.fail(`is truncated (a ${bytes}-byte field runs past the end)`);
		const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, bytes);
		this.pos += bytes;
		return view;
	}

	fixed32(): number {
		return this.fixed(4).getUint32(0, true);
	}

	fixed64(): bigint {
		return this.fixed(8).getBigUint64(0, true);
	}

	double(): number {
		return this.fixed(8).getFloat64(0, true);
	}

	skip(wire: number) {
		if (wire === 0) this.varint();
		else if (wire === 1) this.fixed(8);
		else if (wire === 2) this.sub();
		else if (wire === 5) this.fixed(4);
		else this.fail(`has an unsupported wire type ${wire}`);
	}

	/**
	 * Calls `field(number, wireType)` for each field; it returns false to skip the field.
	 * `known` gives the wire type of the fields read here: another wire type for them is malformed.
	 */
	each(known: Record<number, number>, field: (no: number, wire: number) => boolean) {
		while (this.pos < this.end) {
			const tag = this.varint();
			if (tag > 0xffffffffn) this.fail("has a field tag out of range");
			const no = Number(tag >> 3n);
			const wire = Number(tag & 7n);
			if (no === 0) this.fail("has a field numbered 0");
			const expected = known[no];
			if (expected !== undefined && expected !== wire) this.fail(`has field ${no} with wire type ${wire}, expected ${expected}`);
			if (!field(no, wire)) this.skip(wire);
		}
	}

	text(): string {
		try {
			return utf8.decode(this.buf.subarray(this.pos, this.end));
		} catch {
			return this.fail("is not valid UTF-8");
		}
	}

	hex(): string {
		return Array.from(this.buf.subarray(this.pos, this.end), (b) => b.toString(16).padStart(2, "0")).join("");
	}
}

function anyValue(r: Reader, depth: number): AnyValue {
	if (depth > MAX_DEPTH) r.fail(`is nested more than ${MAX_DEPTH} levels deep`);
	const v: AnyValue = {};
	r.each({ 1: 2, 2: 0, 3: 0, 4: 1, 5: 2, 6: 2, 7: 2 }, (no) => {
		if (no === 1) v.stringValue = r.sub(`${r.path}.stringValue`).text();
		else if (no === 2) v.boolValue = r.varint() !== 0n;
		else if (no === 3) v.intValue = BigInt.asIntN(64, r.varint()).toString();
		else if (no === 4) v.doubleValue = r.double();
		else if (no === 5) {
			const values: AnyValue[] = [];
			const list = r.sub(`${r.path}.arrayValue`);
			list.each({ 1: 2 }, (n) => n === 1 && (values.push(anyValue(list.sub(`${list.path}.values[${values.length}]`), depth + 1)), true));
			v.arrayValue = { values };
		} else if (no === 6) {
			const values: KeyValue[] = [];
			const list = r.sub(`${r.path}.kvlistValue`);
			list.each({ 1: 2 }, (n) => n === 1 && (values.push(keyValue(list.sub(`${list.path}.values[${values.length}]`), depth + 1)), true));
			v.kvlistValue = { values };
		} else if (no === 7) v.bytesValue = r.sub(`${r.path}.bytesValue`).hex();
		else return false;
		return true;
	});
	return v;
}

function keyValue(r: Reader, depth = 0): KeyValue {
	const kv: KeyValue = { key: "" };
	r.each({ 1: 2, 2: 2 }, (no) => {
		if (no === 1) kv.key = r.sub(`${r.path}.key`).text();
		else if (no === 2) kv.value = anyValue(r.sub(`${r.path}.value`), depth);
		else return false;
		return true;
	});
	return kv;
}

function span(r: Reader): OtlpSpan {
	const s: OtlpSpan = { traceId: "", spanId: "", name: "", attributes: [], events: [] };
	const at = (field: string) => `${r.path}.${field}`;
	r.each({ 1: 2, 2: 2, 4: 2, 5: 2, 6: 0, 7: 1, 8: 1, 9: 2, 11: 2, 15: 2, 16: 5 }, (no) => {
		if (no === 1) s.traceId = r.sub(at("traceId")).hex();
		else if (no === 2) s.spanId = r.sub(at("spanId")).hex();
		else if (no === 4) s.parentSpanId = r.sub(at("parentSpanId")).hex();
		else if (no === 5) s.name = r.sub(at("name")).text();
		else if (no === 6) s.kind = Number(BigInt.asIntN(32, r.varint()));
		else if (no === 7) s.startTimeUnixNano = r.fixed64().toString();
		else if (no === 8) s.endTimeUnixNano = r.fixed64().toString();
		else if (no === 16) s.flags = r.fixed32();
		else if (no === 9) s.attributes!.push(keyValue(r.sub(at(`attributes[${s.attributes!.length}]`))));
		else if (no === 11) {
			const ev = { name: "", timeUnixNano: undefined as string | undefined, attributes: [] as KeyValue[] };
			const e = r.sub(at(`events[${s.events!.length}]`));
			e.each({ 1: 1, 2: 2, 3: 2 }, (n) => {
				if (n === 1) ev.timeUnixNano = e.fixed64().toString();
				else if (n === 2) ev.name = e.sub(`${e.path}.name`).text();
				else if (n === 3) ev.attributes.push(keyValue(e.sub(`${e.path}.attributes[${ev.attributes.length}]`)));
				else return false;
				return true;
			});
			s.events!.push(ev);
		} else if (no === 15) {
			const st: { code?: number; message?: string } = {};
			const m = r.sub(at("status"));
			m.each({ 2: 2, 3: 0 }, (n) => {
				if (n === 2) st.message = m.sub(`${m.path}.message`).text();
				else if (n === 3) st.code = Number(BigInt.asIntN(32, m.varint()));
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
	r.each({ 1: 2 }, (no) => no === 1 && (out.push(keyValue(r.sub(`${r.path}.attributes[${out.length}]`))), true));
	return out;
}

/** ExportTraceServiceRequest bytes → the OTLP/JSON shape. Throws OtlpDecodeError on malformed input. */
export function decodeTraceRequest(bytes: Uint8Array): ExportTraceRequest {
	const req: ExportTraceRequest = { resourceSpans: [] };
	const top = new Reader(bytes, "");
	top.each({ 1: 2 }, (no) => {
		if (no !== 1) return false;
		const rs: NonNullable<ExportTraceRequest["resourceSpans"]>[number] = { scopeSpans: [] };
		const r = top.sub(`resourceSpans[${req.resourceSpans!.length}]`);
		r.each({ 1: 2, 2: 2 }, (n) => {
			if (n === 1) rs.resource = { attributes: attributesOf(r.sub(`${r.path}.resource`)) };
			else if (n === 2) {
				const ss: { scope?: { name?: string }; spans: OtlpSpan[] } = { spans: [] };
				const s = r.sub(`${r.path}.scopeSpans[${rs.scopeSpans!.length}]`);
				s.each({ 1: 2, 2: 2 }, (k) => {
					if (k === 1) {
						const scope = s.sub(`${s.path}.scope`);
						const named: { name?: string } = {};
						scope.each({ 1: 2 }, (q) => q === 1 && ((named.name = scope.sub(`${scope.path}.name`).text()), true));
						ss.scope = named;
					} else if (k === 2) ss.spans.push(span(s.sub(`${s.path}.spans[${ss.spans.length}]`)));
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

/** A protobuf base-128 varint of a non-negative integer. */
export function varint(n: number): number[] {
	const out: number[] = [];
	while (n > 0x7f) {
		out.push((n & 0x7f) | 0x80);
		n = Math.floor(n / 128);
	}
	out.push(n);
	return out;
}

/** ExportTraceServiceResponse: partial_success { rejected_spans, error_message } (empty when all were taken). */
export function encodeTraceResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
	if (rejectedSpans === 0 && !errorMessage) return new Uint8Array(0);
	const msg = new TextEncoder().encode(errorMessage);
	const inner = [0x08, ...varint(rejectedSpans), 0x12, ...varint(msg.length), ...msg];
	return new Uint8Array([0x0a, ...varint(inner.length), ...inner]);
}
