import { rmSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { countEvents } from "./event-counts";
import { type RunningSystem, startSystem } from "./start-system";

// Its own instance and database (the shared one must not be killed under the other tests).
const STATE = ".wrangler/e2e-durability-state";
const WRITE = "bm_write_localdev00000000000000000000";
const ADMIN = "bm_admin_localdev00000000000000000000";

let system: RunningSystem | null = null;
afterAll(() => {
	system?.kill("SIGTERM");
	rmSync(STATE, { recursive: true, force: true });
});

const count = (base: string, user: string) => countEvents(base, ADMIN, user);

describe("npm start keeps what it acknowledged", () => {
	it("100 events answered 202, the process group killed at once (SIGKILL): all 100 stored after a restart", { timeout: 480_000 }, async () => {
		rmSync(STATE, { recursive: true, force: true });
		system = await startSystem(STATE);
		const { base } = system;
		const statuses: number[] = [];
		for (let r = 0; r < 10; r++) {
			const events = Array.from({ length: 10 }, (_, i) => ({
				event_id: `dur_${r}_${i}`,
				user_id: "durability_user",
				convo_id: `dur_c${r}`,
				input: `question ${r}.${i}`,
				output: `answer ${r}.${i}`,
			}));
			const res = await fetch(`${base}/v1/events`, {
				method: "POST",
				headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" },
				body: JSON.stringify({ events }),
			});
			statuses.push(res.status);
		}
		expect(statuses.every((s) => s === 202)).toBe(true);
		system.kill("SIGKILL");
		await system.exited;

		system = await startSystem(STATE, Number(new URL(base).port));
		await vi.waitFor(async () => expect(await count(system!.base, "durability_user")).toBe(100), { timeout: 120_000, interval: 1000 });
	});
});
