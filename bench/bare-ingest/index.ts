// The limit for bench/ingest-load.ts: a worker on the same runtime that parses the JSON body and answers 202,
// nothing else (no key, no validation, no queue).
export default {
	async fetch(request: Request): Promise<Response> {
		if (request.method !== "POST") return Response.json({ ok: true });
		const body = (await request.json()) as { events?: unknown[] };
		return Response.json({ accepted: Array.isArray(body.events) ? body.events.length : 1 }, { status: 202 });
	},
};
