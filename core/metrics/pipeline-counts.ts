/**
 * What one queue batch asked of the pipeline, as the detect worker logs it under D1_COUNTERS=log
 * (workers/detect/src/d1-counters.ts) and the benchmarks read it (bench/drain-scale.ts, bench/demo-costs.ts):
 * D1's own rows read and written per statement, and calls to the paid parts, which bench/cost-model.ts prices.
 */
export interface PipelineUse {
	/** Milliseconds awaiting D1 (wall time: workerd's clock moves on I/O, so CPU-only phases read 0 alone). */
	d1Ms: number;
	encoderTexts: number;
	/**
	 * Milliseconds inside the sentence encoder (wall time, the clock read after a timer on both sides, since
	 * workerd's clock moves only on I/O): the encoder alone on exactly the texts the consumer encoded.
	 */
	encoderMs: number;
	/** Texts the grouping embedder embedded, and their characters (Workers AI bills tokens). */
	groupingTexts: number;
	groupingChars: number;
	indexQueries: number;
	indexUpserts: number;
	eventVectorsStored: number;
	/** Earlier turns' vectors asked of the event vector store (each event's two parts), read instead of encoded. */
	eventVectorsRead: number;
}

export interface D1Counts extends PipelineUse {
	/** False when workerd's D1 binding changed shape and nothing could be counted. */
	counted: boolean;
	statements: number;
	rowsRead: number;
	rowsWritten: number;
	/** Per statement text (its first 160 characters), largest reads first. */
	byStatement: { sql: string; calls: number; rowsRead: number; rowsWritten: number }[];
}
