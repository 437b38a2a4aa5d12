import { nameIssues } from "#core/clustering/issue-names";
import { clusterTexts, DEFAULT_THRESHOLD } from "#core/clustering/cluster-texts";
import { signalVocabulary, topicText } from "#core/detection/signal-vocabulary";
import { unitMean } from "#core/embedding/embedder";
import { newId } from "#core/ids";
import { type IssueSplit, latestMembers, projectTitles, splitIssueStatements } from "#shared/stores/issue-store";
import { requestedSplits } from "#shared/stores/split-requests";
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
	const requested = await requestedSplits(db, "issues");
	let created = 0;
	for (const issue of requested) {
		const members = await latestMembers(db, issue.id, 1000);
		const { assignments, clusters } = await clusterTexts(
			ports.encoder,
			members.map((m) => m.text),
			{ threshold: SPLIT_THRESHOLD, minSize: MIN_PART, absorbSmall: true, ignoreWords: signalVocabulary(issue.signal) },
		);
		const split = clusters
			.slice(1)
			.filter((c) => c.size >= MIN_PART)
			.map((cluster) => ({ cluster, part: members.filter((_, i) => assignments[i] === cluster.id) }));
		// Each part is named by its own members, apart from the issue it leaves and the project's other issues
		// (a title taken meanwhile fails the batch on D1's unique index: the request stays, the next pass names again).
		const names = nameIssues(
			issue.signal,
			split.map(({ cluster, part }) => ({
				texts: part.map((m) => m.text),
				central: members[cluster.central]!.text,
				keywords: cluster.keywords,
				firstSeen: Math.min(...part.map((m) => m.timestamp)),
			})),
			await projectTitles(db, issue.project_id),
			now,
		);
		const parts: IssueSplit["parts"] = [];
		for (const [k, { cluster, part }] of split.entries()) {
			const id = newId("iss");
			const times = part.map((m) => m.timestamp);
			const { title, description } = names[k]!;
			parts.push({
				id,
				title,
				description,
				centralEventId: members[cluster.central]!.event_id,
				firstSeen: Math.min(...times),
				lastSeen: Math.max(...times),
				eventIds: part.map((m) => m.event_id),
			});
			const centre = unitMean(await embedder.embed(part.map((m) => topicText(m.text, issue.signal))));
			await index.upsert([{ id, namespace: namespaceOf(issue.project_id, issue.signal), values: centre, metadata: { issue_id: id, signal: issue.signal } }]);
		}
		await db.batch(splitIssueStatements(db, { issue, parts, model: embedder.model, now }));
		created += parts.length;
	}
	return created;
}
