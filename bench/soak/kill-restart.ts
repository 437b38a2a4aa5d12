import { type RunningSystem, startSystem } from "../../e2e/start-system";
import { jsonHeaders, pool, sendOnce } from "./soak-client";
import { waitStoredOnce } from "./stored-once";

/**
 * Events sent at concurrency 8 while the whole process group (start.mjs, wrangler, workerd) is
 * killed with SIGKILL at a random moment; then `npm start` again on the same state. Every event
 * answered 202 must be stored exactly once; events not answered may or may not be there.
 */
export interface KillRound {
	sent: number;
	acknowledged: number;
	unanswered: number;
	killedAfterMs: number;
	restartMs: number;
	lost: string[];
	duplicated: string[];
	drainMs: number;
}

const BATCH = 5;

export async function killAndRestart(
	system: RunningSystem,
	state: string,
	writeKey: () => string,
	readKey: () => string,
	events: number,
	round: number,
): Promise<{ round: KillRound; system: RunningSystem }> {
	const user = `kill_r${round}`;
	const batches = Array.from({ length: Math.ceil(events / BATCH) }, (_, b) =>
		Array.from({ length: Math.min(BATCH, events - b * BATCH) }, (_, i) => ({
			event_id: `kill_r${round}_${b * BATCH + i}`,
			user_id: user,
			convo_id: `kill_c${b % 20}`,
			input: `question ${b}.${i}`,
			output: `answer ${b}.${i}`,
		})),
	);
	// Somewhere in the middle of the load: once a random 20-80% of the events were acknowledged, with requests in flight.
	const killWhenAcknowledged = Math.floor(events * (0.2 + Math.random() * 0.6));
	const acknowledged: string[] = [];
	let sent = 0;
	let killed = false;
	let killedAfterMs = 0;
	const started = Date.now();
	await pool(batches, 8, async (batch) => {
		if (killed) return;
		sent += batch.length;
		const answer = await sendOnce(system.base, {
			method: "POST",
			path: "/v1/events",
			headers: jsonHeaders(writeKey()),
			body: JSON.stringify({ events: batch }),
		});
		if (answer.status === 202) acknowledged.push(...batch.map((e) => e.event_id));
		if (!killed && acknowledged.length >= killWhenAcknowledged) {
			killed = true;
			killedAfterMs = Date.now() - started;
			system.kill("SIGKILL");
		}
	});
	await system.exited;
	const port = Number(new URL(system.base).port);
	const restartStarted = Date.now();
	const next = await startSystem(state, port);
	const restartMs = Date.now() - restartStarted;
	const check = await waitStoredOnce(next.base, readKey, [user], acknowledged, 180_000);
	return {
		round: {
			sent,
			acknowledged: acknowledged.length,
			unanswered: sent - acknowledged.length,
			killedAfterMs,
			restartMs,
			lost: check.lost,
			duplicated: check.duplicated,
			drainMs: check.drainMs,
		},
		system: next,
	};
}
