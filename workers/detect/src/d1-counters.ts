/**
 * D1's own counters (`meta.rows_read`, `meta.rows_written`) of every statement a queue batch runs,
 * for bench/drain-scale.ts; on only when the var D1_COUNTERS is "log" (the bench sets it, no
 * config does). They are read below the public API because drizzle's selects go through `raw()`,
 * which drops `meta`: workerd's D1 wrapper sends every first/all/raw/run and batch through
 * `_sendOrThrow` (or `_queryOrThrow` under the d1_binding_jsrpc flag) of its session class, whose
 * prototype `withSession()` exposes. That is workerd's internal shape: when it changes, `counted`
 * is false and the bench says so instead of reporting zeros. The hook is per isolate, so what else
 * runs in it during a batch counts too: locally the consumer takes one batch at a time, and the
 * bench runs no cron. Alongside, the batch's calls to the paid parts are counted (meterPorts, on the
 * local stand-ins' prototypes) and the time spent awaiting D1, for the cost model (bench/cost-model.ts).
 */
import type { Embedder } from "#core/embedding/embedder";
import type { D1Counts, PipelineUse } from "#core/metrics/pipeline-counts";
import { UseLiteEmbedder } from "#core/embedding/use-lite-embedder";
import { yieldToLoop } from "#core/yield-to-loop";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";

interface D1Meta {
	rows_read?: number;
	rows_written?: number;
}
type Send = (this: unknown, ...args: unknown[]) => Promise<unknown>;

interface Tally extends PipelineUse {
	statements: number;
	rowsRead: number;
	rowsWritten: number;
	per: Map<string, { calls: number; rowsRead: number; rowsWritten: number }>;
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
			const start = Date.now();
			const out = await send.apply(this, args);
			if (current) current.d1Ms += Date.now() - start;
			const sql = asList(args[1] as string | string[]);
			asList(out as { meta?: D1Meta }).forEach((r, i) => record(sql[i] ?? "?", r?.meta));
			return out;
		};
	if (query)
		proto._queryOrThrow = async function (...args) {
			const start = Date.now();
			const out = (await query.apply(this, args)) as { meta?: D1Meta }[];
			if (current) current.d1Ms += Date.now() - start;
			const queries = (args[0] as { queries: { sql: string }[] }).queries;
			out.forEach((r, i) => record(queries[i]?.sql ?? "?", r?.meta));
			return out;
		};
	return Boolean(send || query);
}

/** Counts D1 statements from now until the returned function is called, which gives the totals. */
export function countD1(db: D1Database): () => D1Counts {
	hooked ??= hook(db);
	meterPorts();
	const tally: Tally = {
		statements: 0,
		rowsRead: 0,
		rowsWritten: 0,
		per: new Map(),
		d1Ms: 0,
		encoderTexts: 0,
		encoderMs: 0,
		groupingTexts: 0,
		groupingChars: 0,
		indexQueries: 0,
		indexUpserts: 0,
		eventVectorsStored: 0,
		eventVectorsRead: 0,
	};
	current = tally;
	return () => {
		if (current === tally) current = undefined;
		const { per, ...totals } = tally;
		return { counted: hooked!, ...totals, byStatement: [...per].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.rowsRead - a.rowsRead) };
	};
}

let metered = false;

/** Counts calls on the local stand-ins of the paid ports; on only while a batch is counted. */
function meterPorts() {
	if (metered) return;
	metered = true;
	const wrap = <T extends object>(proto: T, name: keyof T & string, count: (t: Tally, args: unknown[]) => void) => {
		const original = proto[name] as (...args: unknown[]) => unknown;
		(proto as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
			if (current) count(current, args);
			return original.apply(this, args);
		};
	};
	const embed = UseLiteEmbedder.prototype.embed;
	UseLiteEmbedder.prototype.embed = async function (this: UseLiteEmbedder, texts: string[]) {
		const tally = current;
		if (!tally) return embed.call(this, texts);
		tally.encoderTexts += texts.length;
		// workerd's clock stands still while code runs and moves on I/O: a timer before each reading brings it up to date.
		await yieldToLoop();
		const start = Date.now();
		try {
			return await embed.call(this, texts);
		} finally {
			await yieldToLoop();
			tally.encoderMs += Date.now() - start;
		}
	};
	wrap(D1VectorIndex.prototype, "query", (t) => t.indexQueries++);
	wrap(D1VectorIndex.prototype, "nearest", (t, [queries]) => (t.indexQueries += (queries as unknown[]).length));
	wrap(D1VectorIndex.prototype, "upsert", (t, [records]) => (t.indexUpserts += (records as unknown[]).length));
	wrap(D1EventVectorStore.prototype, "upsert", (t, [, rows]) => {
		for (const r of rows as { input?: unknown; output?: unknown }[]) t.eventVectorsStored += (r.input ? 1 : 0) + (r.output ? 1 : 0);
	});
	// Vectorize's getByIds is asked for both parts of each event, as VectorizeEventVectorStore.get does.
	wrap(D1EventVectorStore.prototype, "get", (t, [, ids]) => (t.eventVectorsRead += (ids as unknown[]).length * 2));
}

/**
 * The grouping embedder, counted apart from the encoder while batches are counted: locally both are the
 * sentence encoder, in production grouping embeds with Workers AI (ISSUE_EMBEDDINGS = "workers-ai").
 */
export function groupingEmbedder(env: { D1_COUNTERS?: string }, embedder: Embedder): Embedder {
	if (env.D1_COUNTERS !== "log") return embedder;
	return {
		model: embedder.model,
		dimensions: embedder.dimensions,
		embed: (texts) => {
			if (current) {
				current.groupingTexts += texts.length;
				current.groupingChars += texts.reduce((n, x) => n + x.length, 0);
			}
			return embedder.embed(texts);
		},
	};
}
