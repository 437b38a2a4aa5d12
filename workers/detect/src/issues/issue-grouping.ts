import { type IssueName, nameIssues } from "#core/clustering/issue-names";
import { clusterTexts } from "#core/clustering/cluster-texts";
import { signalVocabulary, topicText } from "#core/detection/signal-vocabulary";
import { type Embedder, unitMean } from "#core/embedding/embedder";
import { newId } from "#core/ids";
import type { VectorIndex } from "#core/vector-index/vector-index";
import { initialState, reasons, regression } from "#core/issues/lifecycle";
import { ISSUE_POOL, type Promotion, promoteWaiting, waitingCandidates, waitStatement } from "#shared/stores/candidate-promotion";
import { joinIssueStatement, widenSpanStatement } from "#shared/stores/issue-membership";
import { mainIntentName } from "#shared/stores/intent-store";
import { isTitleTaken, projectTitles, regressionStatements, stateChangeStatement } from "#shared/stores/issue-store";

/** A negative detection on a stored event, with the text that best says what went wrong. */
export interface FlaggedEvent {
	projectId: string;
	signal: string;
	eventId: string;
	userId: string;
	timestamp: number;
	text: string;
	/** The event's `release` property, when it has one. */
	release?: string;
}

export interface GroupingPorts {
	db: D1Database;
	index: VectorIndex;
	embedder: Embedder;
	/** The sentence encoder that groups a batch of texts (clusterTexts): the same model everywhere, so its thresholds hold. */
	encoder: Embedder;
}

/**
 * Similarity of an event's topic text (the signal's own words removed) to an issue's centre at
 * which the event joins it, per embedding model (spaces differ). GloVe SIF: same-topic refusals
 * measured 0.62-0.88, a neighbouring topic 0.30-0.42, unrelated ~0.1. bge: a default still to
 * be calibrated on production traffic (it cannot run offline).
 */
export const JOIN_THRESHOLD: Record<string, number> = { "use-lite-512": 0.6, "@cf/baai/bge-base-en-v1.5": 0.85 };
/** Candidates become an issue once this many of them cluster together. */
export const MIN_ISSUE_SIZE = 3;
/**
 * Looser than for requests (cluster-texts DEFAULT_THRESHOLD, 0.5): the signal's own words are left out, so less is left
 * to agree on. Measured with USE Lite at dense weight 0.7 on 30 hand-written refusals, 6 topics × 5
 * paraphrases (calendar, email, web, refunds, medical advice, files): mixed similarity within a topic
 * median 0.43 (p10 0.28), between topics median 0.25 (p90 0.35). All 30 in one batch, ARI at
 * 0.35 / 0.4 / 0.45 / 0.5: 0.52 (topics merged) / 0.60 / 0.45 / 0.39; two topics × 4 texts (a small
 * promotion pass), texts that reach an issue: 7.3 / 5.3 / 4.3 / 3.0 of 8, ARI 0.75 / 0.66 / 0.47 / 0.30.
 * At 0.45 a real paraphrase ("I don't have access to your contact list.") was left waiting beside
 * the issue it belongs to.
 */
const ISSUE_THRESHOLD = 0.4;
/** Newest candidates of a project and signal considered per promotion pass. */
const PROMOTION_WINDOW = 300;

const LIVING_ISSUES = "SELECT id, resolved_in_release FROM issues WHERE id IN (SELECT value FROM json_each(?))";

export const namespaceOf = (projectId: string, signal: string) => `${projectId}:${signal}`;

/**
 * Puts flagged events into issues: each joins the nearest issue of its signal when similar
 * enough (a resolved issue that gains events is regressed), else waits as a candidate.
 * Every write is idempotent on (project, signal, event), so a replay changes nothing.
 */
export async function groupFlaggedEvents(ports: GroupingPorts, flagged: FlaggedEvent[]): Promise<void> {
	if (flagged.length === 0) return;
	const { db, index, embedder } = ports;
	const threshold = JOIN_THRESHOLD[embedder.model] ?? 0.85;
	const vectors = await embedder.embed(flagged.map((f) => topicText(f.text, f.signal)));
	const matches = await index.nearest(flagged.map((f, i) => ({ namespace: namespaceOf(f.projectId, f.signal), vector: vectors[i]! })));
	// Vectors may outlive their issue (merged or deleted by a person): such a match counts as none, and goes.
	const target = (m: (typeof matches)[number]) => (m ? String(m.metadata.issue_id ?? m.id) : "");
	const ids = [...new Set(matches.filter((m) => m && m.score >= threshold).map(target))];
	const { results: alive } = await db.prepare(LIVING_ISSUES).bind(JSON.stringify(ids)).all<{ id: string; resolved_in_release: string | null }>();
	const living = new Set(alive.map((r) => r.id));
	const fixRelease = new Map(alive.map((r) => [r.id, r.resolved_in_release]));
	const stale = matches.filter((m) => m && m.score >= threshold && !living.has(target(m))).map((m) => m!.id);
	if (stale.length) await index.deleteByIds([...new Set(stale)]);
	const statements: D1PreparedStatement[] = [];
	const touched = new Set<string>();
	// One times update per issue and batch, and none when its times do not move (D1 bills it as a row written).
	const span = new Map<string, { first: number; last: number }>();
	for (const [i, f] of flagged.entries()) {
		const best = matches[i];
		// A cannot-link exemplar nearest means: like an event a person moved out of that issue.
		const joins = best && best.score >= threshold && living.has(target(best)) && best.metadata.kind !== "cannot";
		if (joins) {
			const issueId = target(best);
			statements.push(joinIssueStatement(db, { ...f, issueId, similarity: best.score }));
			const seen = span.get(issueId);
			span.set(issueId, { first: Math.min(seen?.first ?? f.timestamp, f.timestamp), last: Math.max(seen?.last ?? f.timestamp, f.timestamp) });
			// A resolved issue regresses, by the rules of core/issues/lifecycle.ts (a release it was resolved in, else time).
			const regressed = regression(fixRelease.get(issueId), f.release);
			if (regressed) statements.push(...regressionStatements(db, issueId, regressed, f.timestamp, Date.now()));
		} else {
			statements.push(waitStatement(db, ISSUE_POOL, [f.projectId, f.signal], { event_id: f.eventId, text: f.text, user_id: f.userId, timestamp: f.timestamp }));
			touched.add(JSON.stringify([f.projectId, f.signal]));
		}
	}
	for (const [issueId, { first, last }] of span) {
		statements.push(widenSpanStatement(db, issueId, first, last));
	}
	await db.batch(statements);
	for (const key of touched) {
		const [projectId, signal] = JSON.parse(key) as [string, string];
		await promoteCandidates(ports, projectId, signal);
	}
}

