import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { eventSearchResponseSchema } from "#core/api/events";
import { jobResponseSchema } from "#core/api/jobs";
import { USE_LITE_MODEL } from "#core/embedding/use-lite-embedder";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { MEANING_DEPTH } from "../src/reads/event-meaning-search";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { purgeExpiredData } from "../../detect/src/maintenance/retention";
import { detectBindings, ev, store } from "./seed-events";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 6, 1, 12);
/** More than the 300 newest events the search used to embed per request: the old event is past them. */
const FILLERS = 320;
const TOPICS = ["the weather tomorrow", "a pasta recipe", "football scores", "train times to Lyon", "a poem about the sea", "python list sorting"];

let project: TestProject;
let admin: string;

beforeAll(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	// The oldest events: what a search must reach past every filler.
	await store([
		ev(p, "dentist", T0, { user_id: "alice", input: "Please add my dentist appointment to the calendar", output: "I cannot access your calendar." }),
		ev(p, "invoice", T0 + HOUR, { user_id: "bob", input: "Where can I download last month's invoice?", output: "Invoices are under Billing." }),
	]);
	const fillers = Array.from({ length: FILLERS }, (_, i) =>
		ev(p, `f${i}`, T0 + (10 + i) * HOUR, { user_id: `u${i % 7}`, input: `Tell me about ${TOPICS[i % TOPICS.length]}, number ${i}`, output: `Here is ${i}.` }),
	);
	for (let i = 0; i < fillers.length; i += 100) await store(fillers.slice(i, i + 100));
}, 180_000);

async function get(path: string, key = project.readKey) {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key));
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function search(q: string, extra = "") {
	const { status, body } = await get(`/api/events/search?q=${encodeURIComponent(q)}${extra}`);
	expect(status, JSON.stringify(body)).toBe(200);
	return eventSearchResponseSchema.parse(body);
}

const fieldsOf = (body: Record<string, unknown>) => (body.error as { details: { field: string }[] }).details.map((d) => d.field);

describe("every stored event's vectors", () => {
	it("are stored by the consumer as it stores the event: input and output, 512-d, of the sentence encoder", async () => {
		const vectors = await new D1EventVectorStore(env.DB).get(project.projectId, ["dentist", "f0", "nope"], USE_LITE_MODEL);
		expect([...vectors.keys()].sort()).toEqual(["dentist", "f0"]);
		expect(vectors.get("dentist")!.input).toHaveLength(512);
		expect(vectors.get("dentist")!.output).toHaveLength(512);
		expect(await new D1EventVectorStore(env.DB).missing(project.projectId, ["dentist", "nope"], USE_LITE_MODEL)).toEqual(["nope"]);
	});
});

