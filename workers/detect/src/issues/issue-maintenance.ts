import { topicText } from "#core/detection/signal-vocabulary";
import { unitMean } from "#core/embedding/embedder";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "#shared/stores/issue-event-text";
import { markExemplarsIndexed } from "#shared/stores/issue-membership";
import { issueUsage, mergeIssues, systemTransitionStatements, wakeIgnoredIssues } from "#shared/stores/issue-store";
import { mergeDuplicateIntents, promoteIntentCandidates, restoreIntentCentres, splitRequestedIntents } from "../intents/intent-discovery";
import { splitRequestedIssues } from "./issue-split";
import { type GroupingPorts, MIN_ISSUE_SIZE, namespaceOf, promoteCandidates } from "./issue-grouping";
import { canMoveOn, systemTransition } from "#core/issues/lifecycle";
import type { Metadata } from "#core/vector-index/vector-index";
import { addBounded } from "#core/bounded-set";
import { centreIsCurrent, centreStamp } from "#core/issues/centre-freshness";

/** Issues of one signal whose centres are at least this similar are the same problem (embedded model). */
export const MERGE_THRESHOLD: Record<string, number> = { "use-lite-512": 0.8, "@cf/baai/bge-base-en-v1.5": 0.92 };
/**
 * Groups of waiting candidates (a project's signal, a project's requests) clustered per pass, and
 * projects whose intents are merged per pass: each is seconds of embedding and clustering, so one
 * pass does a bounded share and the next goes on after the last one done (a cursor per isolate,
 * in memory: a new isolate starts from the beginning, which only repeats idempotent work).
 */
export const GROUPS_PER_PASS = 20;
const cursors = { issues: "", intents: "", merges: "" };

/** Up to `limit` of `rows`, in key order, starting after `cursor` and wrapping around; moves the cursor. */
export function nextShare<T>(rows: T[], key: (row: T) => string, which: keyof typeof cursors, limit = GROUPS_PER_PASS): { share: T[]; deferred: number } {
	const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
	const start = sorted.findIndex((r) => key(r) > cursors[which]);
	const share = (start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)]).slice(0, limit);
	cursors[which] = share.length < sorted.length ? key(share[share.length - 1]!) : "";
	return { share, deferred: sorted.length - share.length };
}

interface IssueRow {
	id: string;
	project_id: string;
	signal: string;
	state: string;
	/** The issue's first event's timestamp: how long it has been new is counted from there. */
	first_seen: number;
	events: number;
}

/** Merges the smaller of two issues into the larger when their centres say they are the same problem. */
async function mergeDuplicates(ports: GroupingPorts, issues: IssueRow[], now: number): Promise<number> {
	const { index, embedder } = ports;
	const threshold = MERGE_THRESHOLD[embedder.model] ?? 0.92;
	let merged = 0;
	const gone = new Set<string>();
	const sorted = [...issues].sort((a, b) => b.events - a.events);
	const stored = new Map((await index.get(sorted.map((i) => i.id))).map((r) => [r.id, r]));
	for (const keep of sorted) {
		if (gone.has(keep.id)) continue;
		const centre = await issueCentre(ports, keep, now, stored.get(keep.id));
		if (!centre) continue;
		const near = await index.query(namespaceOf(keep.project_id, keep.signal), centre, { topK: 10 });
		for (const match of near) {
			const other = sorted.find((i) => i.id === match.id);
			if (!other || other.id === keep.id || gone.has(other.id) || other.state === "ignored" || match.score < threshold) continue;
			await mergeIssues(ports, { from: other, into: keep, by: "system", now });
			gone.add(other.id);
			merged++;
		}
	}
	return merged;
}

/**
 * An issue's centre: the index's copy while it is current (as many events as when it was computed, under a day
 * old: core/issues/centre-freshness.ts), else the mean of its latest 50 events' topic texts, written back.
 * Every maintenance pass looks at every issue of a signal with more than one; recomputing them all each time
 * embedded 50 texts per issue every 5 minutes and rewrote every centre, which also emptied every isolate's
 * copy of the namespace (D1VectorIndex).
 */
async function issueCentre(
	ports: GroupingPorts,
	issue: IssueRow,
	now: number,
	stored?: { values: ArrayLike<number>; metadata: Metadata },
): Promise<ArrayLike<number> | null> {
	if (stored && centreIsCurrent(stored.metadata, issue.events, now)) return stored.values;
	const { results } = await ports.db
		.prepare(`SELECT ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ? ORDER BY ie.timestamp DESC LIMIT 50`)
		.bind(issue.id)
		.all<{ text: string }>();
	const texts = results.map((r) => r.text).filter(Boolean);
	if (texts.length === 0) return null;
	const unit = unitMean(await ports.embedder.embed(texts.map((t) => topicText(t, issue.signal))));
	// Keep the index's copy fresh: events joined since the issue was created moved its centre.
	await ports.index.upsert([
		{
			id: issue.id,
			namespace: namespaceOf(issue.project_id, issue.signal),
			values: unit,
			metadata: { issue_id: issue.id, signal: issue.signal, ...centreStamp(issue.events, now) },
		},
	]);
	return unit;
}

/** Automatic states (core/issues/lifecycle.ts): ignored issues wake, new ones become ongoing, hot ones escalate and calm down. */
async function updateStates(db: D1Database, issues: IssueRow[], now: number): Promise<number> {
	let changed = await wakeIgnoredIssues(db, now);
	for (const issue of issues) {
		if (!canMoveOn(issue.state)) continue;
		const transition = systemTransition({ state: issue.state, firstSeen: issue.first_seen }, await issueUsage(db, issue.id, now), now);
		if (!transition) continue;
		await db.batch(systemTransitionStatements(db, issue.id, transition, now));
		changed++;
	}
	return changed;
}