/** Clusters a signal's waiting candidates and turns each cluster of at least MIN_ISSUE_SIZE into an issue. */
export async function promoteCandidates(ports: GroupingPorts, projectId: string, signal: string): Promise<string[]> {
	const { db, index, embedder } = ports;
	const results = await waitingCandidates(db, ISSUE_POOL, [projectId, signal], PROMOTION_WINDOW);
	if (results.length < MIN_ISSUE_SIZE) return [];
	// Within one signal every text shares the signal's words, so they are ignored, the bar is lower
	// than for intents (ISSUE_THRESHOLD), and leftovers stay candidates.
	const { assignments, clusters } = await clusterTexts(
		ports.encoder,
		results.map((r) => r.text),
		{ minSize: MIN_ISSUE_SIZE, absorbSmall: false, threshold: ISSUE_THRESHOLD, ignoreWords: signalVocabulary(signal) },
	);
	const created: string[] = [];
	const kept = clusters
		.filter((c) => c.size >= MIN_ISSUE_SIZE)
		.map((cluster) => ({ cluster, members: results.filter((_, i) => assignments[i] === cluster.id) }));
	if (kept.length === 0) return created;
	// Titles say what goes wrong, agreed by the members, and differ from the project's other issues
	// (told apart first by what users were doing: their intent). The description says since when,
	// not how many: counts grow, and the API reports them live.
	const named = await Promise.all(
		kept.map(async ({ cluster, members }) => ({
			texts: members.map((m) => m.text),
			central: results[cluster.central]!.text,
			keywords: cluster.keywords,
			firstSeen: Math.min(...members.map((m) => m.timestamp)),
			intent: await mainIntentName(
				db,
				projectId,
				members.map((m) => m.event_id),
			),
		})),
	);
	const names = nameIssues(signal, named, await projectTitles(db, projectId));
	for (const [k, { cluster, members }] of kept.entries()) {
		const issueId = newId("iss");
		const central = results[cluster.central]!;
		const now = Date.now();
		const first = Math.min(...members.map((m) => m.timestamp));
		const last = Math.max(...members.map((m) => m.timestamp));
		// Its state follows its events' own time (core/issues/lifecycle.ts): a backfilled month-old problem is ongoing from the start.
		const state = initialState(first, now);
		const row = { id: issueId, project_id: projectId, signal, title: names[k]!.title, description: names[k]!.description, state, model: embedder.model };
		const times = { central_event_id: central.event_id, first_seen: first, last_seen: last, created_at: now };
		const history = stateChangeStatement(db, { issueId, from: null, to: state, by: "system", reason: reasons.promoted(members.length, first), at: now }, {});
		// One transaction that loses cleanly to a concurrent promotion of the same candidates (candidate-promotion.ts).
		const promotion = { row: { ...row, ...times }, scope: [projectId, signal], members, min: MIN_ISSUE_SIZE, also: [history] };
		if (!(await promoteNamedApart(db, promotion, async () => nameIssues(signal, [named[k]!], await projectTitles(db, projectId))))) continue;
		const centre = unitMean(await embedder.embed(members.map((m) => topicText(m.text, signal))));
		await index.upsert([{ id: issueId, namespace: namespaceOf(projectId, signal), values: centre, metadata: { issue_id: issueId, signal } }]);
		created.push(issueId);
	}
	return created;
}

type IssuePromotion = Promotion & { row: { title: string; description: string } };

/**
 * promoteWaiting, named again when D1's unique title index refuses the name: another pass (a queue
 * batch, the cron) named an issue of the project the same while this one was naming. A few tries:
 * each rename reads the titles that now exist, so only a new race of the same kind can refuse it.
 */
async function promoteNamedApart(db: D1Database, promotion: IssuePromotion, rename: () => Promise<IssueName[]>, tries = 3): Promise<boolean> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await promoteWaiting(db, ISSUE_POOL, promotion);
		} catch (err) {
			if (!isTitleTaken(err) || attempt >= tries) throw err;
			const [name] = await rename();
			promotion.row.title = name!.title;
			promotion.row.description = name!.description;
		}
	}
}
