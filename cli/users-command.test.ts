import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { fakeInstance } from "./fake-instance";
import { usersCommand } from "./users-command";

let server: Server | undefined;
afterEach(() => server?.close());

/** Answers each request in turn from `replies` (the last one repeats). */
async function instance(replies: [number, unknown][]) {
	const fake = await fakeInstance((_req, _body, seen) => replies[Math.min(seen.length - 1, replies.length - 1)]!);
	server = fake.server;
	return fake;
}

const run = async (args: string[]) => {
	let out = "";
	let err = "";
	const code = await usersCommand(
		args,
		(s) => void (out += s),
		(s) => void (err += s),
	);
	return { code, out, err };
};

const answer = (done: boolean, events: number, remaining: number) => ({
	data: { user_id: "u 1", deleted: { events, users: done ? 1 : 0 }, done, remaining_events: remaining },
});

describe("barometer users delete", () => {
	it("calls again while the API answers 202, and prints what was deleted in total", async () => {
		const { url, seen } = await instance([
			[202, answer(false, 2000, 500)],
			[200, answer(true, 500, 0)],
		]);
		const r = await run(["delete", "u 1", "--url", url, "--key", "bm_admin_x"]);
		expect(r.code).toBe(0);
		expect(r.out).toBe("events\t2500\nusers\t1\n");
		expect(seen).toEqual([
			{ method: "DELETE", url: "/api/users/u%201", auth: "Bearer bm_admin_x", body: "" },
			{ method: "DELETE", url: "/api/users/u%201", auth: "Bearer bm_admin_x", body: "" },
		]);
	});

	it("reports the API's error (an unknown user) and a missing user id", async () => {
		const { url } = await instance([[404, { error: { code: "user_not_found", message: "No user `x` in this project." } }]]);
		const r = await run(["delete", "x", "--url", url, "--key", "bm_admin_x"]);
		expect(r.code).toBe(1);
		expect(r.err).toContain("HTTP 404: No user `x` in this project.");
		expect((await run(["delete", "--url", url, "--key", "bm_admin_x"])).code).toBe(2);
	});
});
