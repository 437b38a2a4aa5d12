import { attributeMap, type ExportTraceRequest, type OtlpSpan } from "./otlp-types";

/** A span of an export with its attributes read, its resource's attributes, and its times in milliseconds. */
export interface Span {
	raw: OtlpSpan;
	/** Where it is in the body: `resourceSpans[0].scopeSpans[0].spans[2]`. */
	path: string;
	/** Its place in the export, for ties in time. */
	index: number;
	attrs: Map<string, unknown>;
	resource: Map<string, unknown>;
	start: number;
	end: number;
}

/** Nanoseconds (validated: a whole number or its decimal string) → milliseconds; 0 when unreadable. */
function ms(nano: string | number | undefined): number {
	if (nano === undefined) return 0;
	if (typeof nano === "number") return Number.isFinite(nano) && nano >= 0 ? Math.floor(nano / 1_000_000) : 0;
	return /^\d{1,20}$/.test(nano) ? Number(BigInt(nano) / 1_000_000n) : 0;
}

/** The spans of a checked export, and each one's parent within it (by trace and span id). */
export function readSpans(request: ExportTraceRequest, pathOf?: (span: OtlpSpan) => string | undefined) {
	const spans: Span[] = [];
	(request.resourceSpans ?? []).forEach((rs, i) => {
		const resource = attributeMap(rs.resource?.attributes);
		(rs.scopeSpans ?? []).forEach((ss, j) =>
			(ss.spans ?? []).forEach((raw, k) =>
				spans.push({
					raw,
					path: pathOf?.(raw) ?? `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`,
					index: spans.length,
					attrs: attributeMap(raw.attributes),
					resource,
					start: ms(raw.startTimeUnixNano),
					end: ms(raw.endTimeUnixNano),
				}),
			),
		);
	});
	const byId = new Map(spans.map((s) => [`${s.raw.traceId}:${s.raw.spanId}`, s]));
	const parentOf = (s: Span) => (s.raw.parentSpanId ? byId.get(`${s.raw.traceId}:${s.raw.parentSpanId}`) : undefined);
	return { spans, parentOf };
}

/**
 * A value computed for every span from its own attributes and its parent's value (`step(span, above)`),
 * memoized, so all lookups together take time linear in the number of spans. Parent links come from the
 * client: a walk that meets a span already on its path (a cycle, a span that is its own parent) treats
 * that point as the top, so it always ends.
 */
export function foldDown<T>(parentOf: (s: Span) => Span | undefined, step: (s: Span, above: T | undefined) => T) {
	const memo = new Map<Span, T>();
	return (start: Span | undefined): T | undefined => {
		if (!start) return undefined;
		const path: Span[] = [];
		const onPath = new Set<Span>();
		let above: T | undefined;
		for (let p: Span | undefined = start; p; p = parentOf(p)) {
			if (memo.has(p)) {
				above = memo.get(p);
				break;
			}
			if (onPath.has(p)) break;
			path.push(p);
			onPath.add(p);
		}
		for (let i = path.length - 1; i >= 0; i--) {
			above = step(path[i]!, above);
			memo.set(path[i]!, above);
		}
		return above;
	};
}

/** The nearest span at or above `start` that satisfies `pred` (cycle-safe, linear overall). */
export function nearestUp(parentOf: (s: Span) => Span | undefined, pred: (s: Span) => boolean) {
	return foldDown<Span | undefined>(parentOf, (s, above) => (pred(s) ? s : above));
}

/** The outermost span at or above `start` that satisfies `pred`. */
export function outermostUp(parentOf: (s: Span) => Span | undefined, pred: (s: Span) => boolean) {
	return foldDown<Span | undefined>(parentOf, (s, above) => above ?? (pred(s) ? s : undefined));
}
