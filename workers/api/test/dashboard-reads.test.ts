import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, store } from "./seed-events";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 10, 12);
const CONTACTS = CONTACT_REFUSALS.slice(0, 4);
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	await store([
		...CONTACTS.map((output, i) =>
			ev(p, `c${i}`, D0 + i * DAY, {
				user_id: `u${i}`,
				model: i < 2 ? "model-a" : "model-b",
				properties: { prompt_version: i < 2 ? "v1" : "v2" },
				input: "Export my contacts",
				output,
			}),
		),
		ev(p, "weather", D0, {
			user_id: "u8",
			model: "model-a",
			input: "Will it rain in Paris tomorrow?",
			output: "Light showers are expected in Paris tomorrow afternoon.",
		}),
		ev(p, "recipe", D0, {
			user_id: "u9",
			model: "model-a",
			input: "How do I bake sourdough bread?",
			output: "Mix flour, water and starter, then let the dough rise overnight.",
		}),
	]);
});

const call = (method: string, path: string, key = project.readKey, body?: unknown) => SELF.fetch(`https://api.test${path}`, authed(key, body, { method }));
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const window = "from=2026-11-04&to=2026-11-13";

describe("issue list for the dashboard", () => {
	it("carries a daily users series per issue and a trend, and filters by model and property", async () => {
		const { data } = await json<{ data: Array<{ daily_users: number[]; trend: { direction: string; recent: number }; top_intent: { name: string } | null }> }>(
			call("GET", `/api/issues?${window}`),
		);
		expect(data).toHaveLength(1);
		// Signal × intent: the refusals happened while users asked to export their contacts.
		expect(data[0]!.top_intent?.name).toMatch(/contacts|export/);
		expect(data[0]!.daily_users).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
		expect(data[0]!.trend).toMatchObject({ direction: "new", recent: 4 });
		expect((await json<{ data: unknown[] }>(call("GET", `/api/issues?${window}&model=model-b`))).data).toHaveLength(1);
		expect((await json<{ data: unknown[] }>(call("GET", `/api/issues?${window}&model=model-z`))).data).toHaveLength(0);
		expect((await json<{ data: unknown[] }>(call("GET", `/api/issues?${window}&property.prompt_version=v2`))).data).toHaveLength(1);
		expect((await json<{ data: unknown[] }>(call("GET", `/api/issues?${window}&property.prompt_version=v9`))).data).toHaveLength(0);
	});

	it("reads a follow-up complaint under the conversation's intent, not the complaint's own", async () => {
		const p = project.projectId;
		const t = D0 + 2 * DAY + 3_600_000;
		await store(
			[0, 1, 2, 3].flatMap((i) => [
				ev(p, `open${i}`, t + i * 1000, {
					user_id: `f${i}`,
					convo_id: `conv${i}`,
					input: "Export my contacts",
					output: "Here is the CSV file with your contacts.",
				}),
				ev(p, `moan${i}`, t + i * 1000 + 500, {
					user_id: `f${i}`,
					convo_id: `conv${i}`,
					input: "That's not what I asked for, you are useless!",
					output: "Sorry about that.",
				}),
			]),
		);
		const { data } = await json<{ data: Array<{ signal: string; top_intent: { name: string } | null }> }>(
			call("GET", `/api/issues?${window}&signal=user_frustration`),
		);
		expect(data).toHaveLength(1);
		expect(data[0]!.top_intent?.name).toMatch(/contacts|export/);
	});

	it("marks when a model or prompt version first appeared, not the values the project started with", async () => {
		const { data } = await json<{ data: Array<{ kind: string; value: string; at: string }> }>(call("GET", `/api/project/markers?${window}`));
		expect(data).toContainEqual({ kind: "model", value: "model-b", at: new Date(D0 + 2 * DAY).toISOString() });
		expect(data).toContainEqual({ kind: "prompt_version", value: "v2", at: new Date(D0 + 2 * DAY).toISOString() });
		// model-a and v1 came with the first events, inside the window: a start, not a change.
		expect(data.map((m) => m.value)).not.toContain("model-a");
		expect(data.map((m) => m.value)).not.toContain("v1");
		// A kind sent only later marks its first value: the release property appears on day 3.
		await store([
			ev(project.projectId, "rel", D0 + 3 * DAY, { user_id: "u9", model: "model-b", input: "hi", output: "hello", properties: { release: "2.0" } }),
		]);
		const after = await json<{ data: Array<{ kind: string; value: string; at: string }> }>(call("GET", `/api/project/markers?${window}`));
		expect(after.data).toContainEqual({ kind: "release", value: "2.0", at: new Date(D0 + 3 * DAY).toISOString() });
		expect(after.data.map((m) => m.value)).not.toContain("model-a");
		const [issue] = (await json<{ data: Array<{ id: string }> }>(call("GET", `/api/issues?${window}`))).data;
		const detail = await json<{ data: { markers: unknown[] } }>(call("GET", `/api/issues/${issue!.id}?${window}`));
		expect(detail.data.markers).toEqual(after.data);
	});
});

