// The limit for bench/ingest-load.ts: a worker on the same runtime that parses the JSON body and answers 202,
// nothing else (no key, no validation, no queue). With an EVENTS_QUEUE binding (the "bare + queue" variant) it
// also sends each event as one message, as ingest does, so the local queue broker's share can be told apart.
interface Env {
	EVENTS_QUEUE?: { sendBatch(messages: { body: unknown; contentType?: string }[]): Promise<void> };
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		if (request.method !== "POST") return Response.json({ ok: true });
		const body = (await request.json()) as { events?: unknown[] };
		const events = Array.isArray(body.events) ? body.events : [body];
		if (env.EVENTS_QUEUE) {
			for (let i = 0; i < events.length; i += 100) await env.EVENTS_QUEUE.sendBatch(events.slice(i, i + 100).map((e) => ({ body: e, contentType: "json" })));
		}
		return Response.json({ accepted: events.length }, { status: 202 });
	},
};
