import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { ExportTraceRequest, OtlpSpan } from "./otlp-types";
import { roleOf } from "./span-readers";
import { readSpans, type Span } from "./span-tree";

/**
 * A turn can arrive in several exports. The batch span processor exports every few seconds, so a long
 * agent run sends its first steps before its turn span has ended; the simple processor sends each span on
 * its own. An export is therefore cut into one part per trace, and parts of a trace that is not settled
 * wait (in D1, see the detect worker's otel-traces) until the part that settles it arrives, or until
 * nothing more has come for a while. A trace is settled when every span at the top of what has arrived
 * is a turn span (it ends last, so what it holds has been sent), a span without a parent, a span whose
 * parent is in another process, or a span that is not part of a model call (an app's own span).
 */

export interface TracePart {
	traceId: string;
	/** Names the part by the spans in it: a retried export gives the same id. */
	partId: string;
	request: ExportTraceRequest;
	spans: number;
}

/** One part per trace, keeping each span's resource and scope. */
export function splitByTrace(request: ExportTraceRequest): TracePart[] {
	const byTrace = new Map<string, { request: ExportTraceRequest; ids: string[] }>();
	for (const rs of request.resourceSpans ?? []) {
		for (const ss of rs.scopeSpans ?? []) {
			for (const span of ss.spans ?? []) {
				let part = byTrace.get(span.traceId);
				if (!part) byTrace.set(span.traceId, (part = { request: { resourceSpans: [] }, ids: [] }));
				const list = part.request.resourceSpans!;
				let target = list.at(-1);
				if (!target || target.resource !== rs.resource) list.push((target = { resource: rs.resource, scopeSpans: [] }));
				let scope = target.scopeSpans!.at(-1);
				if (!scope || scope.scope !== ss.scope) target.scopeSpans!.push((scope = { scope: ss.scope, spans: [] }));
				scope.spans!.push(span);
				part.ids.push(span.spanId);
			}
		}
	}
	return [...byTrace].map(([traceId, { request: r, ids }]) => ({
		traceId,
		partId: bytesToHex(sha256(utf8ToBytes([...ids].sort().join(",")))).slice(0, 32),
		request: r,
		spans: ids.length,
	}));
}

/** Parts of one trace as one request; a span sent twice counts once (the later copy). */
export function mergeParts(parts: ExportTraceRequest[]): ExportTraceRequest {
	const seen = new Map<string, OtlpSpan>();
	for (const p of parts) for (const rs of p.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) seen.set(s.spanId, s);
	const keep = new Set(seen.values());
	return {
		resourceSpans: parts.flatMap((p) =>
			(p.resourceSpans ?? []).map((rs) => ({
				...rs,
				scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({ ...ss, spans: (ss.spans ?? []).filter((s) => keep.has(s)) })),
			})),
		),
	};
}

const GENAI_PREFIXES = ["gen_ai.", "ai.", "llm.", "openinference.", "traceloop."];
const isGenAi = (s: Span) => roleOf(s) !== undefined || [...s.attrs.keys()].some((k) => GENAI_PREFIXES.some((p) => k.startsWith(p)));
const REMOTE_KNOWN = 0x100;
const REMOTE = 0x200;
const parentIsRemote = (s: Span) => ((s.raw.flags ?? 0) & (REMOTE_KNOWN | REMOTE)) === (REMOTE_KNOWN | REMOTE);

/** Whether what has arrived of a trace holds its turns whole (see above). */
export function traceSettled(request: ExportTraceRequest): boolean {
	const { spans, parentOf } = readSpans(request);
	return spans.every((s) => !s.raw.parentSpanId || parentOf(s) !== undefined || parentIsRemote(s) || !isGenAi(s) || roleOf(s) === "turn");
}

/** Whether a part is worth keeping for its trace: it has a span of a model call, or names a user or conversation. */
export function partMatters(request: ExportTraceRequest): boolean {
	const { spans } = readSpans(request);
	return spans.some((s) => isGenAi(s) || s.attrs.has("user.id") || s.attrs.has("session.id") || s.attrs.has("enduser.id"));
}
