import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { seal } from "#core/alerts/secret-box";
import { encryptionKey } from "#shared/alerts/alert-delivery";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { ev, store } from "./seed-events";

const T0 = Date.UTC(2026, 9, 1, 12);
const LONG_INPUT = `Please summarise this quarterly revenue report for the board meeting on Thursday morning, 100% of it`;
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	await store([
		ev(project.projectId, "long", T0, { user_id: "alice", convo_id: "c1", input: LONG_INPUT, output: "Here is the summary." }),
		ev(project.projectId, "pct", T0 + 1000, { user_id: "bob", convo_id: "c2", input: "What is 100_percent?", output: "A number." }),
	]);
});

type ErrorBody = { error?: { code: string; details?: { field: string; message: string }[] } };
async function get(path: string, key = project.readKey) {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key));
	return { status: res.status, body: (await res.json()) as ErrorBody & { data?: Array<{ event_id: string }> } };
}
/** Asserts a 400 whose details name `field`. */
async function expect400(path: string, field: string, key?: string) {
	const { status, body } = await get(path, key);
	expect(status, path).toBe(400);
	expect(body.error?.code, path).toBe("invalid_query");
	expect(
		body.error?.details?.map((d) => d.field),
		path,
	).toContain(field);
}

describe("GET /api/events?q= (text search, FTS5 since migration 0020)", () => {
	it("finds events by search text of 49 characters and more (SQLite's LIKE refused such patterns with a 500), by whole words: a cut word needs its *", async () => {
		for (const q of [LONG_INPUT.slice(0, 50), `${LONG_INPUT.slice(0, 49)}*`, LONG_INPUT, LONG_INPUT.toUpperCase()]) {
			const { status, body } = await get(`/api/events?q=${encodeURIComponent(q)}`);
			expect(status, q).toBe(200);
			expect(
				body.data!.map((e) => e.event_id),
				q,
			).toEqual(["long"]);
		}
		expect((await get(`/api/events?q=${encodeURIComponent(LONG_INPUT.slice(0, 49))}`)).body.data).toEqual([]);
	});

	it("accepts search text of exactly 500 characters and answers 400 naming q beyond 500", async () => {
		expect((await get(`/api/events?q=${"a".repeat(500)}`)).status).toBe(200);
		await expect400(`/api/events?q=${"a".repeat(501)}`, "q");
	});

	it("treats % and _ as the tokenizer does, separators between words, never as patterns", async () => {
		expect((await get(`/api/events?q=${encodeURIComponent("100_percent")}`)).body.data!.map((e) => e.event_id)).toEqual(["pct"]);
		expect((await get(`/api/events?q=${encodeURIComponent("100%")}`)).body.data!.map((e) => e.event_id)).toEqual(["pct", "long"]);
		await expect400(`/api/events?q=${encodeURIComponent("%_%")}`, "q");
	});
});

describe("date query parameters outside JavaScript's Date range answer 400 naming the parameter", () => {
	it("GET /api/issues?to=9999999999999968 (was a 500 'Invalid time value')", async () => {
		await expect400("/api/issues?to=9999999999999968", "to");
		await expect400("/api/issues?from=9999999999999968&to=2026-11-01", "from");
	});

	it("GET /api/signals/rates?to=8640000086400000 (was a 500 'Invalid time value')", async () => {
		await expect400("/api/signals/rates?to=8640000086400000", "to");
		await expect400("/api/signals/rates?from=-8640000086400000&to=2026-11-01", "from");
	});

	it("every other route with a date window: events, issue detail, intents, matrix, markers", async () => {
		const huge = "99999999999999999999";
		await expect400(`/api/events?from=${huge}`, "from");
		await expect400(`/api/events?to=${huge}`, "to");
		await expect400(`/api/events/search?q=hello&to=${huge}`, "to");
		await expect400(`/api/issues/nope?to=${huge}`, "to");
		await expect400(`/api/intents?to=${huge}`, "to");
		await expect400(`/api/intents/matrix?from=${huge}`, "from");
		await expect400(`/api/project/markers?to=${huge}`, "to");
		await expect400(`/api/issues?to=${"9".repeat(400)}`, "to");
		await expect400(`/api/issues?to=+275760-09-14T00:00:00Z`, "to");
	});

	it("the before/after ranges a_from, a_to, b_from, b_to of compare routes", async () => {
		const ok = "a_from=2026-11-01&a_to=2026-11-02&b_from=2026-11-03&b_to=2026-11-04";
		for (const name of ["a_from", "a_to", "b_from", "b_to"]) {
			const query = ok.replace(new RegExp(`${name}=[^&]+`), `${name}=9999999999999968`);
			await expect400(`/api/signals/refusal/compare?${query}`, name);
		}
		await store(
			CONTACT_REFUSALS.slice(0, 3).map((output, i) =>
				ev(project.projectId, `r${i}`, T0 + i * 60_000, { user_id: `u${i}`, input: "Export my contacts", output }),
			),
		);
		const issues = (await get("/api/issues?from=2026-10-01&to=2026-10-02")).body.data as unknown as { id: string }[];
		expect(issues.length).toBeGreaterThan(0);
		await expect400(`/api/issues/${issues[0]!.id}/compare?${ok.replace("b_to=2026-11-04", "b_to=8640000086400000")}`, "b_to");
	});

	it("the edge of the Date range is still accepted: to=8640000000000000 and the epoch", async () => {
		expect((await get("/api/signals/rates?to=8640000000000000")).status).toBe(200);
		expect((await get("/api/issues?to=0")).status).toBe(200);
		expect((await get("/api/signals/rates?to=-8640000000000000")).status).toBe(200);
	});
});