describe("GET /api/events/search by meaning, over every stored event", () => {
	it("finds the oldest event past more than 300 newer ones, and counts every event it searched", async () => {
		const result = await search("dentist appointment in my calendar");
		expect(result.mode).toBe("meaning");
		expect(result.data[0]!.event_id).toBe("dentist");
		expect(result.data[0]!.found_by).toEqual(["meaning"]);
		expect(result.searched).toBe(FILLERS + 2);
		const scores = result.data.map((e) => e.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
	});

	it("applies the time range inside the store, and the list's other filters to the candidates", async () => {
		const from = new Date(T0 + 5 * HOUR).toISOString();
		const later = await search("dentist appointment in my calendar", `&from=${from}`);
		expect(later.data.map((e) => e.event_id)).not.toContain("dentist");
		expect(later.searched).toBe(FILLERS);
		const to = new Date(T0 + 5 * HOUR).toISOString();
		expect((await search("dentist appointment", `&to=${to}`)).data.map((e) => e.event_id)).toEqual(["dentist", "invoice"]);
		// Other filters narrow the store's nearest MEANING_CANDIDATES events in SQL.
		const bobs = await search("where do I find my invoice", "&user_id=bob");
		expect(bobs.data.map((e) => e.event_id)).toEqual(["invoice"]);
		expect(bobs.searched).toBe(1);
		// A filter that leaves few events ranks them all: bob's one event, far from the query, is still found.
		const far = await search("the weather tomorrow", "&user_id=bob");
		expect(far.data.map((e) => e.event_id)).toEqual(["invoice"]);
		const u3 = await search("the weather tomorrow", "&user_id=u3");
		expect(u3.data.length).toBeGreaterThan(0);
		expect(u3.data.every((e) => e.user_id === "u3")).toBe(true);
	});

	it("pages over the nearest MEANING_DEPTH events: page 2 continues page 1 without duplicates or gaps, and the last page says so", async () => {
		const whole = await search("train times to Lyon", "&limit=100");
		expect(whole.ranked).toBe(MEANING_DEPTH);
		expect(whole.data).toHaveLength(MEANING_DEPTH);
		expect(whole.next_cursor).toBeNull();
		const seen: string[] = [];
		let cursor = "";
		for (let page = 0; page < 10; page++) {
			const result = await search("train times to Lyon", `&limit=30${cursor}`);
			expect(result.ranked).toBe(MEANING_DEPTH);
			seen.push(...result.data.map((e) => e.event_id));
			if (!result.next_cursor) break;
			cursor = `&cursor=${result.next_cursor}`;
		}
		expect(seen).toEqual(whole.data.map((e) => e.event_id));
		expect(new Set(seen).size).toBe(MEANING_DEPTH);
	});

	it("pages an exact ranking (a narrow filter) to its end: every event of the user, once", async () => {
		const first = await search("the weather tomorrow", "&user_id=u3&limit=20");
		expect(first.next_cursor).not.toBeNull();
		const second = await search("the weather tomorrow", `&user_id=u3&limit=20&cursor=${first.next_cursor}`);
		expect(second.next_cursor).not.toBeNull();
		const third = await search("the weather tomorrow", `&user_id=u3&limit=20&cursor=${second.next_cursor}`);
		const ids = [...first.data, ...second.data, ...third.data].map((e) => e.event_id);
		const u3Count = Array.from({ length: FILLERS }, (_, i) => i).filter((i) => i % 7 === 3).length;
		expect(third.next_cursor).toBeNull();
		expect(new Set(ids).size).toBe(u3Count);
		expect(first.ranked).toBe(u3Count);
	});

	it("answers 400 naming the field for an unknown mode or an empty q", async () => {
		const badMode = await get("/api/events/search?mode=foo&q=calendar");
		expect(badMode.status).toBe(400);
		expect(fieldsOf(badMode.body)).toEqual(["mode"]);
		for (const q of ["", "%20%20"]) {
			const empty = await get(`/api/events/search?mode=hybrid&q=${q}`);
			expect(empty.status).toBe(400);
			expect(fieldsOf(empty.body)).toEqual(["q"]);
		}
	});
});

describe("GET /api/events/search?mode=hybrid", () => {
	it("fuses the text and meaning rankings, each event once, saying which rankings found it", async () => {
		const result = await search("dentist calendar", "&mode=hybrid");
		expect(result.mode).toBe("hybrid");
		const ids = result.data.map((e) => e.event_id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(result.data[0]).toMatchObject({ event_id: "dentist", found_by: ["meaning", "text"] });
		expect(result.data.slice(1).every((e) => e.found_by.length === 1 && e.found_by[0] === "meaning")).toBe(true);
		expect(result.data[0]!.score).toBeGreaterThan(result.data[1]!.score);
	});

	it("pages over the fused ranking without overlap", async () => {
		const whole = await search("dentist calendar", "&mode=hybrid&limit=100");
		const first = await search("dentist calendar", "&mode=hybrid&limit=7");
		const second = await search("dentist calendar", `&mode=hybrid&limit=7&cursor=${first.next_cursor}`);
		expect([...first.data, ...second.data].map((e) => e.event_id)).toEqual(whole.data.slice(0, 14).map((e) => e.event_id));
		expect(first.ranked).toBe(whole.ranked);
	});

	it("ranks by meaning alone when q holds no words to look for", async () => {
		const result = await search("%%", "&mode=hybrid");
		expect(result.data.every((e) => e.found_by.join() === "meaning")).toBe(true);
	});
});

describe("deleting a user's data", () => {
	it("removes their events' vectors, so search by meaning no longer finds them", async () => {
		const other = await seedProject();
		const otherAdmin = await seedAdminKey(other.projectId);
		await store([
			ev(other.projectId, "secret", T0, { user_id: "carol", input: "My passport number got leaked", output: "Please contact support." }),
			ev(other.projectId, "kept", T0 + HOUR, { user_id: "dave", input: "How do I renew my passport?", output: "At the town hall." }),
		]);
		const vectors = new D1EventVectorStore(env.DB);
		expect((await vectors.get(other.projectId, ["secret"], USE_LITE_MODEL)).size).toBe(1);
		const before = await get(`/api/events/search?q=${encodeURIComponent("passport leaked")}`, other.readKey);
		expect((before.body.data as { event_id: string }[])[0]!.event_id).toBe("secret");
		const res = await SELF.fetch("https://api.test/api/users/carol", authed(otherAdmin, undefined, { method: "DELETE" }));
		expect(res.status).toBe(200);
		expect((await vectors.get(other.projectId, ["secret", "kept"], USE_LITE_MODEL)).has("secret")).toBe(false);
		const after = await get(`/api/events/search?q=${encodeURIComponent("passport leaked")}`, other.readKey);
		expect((after.body.data as { event_id: string }[]).map((e) => e.event_id)).toEqual(["kept"]);
	});
});

describe("retention", () => {
	it("removes expired events' vectors with the events", async () => {
		const old = await seedProject();
		await store([
			ev(old.projectId, "expired", T0, { input: "An old question about invoices", output: "An old answer." }),
			ev(old.projectId, "recent", T0 + 40 * 24 * HOUR, { input: "A recent question about invoices", output: "A recent answer." }),
		]);
		await env.DB.prepare("UPDATE projects SET retention_days = 30 WHERE id = ?").bind(old.projectId).run();
		await purgeExpiredData(await issuePorts(detectBindings()), T0 + 41 * 24 * HOUR);
		const left = await new D1EventVectorStore(env.DB).get(old.projectId, ["expired", "recent"], USE_LITE_MODEL);
		expect([...left.keys()]).toEqual(["recent"]);
	});
});

describe("/api/jobs", () => {
	it("starts an event_vectors job (admin), answers the running one again, and shows it by id and in the list", async () => {
		const started = await SELF.fetch("https://api.test/api/jobs", authed(admin, { kind: "event_vectors" }));
		expect(started.status).toBe(201);
		const job = jobResponseSchema.parse(await started.json()).data;
		expect(job).toMatchObject({ kind: "event_vectors", state: "queued", done: 0, total: null, error: null });
		const again = await SELF.fetch("https://api.test/api/jobs", authed(admin, { kind: "event_vectors" }));
		expect(again.status).toBe(200);
		expect(jobResponseSchema.parse(await again.json()).data.id).toBe(job.id);
		const one = await get(`/api/jobs/${job.id}`);
		expect(one.status).toBe(200);
		expect(jobResponseSchema.parse(one.body).data.id).toBe(job.id);
		expect(((await get("/api/jobs")).body.data as { id: string }[]).map((j) => j.id)).toContain(job.id);
	});

	it("refuses a read key, an unknown kind (naming it), and another project's job", async () => {
		expect((await SELF.fetch("https://api.test/api/jobs", authed(project.readKey, { kind: "event_vectors" }))).status).toBe(403);
		const bad = await SELF.fetch("https://api.test/api/jobs", authed(admin, { kind: "everything" }));
		expect(bad.status).toBe(400);
		expect(fieldsOf((await bad.json()) as Record<string, unknown>)).toEqual(["kind"]);
		const other = await seedProject();
		const theirs = await SELF.fetch("https://api.test/api/jobs", authed(await seedAdminKey(other.projectId), { kind: "event_vectors" }));
		const id = jobResponseSchema.parse(await theirs.json()).data.id;
		expect((await get(`/api/jobs/${id}`)).status).toBe(404);
	});
});
