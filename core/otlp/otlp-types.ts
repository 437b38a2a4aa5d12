/**
 * OTLP trace export requests, in the shape of OTLP/JSON (opentelemetry-proto, JSON mapping):
 * ids are hex strings, 64-bit numbers may be strings. The protobuf decoder produces the same shape.
 */
export interface AnyValue {
	stringValue?: string;
	boolValue?: boolean;
	intValue?: number | string;
	doubleValue?: number;
	arrayValue?: { values?: AnyValue[] };
	kvlistValue?: { values?: KeyValue[] };
	bytesValue?: string;
}

export interface KeyValue {
	key: string;
	value?: AnyValue;
}

export interface OtlpSpan {
	traceId: string;
	spanId: string;
	parentSpanId?: string;
	name: string;
	kind?: number;
	/** Low byte: W3C trace flags; 0x100: whether the parent's locality is known; 0x200: the parent is remote. */
	flags?: number;
	startTimeUnixNano?: string | number;
	endTimeUnixNano?: string | number;
	attributes?: KeyValue[];
	events?: { name: string; timeUnixNano?: string | number; attributes?: KeyValue[] }[];
	status?: { code?: number; message?: string };
}

export interface ExportTraceRequest {
	resourceSpans?: {
		resource?: { attributes?: KeyValue[] };
		scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }[];
	}[];
}

/** An attribute value as plain JSON. */
export function plain(v: AnyValue | undefined): unknown {
	if (!v) return undefined;
	if (v.stringValue !== undefined) return v.stringValue;
	if (v.boolValue !== undefined) return v.boolValue;
	if (v.intValue !== undefined) return Number(v.intValue);
	if (v.doubleValue !== undefined) return v.doubleValue;
	if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
	if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
	if (v.bytesValue !== undefined) return v.bytesValue;
	return undefined;
}

export function attributeMap(list: KeyValue[] | undefined): Map<string, unknown> {
	return new Map((list ?? []).map((kv) => [kv.key, plain(kv.value)]));
}