describe("numeric and repeated query parameters: nonsense is a 400 naming the parameter", () => {
	it("GET /api/issues?limit= negative, zero, fractional, huge or not a number", async () => {
		for (const limit of ["-1", "0", "1.5", "201", "1e309", "NaN", "abc", ""]) await expect400(`/api/issues?limit=${limit}`, "limit");
		expect((await get("/api/issues?limit=200")).status).toBe(200);
	});

	it("GET /api/issues with an over-long signal, intent and model names each, in the query's order", async () => {
		const long = "x".repeat(501);
		const { status, body } = await get(`/api/issues?model=${long}&intent=${long}&signal=${long}&property.plan=pro`);
		expect(status).toBe(400);
		expect(body.error?.details).toEqual(["signal", "intent", "model"].map((field) => ({ field, message: "must be at most 500 characters" })));
		expect((await get(`/api/issues?signal=${"x".repeat(500)}&intent=&model=`)).status).toBe(200);
	});

	it("GET /api/alerts/rules/:id/deliveries?limit=&before= nonsense", async () => {
		const rule = await SELF.fetch(
			"https://api.test/api/alerts/rules",
			authed(admin, { name: "r", kind: "new_issue", destination: { type: "slack", url: "https://hooks.slack.com/services/T0/B0/x" } }, { method: "POST" }),
		);
		const { data } = (await rule.json()) as { data: { id: string } };
		for (const limit of ["-5", "0", "abc", "99999999999999999999"]) await expect400(`/api/alerts/rules/${data.id}/deliveries?limit=${limit}`, "limit");
		for (const before of ["-1", "abc", "1e400"]) await expect400(`/api/alerts/rules/${data.id}/deliveries?before=${before}`, "before");
		expect((await get(`/api/alerts/rules/${data.id}/deliveries?limit=10&before=${Date.now()}`)).status).toBe(200);
	});

	it("too many property filters (D1 binds at most 100 parameters) on events and issues", async () => {
		const props = (n: number) => Array.from({ length: n }, (_, i) => `property.k${i}=v${i}`).join("&");
		expect((await get(`/api/events?${props(20)}`)).status).toBe(200);
		expect((await get(`/api/issues?${props(20)}`)).status).toBe(200);
		await expect400(`/api/events?${props(40)}`, "property");
		await expect400(`/api/issues?${props(60)}`, "property");
	});

	it("issue property filters with names a JSON path cannot hold", async () => {
		await expect400(`/api/issues?${encodeURIComponent('property.a"b')}=1`, 'property.a"b');
	});

	it("an events cursor holding a number beyond JSON's safe integers", async () => {
		// biome-ignore lint/correctness/noPrecisionLoss: the cursor must hold a number beyond what JSON can represent
		const cursor = btoa(JSON.stringify([1e400, "x"]).replace("null", "1e400")).replace(/=+$/, "");
		await expect400(`/api/events?cursor=${cursor}`, "cursor");
		await expect400(`/api/conversations/c1?cursor=${cursor}`, "cursor");
	});
});

describe("webhook destinations: IPv6 forms of internal addresses", () => {
	async function createRule(url: string) {
		const res = await SELF.fetch(
			"https://api.test/api/alerts/rules",
			authed(admin, { name: "r", kind: "new_issue", destination: { type: "webhook", url } }, { method: "POST" }),
		);
		return { status: res.status, body: (await res.json()) as ErrorBody & { data: { id: string } } };
	}

	it("are refused when a rule is saved: [::169.254.169.254], [::127.0.0.1], mapped, NAT64, link-local and unique local", async () => {
		for (const url of [
			"https://[::169.254.169.254]/",
			"https://[::127.0.0.1]/",
			"https://[::ffff:7f00:1]/x",
			"https://[64:ff9b::10.0.0.1]/x",
			"https://[0:0:0:0:0:0:0:1]/x",
			"https://[fe80::1]/x",
			"https://[fc00::1]/x",
		]) {
			const { status, body } = await createRule(url);
			expect(status, url).toBe(400);
			expect(body.error!.details![0]!.field, url).toBe("destination.url");
		}
	});

	it("are refused again before each send, for a rule stored before the check", async () => {
		const { status, body } = await createRule("https://hooks.example.com/x");
		expect(status).toBe(201);
		const sealed = await seal(encryptionKey(env), body.data.id, JSON.stringify({ url: "https://[::169.254.169.254]/latest/meta-data", secret: "whsec_x" }));
		await env.DB.prepare("UPDATE alert_rules SET destination_sealed = ? WHERE id = ?").bind(sealed, body.data.id).run();
		const res = await SELF.fetch(`https://api.test/api/alerts/rules/${body.data.id}/test`, authed(admin, {}, { method: "POST" }));
		expect(res.status).toBe(201);
		const delivery = ((await res.json()) as { data: { status: string; error: string } }).data;
		expect(delivery.status).toBe("failed");
		expect(delivery.error).toMatch(/destination URL must not point to a private/);
	});
});
