import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { ConversationView, EventDetail, EventPage } from "#core/api/events";
import { STORED_TEXT_CHARS, STORED_TOOL_CHARS } from "#core/event-bodies";
import type { IssueDetail } from "#core/api/issues";
import { seedAdminKey } from "../../shared/test/admin-key";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, store } from "./seed-events";

const T0 = Date.UTC(2026, 9, 1, 12);
const MIN = 60_000;
/** A long answer with a word only past what D1 keeps. */
const answer = (tag: string) =>
	`${Array.from({ length: 60 }, (_, i) => `Step ${i + 1}: open the ${tag} settings page and check row ${i + 1} before you save. `).join("")}Finally: zanzibar.`;
const QUESTION = `${"Here is my whole config file, line by line. ".repeat(60)}Why does it fail?`;

let project: TestProject;
const get = async <T>(path: string, key = project.readKey) => {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key));
	return { status: res.status, body: (await res.json()) as { data: T } & T };
};

beforeEach(async () => {
	project = await seedProject();
	await store([
		ev(project.projectId, "long", T0, { user_id: "alice", convo_id: "c1", input: QUESTION, output: answer("billing") }),
		ev(project.projectId, "short", T0 + MIN, {
			user_id: "alice",
			convo_id: "c1",
			input: "thanks",
			output: "You're welcome.",
			attachments: [{ type: "text", name: "notes.txt", value: answer("notes") }],
		}),
		ev(project.projectId, "bobs", T0 + 2 * MIN, {
			user_id: "bob",
			convo_id: "c2",
			input: "hi",
			output: answer("profile"),
			tool_calls: [{ name: "lookup_profile", input: '{"user":"bob"}', output: answer("record"), duration_ms: 40 }],
		}),
	]);
});

describe("events with texts longer than D1 keeps", () => {
	it("lists and searches the first characters, marked truncated; the event and its conversation have the whole texts", async () => {
		const page = (await get<EventPage>("/api/events?user_id=alice")).body;
		const listed = page.data.find((e) => e.event_id === "long")!;
		expect(listed.input).toBe(QUESTION.slice(0, STORED_TEXT_CHARS));
		expect(listed.output).toBe(answer("billing").slice(0, STORED_TEXT_CHARS));
		expect(listed.texts_truncated).toBe(true);
		// A long attachment is cut in lists like a long text, and marked the same way.
		const short = page.data.find((e) => e.event_id === "short")!;
		expect(short).toMatchObject({ input: "thanks", texts_truncated: true });
		expect(short.attachments).toEqual([{ type: "text", name: "notes.txt", value: answer("notes").slice(0, STORED_TOOL_CHARS) }]);

		const detail = await get<EventDetail>("/api/events/long");
		expect(detail.status).toBe(200);
		expect(detail.body.data).toMatchObject({ input: QUESTION, output: answer("billing"), texts_truncated: false });

		const convo = (await get<ConversationView>("/api/conversations/c1")).body.data;
		expect(convo.events.map((e) => [e.event_id, e.output, e.texts_truncated])).toEqual([
			["long", answer("billing"), false],
			["short", "You're welcome.", false],
		]);
		expect(convo.events[1]!.attachments).toEqual([{ type: "text", name: "notes.txt", value: answer("notes") }]);

		// Text search covers what D1 keeps: a word of the first characters finds the event, one only past them does not.
		const search = async (q: string) => (await get<EventPage>(`/api/events/search?mode=text&q=${q}`)).body.data.map((e) => e.event_id);
		expect(await search("billing")).toEqual(["long"]);
		expect(await search("zanzibar")).toEqual([]);
	});

	it("marks an issue's examples whose texts D1 cut, and shows their first characters", async () => {
		const tail = `\n\n${answer("account")}`;
		await store(
			CONTACT_REFUSALS.slice(0, 5).map((refusal, i) =>
				ev(project.projectId, `r${i}`, T0 + (10 + i) * MIN, { user_id: `u${i}`, input: `Export my contacts (${i})`, output: refusal + tail }),
			),
		);
		const issue = await env.DB.prepare("SELECT id FROM issues WHERE project_id = ? AND signal = 'refusal'").bind(project.projectId).first<{ id: string }>();
		expect(issue).not.toBeNull();
		const examples = (await get<IssueDetail>(`/api/issues/${issue!.id}`)).body.data.examples;
		expect(examples.length).toBeGreaterThan(0);
		for (const e of examples) {
			expect(e.texts_truncated).toBe(true);
			expect(e.output).toHaveLength(STORED_TEXT_CHARS);
		}
	});

	it("a user's deletion leaves their texts unreadable at once: their keys leave with their rows; other users' texts still open", async () => {
		const objects = (await env.BODIES.list({ prefix: `bodies/${project.projectId}/` })).objects;
		// The seed was one queue batch: one object holds alice's and bob's texts, sealed apart.
		expect(objects).toHaveLength(1);
		const raw = await (await env.BODIES.get(objects[0]!.key))!.text();
		expect(raw).not.toContain("Step 1: open the billing settings");
		const admin = await seedAdminKey(project.projectId);
		const res = await SELF.fetch("https://api.test/api/users/alice", authed(admin, undefined, { method: "DELETE" }));
		expect(res.status).toBe(200);
		const refs = await env.DB.prepare("SELECT event_id, body_ref FROM events WHERE project_id = ? AND body_ref IS NOT NULL")
			.bind(project.projectId)
			.all<{ event_id: string }>();
		expect(refs.results.map((r) => r.event_id)).toEqual(["bobs"]);
		const bobs = (await get<EventDetail>("/api/events/bobs")).body.data;
		expect(bobs.output).toBe(answer("profile"));
		expect(bobs.tool_calls).toEqual([
			{ index: 0, name: "lookup_profile", input: '{"user":"bob"}', output: answer("record"), truncated: false, error: null, duration_ms: 40 },
		]);
		expect((await get<EventDetail>("/api/events/long")).status).toBe(404);
	});
});
