// Traffic for the benchmarks that drive a running system through ingest's POST /v1/events.
import { SEED_USERS } from "./seed-d1";
import { syntheticEvents } from "./synthetic-events";
import { sleep } from "./wrangler-dev";

/** The write key bench/seed-d1.ts adds for the benchmarks that seed it. */
export const WRITE_KEY = "bm_write_bench00000000000000000000000000";
export const BATCH = 100;

/**
 * Events as an app sends them: half continue stored conversations (u/c ids of bench/seed-d1.ts), half start new ones.
 * `spread` (the drain rounds): each new conversation gets one turn, and with `continues` (traffic of this
 * shape sent before, drained since) a quarter continue that traffic's conversations instead of stored ones:
 * their earlier turn is in an earlier queue batch, as in production, where a conversation's turns are
 * seconds to minutes apart. Replies are then unique too, as real ones are, so no encoder cache holds them.
 */
export function newEvents(prefix: string, n: number, stored: number, spread?: { continues?: { prefix: string; n: number } }) {
	const texts = syntheticEvents(n, prefix.length * 7919 + n);
	const storedConvos = Math.max(1, Math.floor(stored / 4));
	const continues = spread?.continues;
	return texts.map((t, i) => {
		const convo =
			i % 2 === 1
				? `${prefix}_c${spread ? (i - 1) / 2 : Math.floor(i / 6)}`
				: continues && i % 4 === 2
					? `${continues.prefix}_c${((i - 2) / 4) % Math.floor(continues.n / 2)}`
					: `c${(i * 7919) % storedConvos}`;
		return {
			event_id: `${prefix}_${i}`,
			user_id: `u${(i * 104729) % SEED_USERS}`,
			convo_id: convo,
			event: "chat_message",
			model: i % 3 ? "gpt-4o" : "gpt-4o-mini",
			input: `${t.input} (${prefix} ${i})`,
			output: spread ? `${t.output} (${prefix} ${i})` : t.output,
			properties: { plan: i % 4 ? "free" : "pro", release: "2.0.0", prompt_version: "v7" },
			...(i % 5 === 0 ? { tool_calls: [{ name: "search_docs", input: { q: t.input.slice(0, 40) }, output: "[]", error: null, duration_ms: 120 }] } : {}),
		};
	});
}

/** Posts one batch, waiting out 503 (backlog) and 429 (rate limit) as a client would; anything else throws. */
export async function post(base: string, events: unknown[], key = WRITE_KEY): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		const res = await fetch(`${base}/v1/events`, {
			method: "POST",
			headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
			body: JSON.stringify({ events }),
		});
		await res.arrayBuffer();
		if (res.status === 202) return events.length;
		if ((res.status === 503 || res.status === 429) && attempt < 30) {
			await sleep(Number(res.headers.get("retry-after") ?? 1) * 1000);
			continue;
		}
		throw new Error(`POST /v1/events -> ${res.status}`);
	}
}

/** Posts in batches of 100, four requests at a time. */
export async function sendAll(base: string, events: unknown[]) {
	let next = 0;
	await Promise.all(
		Array.from({ length: 4 }, async () => {
			while (next * BATCH < events.length) {
				const b = next++;
				await post(base, events.slice(b * BATCH, (b + 1) * BATCH));
			}
		}),
	);
}

/** Events at `perSecond`, a small batch every 200 ms, until `stop()`; resolves with how many were sent. */
export function backgroundLoad(base: string, perSecond: number, stored: number): { stop: () => Promise<number> } {
	let running = true;
	let sent = 0;
	const done = (async () => {
		const perTick = Math.max(1, Math.round(perSecond / 5));
		const start = performance.now();
		for (let tick = 0; running; tick++) {
			await sleep(Math.max(0, start + tick * 200 - performance.now()));
			await post(base, newEvents(`bg${tick}`, perTick, stored));
			sent += perTick;
		}
		return sent;
	})();
	return {
		stop: async () => {
			running = false;
			return done;
		},
	};
}
