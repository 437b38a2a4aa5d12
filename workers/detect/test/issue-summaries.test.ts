import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../src";
import { parseSummary, summarizeIssues, WorkersAiSummarizer } from "../src/issues/issue-summaries";
import { fakeAi } from "./fake-ai";
import { batchOf, eventMessage } from "./messages";

const CALENDAR = [
	"I'm sorry, but I can't access your calendar.",
	"I don't have access to your calendar, so I can't schedule that.",
	"Unfortunately I'm not able to view or change your calendar events.",
	"I can't make changes to your calendar, sorry.",
	"Sorry, I cannot open your calendar.",
	"I am unable to see your calendar.",
];
let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_sum_${++n}_${Date.now()}`;
});

async function calendarIssue(count: number) {
	const ctx = createExecutionContext();
	await worker.queue!(
		batchOf(
			CALENDAR.slice(0, count).map((output, i) => eventMessage(PROJECT, `c${i}`, { user_id: `u${i}`, convo_id: `c${i}`, input: "Move my meeting", output })),
		),
		env,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return env.DB.prepare("SELECT id, title, description, summarized_at FROM issues WHERE project_id = ?")
		.bind(PROJECT)
		.first<{ id: string; title: string; description: string; summarized_at: number | null }>();
}

describe("Workers AI issue summaries", () => {
	it("names an issue from its examples once it has enough events, once", async () => {
		const before = (await calendarIssue(6))!;
		const { ai, calls } = fakeAi(() => ({
			response: { title: "Claims it cannot access the user's calendar", description: "Calendar requests get a refusal instead of the change." },
		}));
		expect(await summarizeIssues(env.DB, new WorkersAiSummarizer(ai))).toBeGreaterThanOrEqual(1);
		const after = (await env.DB.prepare("SELECT title, description, summarized_at FROM issues WHERE id = ?")
			.bind(before.id)
			.first<{ title: string; description: string; summarized_at: number }>())!;
		expect(after).toMatchObject({
			title: "Claims it cannot access the user's calendar",
			description: "Calendar requests get a refusal instead of the change.",
		});
		const mine = calls.find((c) => JSON.stringify(c.inputs).includes("calendar"))!;
		expect(mine.model).toBe("@cf/meta/llama-3.1-8b-instruct");
		expect((mine.inputs as { messages: { content: string }[] }).messages[1]!.content).toMatch(/flagged "refusal"/);
		const again = calls.length;
		await summarizeIssues(env.DB, new WorkersAiSummarizer(ai));
		expect(calls).toHaveLength(again);
	});

	it("keeps the offline name when the answer is unusable, and retries after a failed call", async () => {
		const issue = (await calendarIssue(6))!;
		const failing = { run: async () => Promise.reject(new Error("AI unavailable")) } as unknown as Ai;
		await summarizeIssues(env.DB, new WorkersAiSummarizer(failing));
		expect(
			(await env.DB.prepare("SELECT summarized_at FROM issues WHERE id = ?").bind(issue.id).first<{ summarized_at: number | null }>())!.summarized_at,
		).toBeNull();
		const { ai } = fakeAi(() => ({ response: "I think it is about calendars" }));
		await summarizeIssues(env.DB, new WorkersAiSummarizer(ai));
		const row = (await env.DB.prepare("SELECT title, summarized_at FROM issues WHERE id = ?")
			.bind(issue.id)
			.first<{ title: string; summarized_at: number | null }>())!;
		expect(row.title).toBe(issue.title);
		expect(row.summarized_at).not.toBeNull();
	});

	it("keeps the offline name when the summary's title is another issue's of the project", async () => {
		const issue = (await calendarIssue(6))!;
		await env.DB.prepare(
			"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES (?, ?, 'tool_failure', 'Calendar tool refuses', 'x', 'ongoing', 'm', 0, 0, 0)",
		)
			.bind(`iss_other_${PROJECT}`, PROJECT)
			.run();
		const { ai } = fakeAi(() => ({ response: { title: "calendar tool refuses", description: "Calendar requests get a refusal instead of the change." } }));
		await summarizeIssues(env.DB, new WorkersAiSummarizer(ai));
		const row = (await env.DB.prepare("SELECT title, summarized_at FROM issues WHERE id = ?")
			.bind(issue.id)
			.first<{ title: string; summarized_at: number | null }>())!;
		expect(row.title).toBe(issue.title);
		expect(row.summarized_at).not.toBeNull();
	});

	it("reads the JSON parsed or as text, and refuses empty or missing fields", () => {
		expect(parseSummary('Sure! {"title": "Refuses calendar edits", "description": "It says it cannot."}')).toEqual({
			title: "Refuses calendar edits",
			description: "It says it cannot.",
		});
		expect(parseSummary({ title: "", description: "x y z" })).toBeNull();
		expect(parseSummary({ title: "Refuses calendar edits" })).toBeNull();
	});
});
