import { isRefusalAnswer, jsonHeaders, noteRefusal, send, sendOnce } from "./soak-client";
import { waitStoredOnce } from "./stored-once";

/**
 * The sustained ingest rate (batches of 100 at concurrency 4, for `sustainSeconds`), then an
 * open-loop burst at ten times that rate for `burstSeconds`: requests are fired on schedule whether
 * or not earlier ones were answered. Refusals (429, 503 with Retry-After) are counted, not retried;
 * acknowledged events must all be stored once the queue drains.
 */
export interface BurstResult {
	sustainedEventsPerSecond: number;
	sustainedAcknowledged: number;
	burstRequests: number;
	burstEvents: number;
	offeredEventsPerSecond: number;
	/** From the first request of the burst to its last answer. */
	burstSendMs: number;
	acknowledged: number;
	refused: number;
	fiveXx: number;
	hangs: number;
	otherStatuses: Record<string, number>;
	lost: string[];
	duplicated: string[];
	/** From the burst's last answer until every acknowledged event was readable. */
	drainMs: number;
	maxLatencyMs: number;
	/** The first few answers that were neither 202 nor a refusal. */
	examples: string[];
}

const BATCH = 100;
const USERS = Array.from({ length: 8 }, (_, i) => `burst_u${i}`);

function batchOf(prefix: string, n: number) {
	return Array.from({ length: BATCH }, (_, i) => ({
		event_id: `${prefix}_${n}_${i}`,
		user_id: USERS[(n + i) % USERS.length]!,
		convo_id: `${prefix}_c${n % 50}`,
		model: "gpt-4o",
		input: `Can you export my contacts? (${n}.${i})`,
		output: i % 7 ? "Here they are." : "Sorry, I cannot access your contacts.",
	}));
}

export async function burst(base: string, writeKey: () => string, readKey: () => string, sustainSeconds: number, burstSeconds: number): Promise<BurstResult> {
	const acknowledged: string[] = [];
	// Sustained: four clients in a closed loop, each waiting for its answer (and honouring Retry-After).
	let sustainedAcknowledged = 0;
	const sustainStart = Date.now();
	let n = 0;
	await Promise.all(
		Array.from({ length: 4 }, async () => {
			while (Date.now() - sustainStart < sustainSeconds * 1000) {
				const batch = batchOf("sustain", n++);
				const answer = await send(base, { method: "POST", path: "/v1/events", headers: jsonHeaders(writeKey()), body: JSON.stringify({ events: batch }) });
				if (answer.status === 202) {
					sustainedAcknowledged += batch.length;
					acknowledged.push(...batch.map((e) => e.event_id));
				}
			}
		}),
	);
	const rate = sustainedAcknowledged / ((Date.now() - sustainStart) / 1000);

	// Burst: 10x the rate, open loop.
	const requestsPerSecond = Math.max(1, (10 * rate) / BATCH);
	const burstRequests = Math.max(1, Math.round(requestsPerSecond * burstSeconds));
	const statuses: Record<string, number> = {};
	let refused = 0;
	let fiveXx = 0;
	let hangs = 0;
	let maxLatencyMs = 0;
	const examples: string[] = [];
	const burstStart = Date.now();
	await Promise.all(
		Array.from({ length: burstRequests }, async (_, r) => {
			await new Promise((res) => setTimeout(res, (r / requestsPerSecond) * 1000));
			const batch = batchOf("burst", r);
			const answer = await sendOnce(base, { method: "POST", path: "/v1/events", headers: jsonHeaders(writeKey()), body: JSON.stringify({ events: batch }) });
			maxLatencyMs = Math.max(maxLatencyMs, answer.ms);
			statuses[String(answer.status)] = (statuses[String(answer.status)] ?? 0) + 1;
			if (answer.status === 202) acknowledged.push(...batch.map((e) => e.event_id));
			else if (isRefusalAnswer(answer)) {
				refused++;
				noteRefusal(answer);
			} else {
				if (answer.hung) hangs++;
				else if (answer.status >= 500 || answer.status === 0) fiveXx++;
				if (examples.length < 5)
					examples.push(
						`POST /v1/events (100 events, ${r}th request of the burst) -> ${answer.hung ? "hang" : answer.status} ${answer.networkError ?? answer.text.slice(0, 300)} after ${Math.round(answer.ms)} ms`,
					);
			}
		}),
	);
	const burstEnd = Date.now();
	const burstAcknowledged = acknowledged.length - sustainedAcknowledged;
	const check = await waitStoredOnce(base, readKey, USERS, acknowledged, 600_000);
	return {
		sustainedEventsPerSecond: Math.round(rate),
		sustainedAcknowledged,
		burstRequests,
		burstEvents: burstRequests * BATCH,
		offeredEventsPerSecond: Math.round((burstRequests * BATCH) / burstSeconds),
		burstSendMs: burstEnd - burstStart,
		acknowledged: burstAcknowledged,
		refused,
		fiveXx,
		hangs,
		otherStatuses: statuses,
		lost: check.lost,
		duplicated: check.duplicated,
		drainMs: check.drainMs,
		maxLatencyMs: Math.round(maxLatencyMs),
		examples,
	};
}
