import type { IncomingMessage, Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { deadLettersCommand } from "./dead-letters-command";
import { fakeInstance } from "./fake-instance";

let server: Server | undefined;
afterEach(() => server?.close());

async function instance(reply: (req: IncomingMessage, body: string) => [number, unknown]) {
	const fake = await fakeInstance(reply);
	server = fake.server;
	return fake;
}

const run = async (args: string[]) => {
	let out = "";
	let err = "";
	const code = await deadLettersCommand(
		args,
		(s) => void (out += s),
		(s) => void (err += s),
	);
	return { code, out, err };
};

const row = (id: string) => ({
	id,
	queue: "barometer-events-dlq",
	reason: "retries exhausted",
	attempts: 3,
	received_at: "2026-11-01T00:00:00.000Z",
	body: {},
});

describe("barometer dead-letters", () => {
	it("list follows next_cursor through every page, one line per dead letter", async () => {
		const { url, seen } = await instance((req) =>
			req.url!.includes("cursor=") ? [200, { data: [row("dlq_2")], next_cursor: null }] : [200, { data: [row("dlq_1")], next_cursor: "c1" }],
		);
		const r = await run(["list", "--url", url, "--key", "bm_admin_x"]);
		expect(r.code).toBe(0);
		expect(r.out).toBe(
			"dlq_1\t2026-11-01T00:00:00.000Z\tbarometer-events-dlq\tattempts 3\tretries exhausted\ndlq_2\t2026-11-01T00:00:00.000Z\tbarometer-events-dlq\tattempts 3\tretries exhausted\n",
		);
		expect(seen.map((s) => [s.method, s.url, s.auth])).toEqual([
			["GET", "/api/dead-letters?limit=100", "Bearer bm_admin_x"],
			["GET", "/api/dead-letters?limit=100&cursor=c1", "Bearer bm_admin_x"],
		]);
	});

	it("replay sends ids or all, prints the count and says what was not found", async () => {
		const { url, seen } = await instance(() => [200, { replayed: 1 }]);
		const r = await run(["replay", "dlq_1", "dlq_other", "--url", url, "--key", "k"]);
		expect(r).toMatchObject({ code: 0, out: "1\n" });
		expect(r.err).toContain("Replayed 1 of 2 (1 not found in this project)");
		expect(JSON.parse(seen[0]!.body)).toEqual({ ids: ["dlq_1", "dlq_other"] });

		const all = await run(["replay", "--all", "--url", url, "--key", "k"]);
		expect(all.code).toBe(0);
		expect(JSON.parse(seen[1]!.body)).toEqual({ all: true });
	});

	it("reports the API's error and exits 1; bad usage exits 2", async () => {
		const { url } = await instance(() => [403, { error: { code: "wrong_key_kind", message: "This is a read key." } }]);
		const r = await run(["replay", "--all", "--url", url, "--key", "k"]);
		expect(r).toMatchObject({ code: 1, err: "barometer dead-letters: HTTP 403: This is a read key.\n" });
		expect((await run(["replay", "--url", url, "--key", "k"])).code).toBe(1);
		expect((await run(["frobnicate", "--url", url, "--key", "k"])).code).toBe(2);
	});
});
