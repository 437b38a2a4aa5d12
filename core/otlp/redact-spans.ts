import type { Redactor } from "../privacy/pii";
import type { AnyValue, ExportTraceRequest, KeyValue } from "./otlp-types";
import { isIdentifierKey } from "./span-context";

/**
 * An OTLP export with personal data taken out before it is queued or stored, as an event's text is:
 * every string attribute (span, span event, resource) through the redactor's text rule, and the
 * attributes that name a user or a conversation through its identifier rule, so a user is the same
 * hashed id whether it came by OpenTelemetry, the SDK or the Raindrop path. Ids, names and times are kept.
 */
export function redactSpans(request: ExportTraceRequest, r: Redactor): ExportTraceRequest {
	const value = (v: AnyValue | undefined, asId: boolean): AnyValue | undefined => {
		if (!v) return v;
		if (v.stringValue !== undefined) return { ...v, stringValue: asId ? r.identifier(v.stringValue) : r.text(v.stringValue) };
		if (v.arrayValue) return { arrayValue: { values: (v.arrayValue.values ?? []).map((x) => value(x, asId)!) } };
		if (v.kvlistValue) return { kvlistValue: { values: attrs(v.kvlistValue.values) } };
		return v;
	};
	const attrs = (list: KeyValue[] | undefined): KeyValue[] | undefined => list?.map((kv) => ({ key: kv.key, value: value(kv.value, isIdentifierKey(kv.key)) }));
	return {
		resourceSpans: (request.resourceSpans ?? []).map((rs) => ({
			...rs,
			resource: rs.resource ? { ...rs.resource, attributes: attrs(rs.resource.attributes) } : rs.resource,
			scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
				...ss,
				spans: (ss.spans ?? []).map((s) => ({
					...s,
					attributes: attrs(s.attributes),
					events: s.events?.map((e) => ({ ...e, attributes: attrs(e.attributes) })),
					status: s.status?.message ? { ...s.status, message: r.text(s.status.message) } : s.status,
				})),
			})),
		})),
	};
}
