import { nameIssues } from "../../../core/clustering/issue-names";
import { clusterTexts, DEFAULT_THRESHOLD } from "../../../core/clustering/cluster-texts";
import { signalVocabulary, topicText } from "../../../core/detection/signal-vocabulary";
import { unitMean } from "../../../core/embedding/embedder";
import { newId } from "../../../core/ids";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "../../shared/src/issue-event-text";
import { stateChangeStatement } from "../../shared/src/issue-store";
import { clearSplitStatement } from "../../shared/src/split-requests";
import { type GroupingPorts, namespaceOf } from "./issue-grouping";

/**
 * A little stricter than the bar that formed issues: joins and merges grow issues past what one
 * clustering pass would put together. (With GloVe, 0.1 above it cut hand-written topics into pairs.)
 */
const SPLIT_THRESHOLD = DEFAULT_THRESHOLD;
const MIN_PART = 2;

/**
 * Splits every issue a person asked to split: its events are clustered again, the largest part
 * stays, each other part of at least two events becomes a new issue (with its own centre, so
 * future events follow), and both sides record the split.
 */
export async function splitRequestedIssues(ports: GroupingPorts, now: number): Promise<number> {
	const { db, index, embedder } = ports;
	const { results: requested } = await db
		.prepare("SELECT id, project_id, signal, state FROM issues WHERE split_requested_at IS NOT NULL")
		.all<{ id: string; project_id: string; signal: string; state: string }>();
	let created = 0;
	for (const issue of requested) {
		const { results: members } = await db
			.prepare(
				`SELECT ie.event_id, ie.user_id, ie.timestamp, ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS}
				 WHERE ie.issue_id = ? ORDER BY ie.timestamp DESC LIMIT 1000`,
			)
			.bind(issue.id)
			.all<{ event_id: string; user_id: string; timestamp: number; text: string }>();
		const { assignments, clusters } = await clusterTexts(ports.encoder,
			members.map((m) => m.text),
			{ threshold: SPLIT_THRESHOLD, minSize: MIN_PART, absorbSmall: true, ignoreWords: signalVocabulary(issue.signal) },
		);
		const statements: D1PreparedStatement[] = [clearSplitStatement(db, "issues", issue.id)];
		const parts: string[] = [];
		const split = clusters.slice(1).filter((c) => c.size >= MIN_PART).map((cluster) => ({ cluster, part: members.filter((_, i) => assignments[i] === cluster.id) }));
		// Each part is named by its own members, apart from the issue it leaves and the signal's other issues.
		const { results: titled } = await db.prepare("SELECT title FROM issues WHERE project_id = ? AND signal = ?").bind(issue.project_id, issue.signal).all<{ title: string }>();
		const names = nameIssues(
			issue.signal,
			split.map(({ cluster, part }) => ({ texts: part.map((m) => m.text), central: members[cluster.central]!.text, keywords: cluster.keywords, firstSeen: Math.min(...part.map((m) => m.timestamp)) })),
			titled.map((r) => r.title),
			now,
		);
		for (const [k, { cluster, part }] of split.entries()) {
			const id = newId("iss");
			parts.push(id);
			statements.push(
				db
					.prepare("INSERT INTO issues (id, project_id, signal, title, description, state, model, central_event_id, first_seen, last_seen, created_at) VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?)")
					.bind(id, issue.project_id, issue.signal, names[k]!.title, names[k]!.description, embedder.model, members[cluster.central]!.event_id, Math.min(...part.map((m) => m.timestamp)), Math.max(...part.map((m) => m.timestamp)), now),
				stateChangeStatement(db, { issueId: id, from: null, to: "new", by: "system", reason: `split from ${issue.id}`, at: now }),
				db.prepare("UPDATE issue_events SET issue_id = ? WHERE issue_id = ? AND event_id IN (SELECT value FROM json_each(?))").bind(id, issue.id, JSON.stringify(part.map((m) => m.event_id))),
			);
			const centre = unitMean(await embedder.embed(part.map((m) => topicText(m.text, issue.signal))));
			await index.upsert([{ id, namespace: namespaceOf(issue.project_id, issue.signal), values: centre, metadata: { issue_id: id, signal: issue.signal } }]);
		}
		statements.push(
			stateChangeStatement(db, { issueId: issue.id, from: issue.state, to: issue.state, by: "system", reason: parts.length ? `split into ${parts.join(", ")}` : "split found no separate part", at: now }),
		);
		await db.batch(statements);
		created += parts.length;
	}
	return created;
}