/** Issue and intent centres put back per maintenance pass: each is an embedding of up to 50 texts. */
export const CENTRES_RESTORED_PER_PASS = 20;
/**
 * Issues whose centre could not be rebuilt (no event with text left): skipped by this isolate's later passes,
 * so twenty of them cannot hold back every other restore. A new isolate tries them again. At most 1,000 kept.
 */
const unrestorable = new Set<string>();

/**
 * Issues and intents whose centre the index lacks get it back from their latest events, and taught exemplars
 * missing from it are embedded again (indexExemplars, next). This is how a deployment whose centres were in
 * Vectorize moves them to D1 (issue 20), and how an index that lost rows heals: an issue without its centre
 * takes no new event, which then waits as a candidate and forms a duplicate.
 */
async function restoreMissingCentres(ports: GroupingPorts, now: number): Promise<number> {
	const { db, embedder } = ports;
	const { results } = await db
		.prepare(
			`SELECT i.id, i.project_id, i.signal, i.state, i.first_seen, (SELECT count(*) FROM issue_events e WHERE e.issue_id = i.id) AS events
			FROM issues i WHERE model = ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = i.id) AND i.id NOT IN (SELECT value FROM json_each(?)) LIMIT ?`,
		)
		.bind(embedder.model, JSON.stringify([...unrestorable]), CENTRES_RESTORED_PER_PASS)
		.all<IssueRow>();
	let restored = 0;
	for (const issue of results) {
		if (await issueCentre(ports, issue, now)) restored++;
		else addBounded(unrestorable, issue.id);
	}
	restored += await restoreIntentCentres(ports, CENTRES_RESTORED_PER_PASS, now);
	await db
		.prepare(
			"UPDATE issue_exemplars SET indexed_at = NULL WHERE indexed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = issue_exemplars.id)",
		)
		.run();
	return restored;
}

/** Embeds what people taught the grouper (moved events) into the index as exemplars of their issue. */
async function indexExemplars(ports: GroupingPorts, now: number): Promise<number> {
	const { results } = await ports.db
		.prepare("SELECT id, project_id, signal, kind, issue_id, text FROM issue_exemplars WHERE indexed_at IS NULL LIMIT 200")
		.all<{ id: string; project_id: string; signal: string; kind: string; issue_id: string; text: string }>();
	if (results.length === 0) return 0;
	const vectors = await ports.embedder.embed(results.map((r) => topicText(r.text, r.signal)));
	await ports.index.upsert(
		results.map((r, i) => ({
			id: r.id,
			namespace: namespaceOf(r.project_id, r.signal),
			values: vectors[i]!,
			metadata: { issue_id: r.issue_id, kind: r.kind },
		})),
	);
	await markExemplarsIndexed(
		ports.db,
		results.map((r) => r.id),
		now,
	);
	return results.length;
}

/**
 * The cron pass over every project's issues: promote candidates that now cluster, merge
 * duplicates, refresh centres, and move states. Idempotent: running it twice changes
 * nothing the first run did not.
 */
export async function maintainIssues(ports: GroupingPorts, now = Date.now()) {
	const { db } = ports;
	const centres = await restoreMissingCentres(ports, now);
	const exemplars = await indexExemplars(ports, now);
	const split = (await splitRequestedIssues(ports, now)) + (await splitRequestedIntents(ports));
	const { results: pending } = await db
		.prepare("SELECT project_id, signal FROM issue_candidates GROUP BY project_id, signal HAVING count(*) >= ?")
		.bind(MIN_ISSUE_SIZE)
		.all<{ project_id: string; signal: string }>();
	let promoted = 0;
	const issueGroups = nextShare(pending, (p) => `${p.project_id}\u0000${p.signal}`, "issues");
	for (const p of issueGroups.share) promoted += (await promoteCandidates(ports, p.project_id, p.signal)).length;
	const { results: waitingIntents } = await db
		.prepare("SELECT project_id FROM intent_candidates GROUP BY project_id HAVING count(*) >= 3")
		.all<{ project_id: string }>();
	const intentGroups = nextShare(waitingIntents, (p) => p.project_id, "intents");
	for (const p of intentGroups.share) promoted += (await promoteIntentCandidates(ports, p.project_id)).length;
	const { results: intentProjects } = await db.prepare("SELECT project_id FROM intents GROUP BY project_id HAVING count(*) > 1").all<{ project_id: string }>();
	let intentsMerged = 0;
	const mergeProjects = nextShare(intentProjects, (p) => p.project_id, "merges");
	for (const p of mergeProjects.share) intentsMerged += await mergeDuplicateIntents(ports, p.project_id, now);
	const deferred = issueGroups.deferred + intentGroups.deferred + mergeProjects.deferred;
	const { results: issues } = await db
		.prepare(
			"SELECT i.id, i.project_id, i.signal, i.state, i.first_seen, (SELECT count(*) FROM issue_events e WHERE e.issue_id = i.id) AS events FROM issues i",
		)
		.all<IssueRow>();
	const bySignal = new Map<string, IssueRow[]>();
	for (const i of issues) bySignal.set(`${i.project_id}\u0000${i.signal}`, [...(bySignal.get(`${i.project_id}\u0000${i.signal}`) ?? []), i]);
	let merged = 0;
	for (const group of bySignal.values()) if (group.length > 1) merged += await mergeDuplicates(ports, group, now);
	const { results: remaining } = await db.prepare("SELECT i.id, i.project_id, i.signal, i.state, i.first_seen, 0 AS events FROM issues i").all<IssueRow>();
	const states = await updateStates(db, remaining, now);
	return { centres, exemplars, split, promoted, merged, intentsMerged, states, deferred };
}
