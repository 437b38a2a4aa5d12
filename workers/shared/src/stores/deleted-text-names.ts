import { intentDescription, nameIntents, nameIssue } from "#core/clustering/cluster-naming";
import { normalise, sentencesOf } from "#core/clustering/naming-support";
import { renameIntent } from "./intent-store";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "./issue-event-text";
import { renameIssue } from "./issue-store";

/**
 * After a deletion, names that quote a deleted text go: issue titles and descriptions and intent
 * descriptions quote an example (core/clustering), so a user's deleted words would outlive them
 * there. Such issues and intents are named again from the members they still have.
 */

export const textsBy = (rows: { id: string; text: string | null }[]) => {
	const by = new Map<string, string[]>();
	for (const r of rows) if (r.text) by.set(r.id, [...(by.get(r.id) ?? []), r.text]);
	return by;
};

/** Does a name quote one of these texts? Names quote a text's first sentence (core/clustering/naming-support.ts `quote`). */
function quotesAny(name: string, texts: string[]): boolean {
	return texts.some((t) => {
		const start = (sentencesOf(t)[0] ?? normalise(t)).replace(/"/g, "'").slice(0, 40);
		// Short starts only count inside quotation marks, where they cannot be a common word.
		return start.length >= 12 ? name.includes(start) : start.length > 0 && name.includes(`"${start}`);
	});
}

/** Issues that still have events but whose title or description quotes a deleted text are named again from their members. */
export async function renameQuotingIssues(db: D1Database, deletedTexts: Map<string, string[]>): Promise<void> {
	for (const [id, texts] of deletedTexts) {
		const issue = await db
			.prepare("SELECT project_id, signal, title, description, first_seen, last_seen FROM issues WHERE id = ?")
			.bind(id)
			.first<{ project_id: string; signal: string; title: string; description: string; first_seen: number; last_seen: number }>();
		if (!issue || !quotesAny(`${issue.title}\n${issue.description}`, texts)) continue;
		const [members, taken] = await db.batch<{ text: string }>([
			db
				.prepare(
					`SELECT ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ? ORDER BY ie.event_id = (SELECT central_event_id FROM issues WHERE id = ?) DESC, ie.timestamp DESC LIMIT 50`,
				)
				.bind(id, id),
			db.prepare("SELECT title AS text FROM issues WHERE project_id = ? AND id != ?").bind(issue.project_id, id),
		]);
		const memberTexts = members!.results.map((r) => r.text).filter(Boolean);
		const name = nameIssue(
			issue.signal,
			{ texts: memberTexts, central: memberTexts[0], firstSeen: issue.first_seen, lastSeen: issue.last_seen },
			taken!.results.map((r) => r.text),
		);
		await renameIssue(db, id, name);
	}
}

/** The same for intents: the description quotes an example input; a name only when no person gave it. */
export async function renameQuotingIntents(db: D1Database, projectId: string, deletedTexts: Map<string, string[]>): Promise<void> {
	for (const [id, texts] of deletedTexts) {
		const intent = await db
			.prepare("SELECT name, description, named_by FROM intents WHERE id = ?")
			.bind(id)
			.first<{ name: string; description: string; named_by: string | null }>();
		if (!intent) continue;
		const renamed = !intent.named_by && quotesAny(intent.name, texts);
		if (!renamed && !quotesAny(intent.description, texts)) continue;
		const [members, taken] = await db.batch<{ text: string }>([
			db
				.prepare(
					"SELECT e.input AS text FROM event_intents ei JOIN events e ON e.project_id = ei.project_id AND e.event_id = ei.event_id WHERE ei.intent_id = ? AND e.input IS NOT NULL ORDER BY ei.timestamp DESC LIMIT 50",
				)
				.bind(id),
			db.prepare("SELECT name AS text FROM intents WHERE project_id = ? AND id != ?").bind(projectId, id),
		]);
		const memberTexts = members!.results.map((r) => r.text);
		const name =
			(renamed
				? nameIntents(
						[{ texts: memberTexts }],
						taken!.results.map((r) => r.text),
					)[0]
				: null) ?? intent.name;
		await renameIntent(db, id, name, intentDescription(name, { texts: memberTexts }));
	}
}
