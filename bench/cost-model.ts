// $ per 1M events from what the pipeline did on a run of the demo mix (issue 20): counters times Cloudflare's
// list prices (Workers Paid plan, above the monthly included amounts, which a large project passes).
// Prices read on 2026-12-06 from the pages below (their "last updated" dates in brackets).

export const PRICES = {
	/** https://developers.cloudflare.com/workers/platform/pricing/ [Jul 7, 2026]: "+$0.30 per additional million" requests, "+$0.02 per additional million CPU milliseconds"; queue consumer invocations are billed as requests (queues/configuration/consumer-concurrency). */
	workerRequestPerM: 0.3,
	workerCpuMsPerM: 0.02,
	/** https://developers.cloudflare.com/queues/platform/pricing/ [Apr 21, 2026]: "$0.40/million operations"; "3 operations to deliver a message: 1 write, 1 read, and 1 delete" per 64 KB. */
	queueOperationPerM: 0.4,
	/** https://developers.cloudflare.com/d1/platform/pricing/ [Apr 21, 2026]: "$0.001 / million rows" read, "$1.00 / million rows" written, "$0.75 / GB-mo". */
	d1RowReadPerM: 0.001,
	d1RowWrittenPerM: 1.0,
	d1GbMonth: 0.75,
	/** https://developers.cloudflare.com/workers-ai/platform/pricing/ [Aug 28, 2026]: "$0.011 per 1,000 Neurons"; @cf/baai/bge-base-en-v1.5 "6058 neurons per M input tokens". */
	neuronPerThousand: 0.011,
	bgeBaseNeuronsPerMTokens: 6058,
	/** https://developers.cloudflare.com/vectorize/platform/pricing/ [Apr 21, 2026]: "$0.01 per million" queried dimensions, "$0.05 per 100 million" stored dimensions; queried = (stored vectors + queries) x dimensions, monthly. */
	vectorizeQueriedDimsPerM: 0.01,
	vectorizeStoredDimsPer100M: 0.05,
	/** https://developers.cloudflare.com/r2/pricing/ (read 2026-12-07): Standard storage "$0.015 / GB-month", Class A (put) "$4.50 / million requests", Class B (get) "$0.36 / million requests"; deletes are free. */
	r2GbMonth: 0.015,
	r2ClassAPerM: 4.5,
	r2ClassBPerM: 0.36,
} as const;

/** Dimensions in production of every event's vectors in Vectorize, from the sentence encoder. */
const EVENT_DIMS = 512;

export interface PipelineCounts {
	/** AI events the run sent. */
	events: number;
	/** Everything the run put on the events queue (events, explicit signals, user profiles). */
	queueMessages: number;
	/** Queue consumer invocations (batches). */
	consumerBatches: number;
	/** Requests to ingest (the demo posts batches of up to 100; the SDK batches too). */
	ingestRequests: number;
	d1RowsRead: number;
	d1RowsWritten: number;
	/** Bytes of the D1 database per stored event. */
	d1BytesPerEvent: number;
	/** CPU milliseconds per event: the detect path (encoder, rules, models) and ingest. */
	cpuMsPerEvent: number;
	groupingChars: number;
	/** Nearest-centre lookups and centres written (D1's index; their rows are in the D1 counts). */
	indexQueries: number;
	indexUpserts: number;
	eventVectorsStored: number;
	/** Earlier turns' event vectors read back by detection (getByIds), instead of encoding those texts again. */
	eventVectorsRead: number;
	/** LLM second-opinion calls (production: at most DETECTION_LLM_DAILY_BUDGET per project per day). */
	llmChecks: number;
}

export interface CostTerm {
	term: string;
	perEvent: string;
	usdPerMillion: number;
}

export function costPerMillion(c: PipelineCounts, retentionMonths = 1): { terms: CostTerm[]; total: number } {
	const per = (x: number) => x / c.events;
	const M = 1_000_000;
	const fmt = (x: number) => (Math.round(x * 1000) / 1000).toString();
	const terms: CostTerm[] = [
		{
			term: "Workers requests (ingest requests + queue consumer invocations)",
			perEvent: `${fmt(per(c.ingestRequests))} + ${fmt(per(c.consumerBatches))}`,
			usdPerMillion: (per(c.ingestRequests + c.consumerBatches) * M * PRICES.workerRequestPerM) / M,
		},
		{
			term: "Workers CPU (detect path incl. encoder, ingest)",
			perEvent: `${fmt(c.cpuMsPerEvent)} ms`,
			usdPerMillion: (c.cpuMsPerEvent * M * PRICES.workerCpuMsPerM) / M,
		},
		{
			term: "Queue operations (write, read, delete per message)",
			perEvent: `${fmt(per(c.queueMessages) * 3)} ops`,
			usdPerMillion: (per(c.queueMessages) * 3 * M * PRICES.queueOperationPerM) / M,
		},
		{ term: "D1 rows written", perEvent: fmt(per(c.d1RowsWritten)), usdPerMillion: (per(c.d1RowsWritten) * M * PRICES.d1RowWrittenPerM) / M },
		{ term: "D1 rows read", perEvent: fmt(per(c.d1RowsRead)), usdPerMillion: (per(c.d1RowsRead) * M * PRICES.d1RowReadPerM) / M },
		{
			term: `D1 storage (${retentionMonths} month kept)`,
			perEvent: `${Math.round(c.d1BytesPerEvent)} bytes`,
			usdPerMillion: ((c.d1BytesPerEvent * M) / 1e9) * PRICES.d1GbMonth * retentionMonths,
		},
		{
			term: "Workers AI: grouping embeddings (bge-base, ~4 characters a token)",
			perEvent: `${fmt(per(c.groupingChars) / 4)} tokens`,
			usdPerMillion: (((per(c.groupingChars) / 4) * M) / M) * PRICES.bgeBaseNeuronsPerMTokens * (PRICES.neuronPerThousand / 1000),
		},
		{
			// Vectorize bills "(queried vectors + stored vectors) x dimensions" as queried dimensions each month: an event's
			// stored vectors count once per month kept. Reads by id are priced here as if each were a query, to err high.
			// Issue and intent centres are in D1 (docs/scaling.md, built item 10): their rows are in the D1 terms.
			term: `Vectorize queried dimensions (event vectors ${EVENT_DIMS}-d: stored ones count each month kept; earlier turns' vectors read by id, priced as queries)`,
			perEvent: `${fmt(per(c.eventVectorsStored) * retentionMonths)} + ${fmt(per(c.eventVectorsRead))} vectors`,
			usdPerMillion: (per(c.eventVectorsStored * retentionMonths + c.eventVectorsRead) * M * EVENT_DIMS * PRICES.vectorizeQueriedDimsPerM) / M,
		},
		{
			term: `Vectorize stored dimensions (event vectors ${EVENT_DIMS}-d; ${retentionMonths} month kept)`,
			perEvent: `${fmt(per(c.eventVectorsStored))} vectors`,
			usdPerMillion: (per(c.eventVectorsStored) * EVENT_DIMS * M * retentionMonths * PRICES.vectorizeStoredDimsPer100M) / 100_000_000,
		},
		{ term: "LLM checks (capped per project per day, not per event)", perEvent: fmt(per(c.llmChecks)), usdPerMillion: 0 },
	];
	return { terms, total: terms.reduce((n, t) => n + t.usdPerMillion, 0) };
}