describe("semantic search over events", () => {
	it("ranks events by meaning, not by shared words", async () => {
		const { data } = await json<{ data: Array<{ event_id: string; score: number }> }>(
			call("GET", `/api/events/search?q=${encodeURIComponent("weather forecast umbrella")}&${window}`),
		);
		expect(data[0]!.event_id).toBe("weather");
		const bread = await json<{ data: Array<{ event_id: string }> }>(call("GET", `/api/events/search?q=${encodeURIComponent("baking a loaf")}`));
		expect(bread.data[0]!.event_id).toBe("recipe");
	});

	it("applies the list's filters and requires q", async () => {
		const { data } = await json<{ data: Array<{ event_id: string }> }>(call("GET", `/api/events/search?q=contacts&model=model-b`));
		expect(data.map((e) => e.event_id).sort()).toEqual(["c2", "c3"]);
		const res = await call("GET", "/api/events/search?q=");
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]!.field).toBe("q");
	});
});

describe("project keys", () => {
	it("admins list, create (shown once) and revoke keys; read keys cannot", async () => {
		expect((await call("GET", "/api/project/keys")).status).toBe(403);
		const created = await json<{ data: { id: string; key: string; kind: string } }>(call("POST", "/api/project/keys", admin, { kind: "read", name: "laptop" }));
		expect(created.data.key).toMatch(/^bm_read_/);
		expect((await call("GET", "/api/project", created.data.key)).status).toBe(200);
		const listed = await json<{ data: Array<{ id: string; prefix: string; current: boolean }> }>(call("GET", "/api/project/keys", admin));
		expect(JSON.stringify(listed.data)).not.toContain(created.data.key);
		expect(listed.data.filter((k) => k.current)).toHaveLength(1);
		expect((await call("DELETE", `/api/project/keys/${created.data.id}`, admin)).status).toBe(204);
		const after = await json<{ data: Array<{ id: string; revoked_at: string | null }> }>(call("GET", "/api/project/keys", admin));
		expect(after.data.find((k) => k.id === created.data.id)!.revoked_at).not.toBeNull();
	});

	it("the key in use cannot revoke itself, and another project's key is not found", async () => {
		const me = (await json<{ data: Array<{ id: string; current: boolean }> }>(call("GET", "/api/project/keys", admin))).data.find((k) => k.current)!;
		expect((await call("DELETE", `/api/project/keys/${me.id}`, admin)).status).toBe(409);
		const other = await seedProject("Other");
		const otherAdmin = await seedAdminKey(other.projectId);
		expect((await call("DELETE", `/api/project/keys/${me.id}`, otherAdmin)).status).toBe(404);
	});

	it("the project tells the dashboard which kind of key is signed in", async () => {
		expect((await json<{ data: { key_kind: string } }>(call("GET", "/api/project"))).data.key_kind).toBe("read");
		expect((await json<{ data: { key_kind: string } }>(call("GET", "/api/project", admin))).data.key_kind).toBe("admin");
	});
});
