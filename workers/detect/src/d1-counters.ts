/**
 * D1's own counters (`meta.rows_read`, `meta.rows_written`) of every statement a queue batch runs,
 * for bench/drain-scale.ts; on only when the var D1_COUNTERS is "log" (the bench sets it, no
 * config does). They are read below the public API because drizzle's selects go through `raw()`,
 * which drops `meta`: workerd's D1 wrapper sends every first/all/raw/run and batch through
 * `_sendOrThrow` (or `_queryOrThrow` under the d1_binding_jsrpc flag) of its session class, whose
 * prototype `withSession()` exposes. That is workerd's internal shape: when it changes, `counted`
 * is false and the bench says so instead of reporting zeros. The hook is per isolate, so what else
 * runs in it during a batch counts too: locally the consumer takes one batch at a time, and the
 * bench runs no cron.
 */
interface D1Meta {
	rows_read?: number;
	rows_written?: number;
}
type Send = (this: unknown, ...args: unknown[]) => Promise<unknown>;

interface Tally {
	statements: number;
	rowsRead: number;
	rowsWritten: number;
	per: Map<string, { calls: number; rowsRead: number; rowsWritten: number }>;
}

export interface D1Counts {
	counted: boolean;
	statements: number;
	rowsRead: number;
	rowsWritten: number;
	/** Per statement text (its first 160 characters), largest reads first. */
	byStatement: { sql: string; calls: number; rowsRead: number; rowsWritten: number }[];
}

let current: Tally | undefined;
let hooked: boolean | undefined;

function record(sql: string, meta: D1Meta | undefined) {
	if (!current) return;
	const key = sql.replace(/\s+/g, " ").trim().slice(0, 160);
	const s = current.per.get(key) ?? { calls: 0, rowsRead: 0, rowsWritten: 0 };
	s.calls++;
	s.rowsRead += meta?.rows_read ?? 0;
	s.rowsWritten += meta?.rows_written ?? 0;
	current.per.set(key, s);
	current.statements++;
	current.rowsRead += meta?.rows_read ?? 0;
	current.rowsWritten += meta?.rows_written ?? 0;
}

const asList = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);

function hook(db: D1Database): boolean {
	const proto = Object.getPrototypeOf(db.withSession("first-primary")) as Record<string, Send | undefined>;
	const send = proto._sendOrThrow;
	const query = proto._queryOrThrow;
	if (send)
		proto._sendOrThrow = async function (...args) {
			const out = await send.apply(this, args);
			const sql = asList(args[1] as string | string[]);
			asList(out as { meta?: D1Meta }).forEach((r, i) => record(sql[i] ?? "?", r?.meta));
			return out;
		};
	if (query)
		proto._queryOrThrow = async function (...args) {
			const out = (await query.apply(this, args)) as { meta?: D1Meta }[];
			const queries = (args[0] as { queries: { sql: string }[] }).queries;
			out.forEach((r, i) => record(queries[i]?.sql ?? "?", r?.meta));
			return out;
		};
	return Boolean(send || query);
}

/** Counts D1 statements from now until the returned function is called, which gives the totals. */
export function countD1(db: D1Database): () => D1Counts {
	hooked ??= hook(db);
	const tally: Tally = { statements: 0, rowsRead: 0, rowsWritten: 0, per: new Map() };
	current = tally;
	return () => {
		if (current === tally) current = undefined;
		const { per, ...totals } = tally;
		return { counted: hooked!, ...totals, byStatement: [...per].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.rowsRead - a.rowsRead) };
	};
}
