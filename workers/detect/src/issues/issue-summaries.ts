import { z } from "zod";
import { IMPLICIT_SIGNALS } from "#core/detection/signal-catalog";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "#shared/stores/issue-event-text";
import { nameIssue } from "#shared/stores/issue-store";
import { JUDGE_MODEL, jsonAnswer } from "#shared/adapters/workers-ai-verdict";

export interface IssueSummary {
	title: string;
	description: string;
}

/** Names an issue from its examples. Offline the c-TF-IDF title stays; in production Workers AI can do better. */
export interface IssueSummarizer {
	summarize(signal: string, examples: string[]): Promise<IssueSummary | null>;
}

const summarySchema = z.object({ title: z.string().trim().min(3).max(90), description: z.string().trim().min(3).max(300) });

export function parseSummary(response: unknown): IssueSummary | null {
	const parsed = summarySchema.safeParse(jsonAnswer(response));
	return parsed.success ? parsed.data : null;
}

/** The same Llama 3.1 8B as the detection check: naming a handful of short examples needs no larger model. */
export class WorkersAiSummarizer implements IssueSummarizer {
	constructor(private readonly ai: Ai) {}

	async summarize(signal: string, examples: string[]): Promise<IssueSummary | null> {
		const definition = IMPLICIT_SIGNALS.find((s) => s.name === signal)?.description ?? `Explicit or custom signal "${signal}".`;
		const prompt = [
			`These AI-assistant interactions were all flagged "${signal}" (${definition}) and grouped as one issue:`,
			examples.map((e, i) => `${i + 1}. ${e.length > 300 ? `${e.slice(0, 300)}…` : e}`).join("\n"),
			`Name the specific problem they share, for an engineer's issue list. Answer with JSON {"title": "<at most 10 words, concrete, e.g. 'Claims it cannot access the user's calendar'>", "description": "<one sentence: what happens and when>"}.`,
		].join("\n\n");
		const result = (await this.ai.run(
			JUDGE_MODEL as keyof AiModels,
			{
				messages: [
					{ role: "system", content: "You write short, specific issue titles for a monitoring tool. No quotes around the title, no trailing period." },
					{ role: "user", content: prompt },
				],
				response_format: {
					type: "json_schema",
					json_schema: { type: "object", properties: { title: { type: "string" }, description: { type: "string" } }, required: ["title", "description"] },
				},
				max_tokens: 120,
			} as never,
		)) as { response?: unknown };
		return parseSummary(result?.response);
	}
}

/** Issues named once they have this many events, so the name reflects more than the first few. */
export const SUMMARY_MIN_EVENTS = 5;
const PER_PASS = 10;

/**
 * The maintenance pass's optional naming step: up to PER_PASS issues not yet summarised get a
 * title and description from their most recent examples. An unusable answer is recorded as tried
 * (no retry loop); a failed call leaves the issue for the next pass.
 */
export async function summarizeIssues(db: D1Database, summarizer: IssueSummarizer, now = Date.now()): Promise<number> {
	const { results } = await db
		.prepare(
			`SELECT i.id, i.signal FROM issues i WHERE i.summarized_at IS NULL AND (SELECT count(*) FROM issue_events x WHERE x.issue_id = i.id) >= ? ORDER BY i.last_seen DESC LIMIT ?`,
		)
		.bind(SUMMARY_MIN_EVENTS, PER_PASS)
		.all<{ id: string; signal: string }>();
	let named = 0;
	for (const issue of results) {
		const { results: rows } = await db
			.prepare(`SELECT ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ? ORDER BY ie.similarity DESC, ie.timestamp DESC LIMIT 8`)
			.bind(issue.id)
			.all<{ text: string }>();
		let summary: IssueSummary | null;
		try {
			summary = await summarizer.summarize(issue.signal, rows.map((r) => r.text).filter(Boolean));
		} catch (err) {
			console.error("issue summary failed; retried on the next pass", issue.id, err);
			continue;
		}
		await nameIssue(db, issue.id, summary, now);
		if (summary) named++;
	}
	return named;
}
