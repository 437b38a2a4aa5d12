// bench/ingest-load.ts's consumer of the events queue: acknowledges every message and does nothing else, so the
// local queue stays drained while ingest alone is measured.
export default {
	async fetch(): Promise<Response> {
		return Response.json({ ok: true });
	},
	async queue(batch: { ackAll(): void }): Promise<void> {
		batch.ackAll();
	},
};
