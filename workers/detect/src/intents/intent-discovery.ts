import { centreIsCurrent, centreStamp } from "#core/issues/centre-freshness";
import { clusterTexts, DEFAULT_THRESHOLD } from "#core/clustering/cluster-texts";
import { intentDescription, nameIntents } from "#core/clustering/cluster-naming";
import { isFollowUp } from "#core/clustering/follow-up";
import { requestShape } from "#core/clustering/request-shape";
import { unitMean } from "#core/embedding/embedder";
import { addBounded } from "#core/bounded-set";
import { newId } from "#core/ids";
import type { VectorRecord } from "#core/vector-index/vector-index";
import { INTENT_POOL, promoteWaiting, waitingCandidates, waitStatement } from "#shared/stores/candidate-promotion";
import {
	inheritIntentStatement,
	intentName,
	type IntentSplit,
	joinIntentStatement,
	latestInputs,
	mergeIntents,
	splitIntentStatements,
} from "#shared/stores/intent-store";
import { requestedSplits } from "#shared/stores/split-requests";
import type { GroupingPorts } from "../issues/issue-grouping";

/** An event's user input: what the user asked for in this turn. */
export interface InputEvent {
	projectId: string;
	eventId: string;
	userId: string;
	timestamp: number;
	text: string;
	convoId?: string | null;
}

/**
 * Similarity to an intent's centre at which an input joins it. GloVe SIF: on banking77's train
 * split, 0.7 joined half the inputs with 85% of joins to the right intent. bge: a default to calibrate.
 */
/**
 * USE Lite: paraphrases of one travel request sit at cosine 0.4-0.7 from each other and ~0.7 from
 * their centre, other requests of the same app ~0.55-0.6 from it (measured on the demo's requests).
 */
export const INTENT_JOIN: Record<string, number> = { "use-lite-512": 0.62, "@cf/baai/bge-base-en-v1.5": 0.85 };
const MIN_INTENT_SIZE = 3;
/** The batch clusterer's threshold for user requests: its default, chosen on banking77's train split. */
const INTENT_THRESHOLD = DEFAULT_THRESHOLD;
const WINDOW = 500;

export const intentNamespace = (projectId: string) => `${projectId}:intents`;

/**
 * Gives each request the nearest intent when similar enough, else keeps it as a candidate; then
 * promotes. A follow-up ("thanks!", "try again please") takes the intent of the conversation's
 * latest earlier turn that has one, and never becomes a candidate of its own.
 */
export async function assignIntents(ports: GroupingPorts, inputs: InputEvent[]): Promise<void> {
	const requests = inputs.filter((i) => i.text.trim() && !isFollowUp(i.text));
	const followUps = inputs.filter((i) => i.convoId && isFollowUp(i.text));
	if (requests.length) await assignRequests(ports, requests);
	if (followUps.length) await ports.db.batch(followUps.map((e) => inheritIntentStatement(ports.db, { ...e, convoId: e.convoId! })));
}

const LIVING_INTENTS = "SELECT id FROM intents WHERE id IN (SELECT value FROM json_each(?))";
/** A project's intents, largest first, with what decides whether one may be folded into another. */
const INTENTS_BY_SIZE = `SELECT i.id, i.name, i.named_by, i.parent_id, (SELECT count(*) FROM event_intents e WHERE e.intent_id = i.id) AS events
	FROM intents i WHERE i.project_id = ? ORDER BY events DESC, i.created_at`;
const CENTRE_INPUTS = `SELECT e.input AS text FROM event_intents ei JOIN events e ON e.project_id = ei.project_id AND e.event_id = ei.event_id
	WHERE ei.intent_id = ? AND e.input IS NOT NULL ORDER BY ei.timestamp DESC LIMIT 50`;

async function assignRequests(ports: GroupingPorts, todo: InputEvent[]): Promise<void> {
	const { db, index, embedder } = ports;
	const threshold = INTENT_JOIN[embedder.model] ?? 0.85;
	const vectors = await embedder.embed(todo.map((i) => requestShape(i.text)));
	const matches = await index.nearest(todo.map((e, k) => ({ namespace: intentNamespace(e.projectId), vector: vectors[k]! })));
	// A merged or deleted intent can leave its vector behind: such a match counts as none, and the vector goes.
	const ids = [...new Set(matches.filter((m) => m && m.score >= threshold).map((m) => m!.id))];
	const { results: alive } = await db.prepare(LIVING_INTENTS).bind(JSON.stringify(ids)).all<{ id: string }>();
	const living = new Set(alive.map((r) => r.id));
	const stale = ids.filter((id) => !living.has(id));
	if (stale.length) await index.deleteByIds(stale);
	const statements: D1PreparedStatement[] = [];
	const touched = new Set<string>();
	for (const [k, e] of todo.entries()) {
		const best = matches[k];
		if (best && best.score >= threshold && living.has(best.id)) {
			statements.push(joinIntentStatement(db, e, best.id));
		} else {
			statements.push(waitStatement(db, INTENT_POOL, [e.projectId], { event_id: e.eventId, text: e.text, user_id: e.userId, timestamp: e.timestamp }));
			touched.add(e.projectId);
		}
	}
	await db.batch(statements);
	for (const projectId of touched) await promoteIntentCandidates(ports, projectId);
}

/** Clusters a project's waiting inputs; each cluster of at least three becomes an intent named by its words. */
export async function promoteIntentCandidates(ports: GroupingPorts, projectId: string): Promise<string[]> {
	const { db, index, embedder } = ports;
	const results = await waitingCandidates(db, INTENT_POOL, [projectId], WINDOW);
	if (results.length < MIN_INTENT_SIZE) return [];
	const { assignments, clusters } = await clusterTexts(
		ports.encoder,
		results.map((r) => r.text),
		{ minSize: MIN_INTENT_SIZE, absorbSmall: false, threshold: INTENT_THRESHOLD, compare: requestShape },
	);
	const created: string[] = [];
	for (const cluster of clusters) {
		if (cluster.size < MIN_INTENT_SIZE) continue;
		const members = results.filter((_, i) => assignments[i] === cluster.id);
		const id = newId("int");
		const description = intentDescription(cluster.title, {
			texts: members.map((m) => m.text),
			central: results[cluster.central]!.text,
			keywords: cluster.keywords,
		});
		const row = { id, project_id: projectId, name: cluster.title, description, model: embedder.model, created_at: Date.now() };
		// One transaction that loses cleanly to a concurrent promotion of the same candidates (candidate-promotion.ts).
		if (!(await promoteWaiting(db, INTENT_POOL, { row, scope: [projectId], members, min: MIN_INTENT_SIZE }))) continue;
		const centre = unitMean(await embedder.embed(members.map((m) => requestShape(m.text))));
		await index.upsert([{ id, namespace: intentNamespace(projectId), values: centre, metadata: { intent_id: id } }]);
		created.push(id);
	}
	return created;
}

/** Sub-intents sit closer together than intents: a stricter bar than the one that found the intent. */
const SUB_INTENT_THRESHOLD = DEFAULT_THRESHOLD + 0.1;

/**
 * Splits every intent a person asked to split: its inputs are clustered again at a stricter
 * bar; the largest part stays, each other part of at least three inputs becomes a sub-intent
 * (parent = the intent) with its own centre, so future inputs find it.
 */
export async function splitRequestedIntents(ports: GroupingPorts): Promise<number> {
	const { db, index, embedder } = ports;
	const requested = await requestedSplits(db, "intents");
	let created = 0;
	for (const intent of requested) {
		const members = await latestInputs(db, intent.id, 1000);
		const { assignments, clusters } = await clusterTexts(
			ports.encoder,
			members.map((m) => m.text),
			{ threshold: SUB_INTENT_THRESHOLD, minSize: MIN_INTENT_SIZE, absorbSmall: true, compare: requestShape },
		);
		const split = clusters
			.slice(1)
			.filter((c) => c.size >= MIN_INTENT_SIZE)
			.map((cluster) => ({ cluster, part: members.filter((_, i) => assignments[i] === cluster.id) }));
		// Sub-intents are named apart from their parent (names are how duplicate intents are found).
		const parent = await intentName(db, intent.id);
		const named = nameIntents(
			split.map(({ cluster, part }) => ({ texts: part.map((m) => m.text), central: members[cluster.central]!.text, keywords: cluster.keywords })),
			parent !== null ? [parent] : [],
		);
		const parts: IntentSplit["parts"] = [];
		for (const [k, { cluster, part }] of split.entries()) {
			const id = newId("int");
			const name = named[k] ?? cluster.title;
			const description = intentDescription(name, { texts: part.map((m) => m.text), central: members[cluster.central]!.text });
			parts.push({ id, name, description, eventIds: part.map((m) => m.event_id), createdAt: Date.now() });
			const centre = unitMean(await embedder.embed(part.map((m) => requestShape(m.text))));
			await index.upsert([{ id, namespace: intentNamespace(intent.project_id), values: centre, metadata: { intent_id: id } }]);
			created++;
		}
		await db.batch(splitIntentStatements(db, { intent, parts, model: embedder.model }));
	}
	return created;
}

/** An intent's centre from its latest 50 inputs, or null when it has none. */
async function latestCentre(ports: GroupingPorts, intentId: string): Promise<Float32Array | null> {
	const { results } = await ports.db.prepare(CENTRE_INPUTS).bind(intentId).all<{ text: string }>();
	if (results.length === 0) return null;
	return unitMean(await ports.embedder.embed(results.map((r) => requestShape(r.text))));
}

/** Intents whose centre could not be rebuilt (no input left), skipped by this isolate's later passes. */
const unrestorableIntents = new Set<string>();

/**
 * Puts back the centres of intents the index lacks (an index that lost rows; a deployment whose centres were
 * in Vectorize before they moved to D1): without its centre an intent takes no new input. At most `limit`.
 */
export async function restoreIntentCentres(ports: GroupingPorts, limit: number, now = Date.now(), skip: Set<string> = unrestorableIntents): Promise<number> {
	const { results } = await ports.db
		.prepare(
			`SELECT id, project_id, (SELECT count(*) FROM event_intents e WHERE e.intent_id = i.id) AS events
			FROM intents i WHERE model = ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = i.id) AND i.id NOT IN (SELECT value FROM json_each(?)) LIMIT ?`,
		)
		.bind(ports.embedder.model, JSON.stringify([...skip]), limit)
		.all<{ id: string; project_id: string; events: number }>();
	let restored = 0;
	for (const intent of results) {
		const centre = await latestCentre(ports, intent.id);
		if (!centre) {
			// No input left to embed: this isolate's later passes skip it (as unrestorable issues are).
			addBounded(skip, intent.id);
			continue;
		}
		await ports.index.upsert([
			{ id: intent.id, namespace: intentNamespace(intent.project_id), values: centre, metadata: { intent_id: intent.id, ...centreStamp(intent.events, now) } },
		]);
		restored++;
	}
	return restored;
}

/** Two intents whose centres are this close are one: the same bars as merging issues. */
export const INTENT_MERGE: Record<string, number> = { "use-lite-512": 0.75, "@cf/baai/bge-base-en-v1.5": 0.92 };

/**
 * Intents found in separate promotions can be the same request ("book a hotel" found twice): the
 * maintenance pass refreshes each intent's centre from its latest inputs and folds near-duplicates
 * into the larger one, as are intents of the same name. An intent a person renamed is never folded
 * away (it may take fragments in),
 * and sub-intents from a split are left alone.
 */
export async function mergeDuplicateIntents(ports: GroupingPorts, projectId: string, now = Date.now()): Promise<number> {
	const { db, index, embedder } = ports;
	const threshold = INTENT_MERGE[embedder.model] ?? 0.92;
	const { results: intents } = await db
		.prepare(INTENTS_BY_SIZE)
		.bind(projectId)
		.all<{ id: string; name: string; named_by: string | null; parent_id: string | null; events: number }>();
	if (intents.length < 2) return 0;
	// An intent's centre is computed again only when its inputs changed since (issueCentre explains why).
	const stored = new Map((await index.get(intents.map((i) => i.id))).map((r) => [r.id, r]));
	const centres = new Map<string, ArrayLike<number>>();
	const refreshed: VectorRecord[] = [];
	for (const intent of intents) {
		const kept = stored.get(intent.id);
		if (kept && centreIsCurrent(kept.metadata, intent.events, now)) {
			centres.set(intent.id, kept.values);
			continue;
		}
		const centre = await latestCentre(ports, intent.id);
		if (!centre) continue;
		centres.set(intent.id, centre);
		refreshed.push({
			id: intent.id,
			namespace: intentNamespace(projectId),
			values: centre,
			metadata: { intent_id: intent.id, ...centreStamp(intent.events, now) },
		});
	}
	await index.upsert(refreshed);
	const byId = new Map(intents.map((i) => [i.id, i]));
	const gone = new Set<string>();
	const fold = async (keep: { id: string }, other: { id: string }) => {
		await mergeIntents(ports, { projectId, from: other.id, into: keep.id });
		gone.add(other.id);
	};
	const foldable = (i: (typeof intents)[number]) => !gone.has(i.id) && !i.parent_id && !i.named_by;
	// The same name is the same request, even where the embedder knows none of its words
	// (another language): such inputs embed to nothing and can never come close.
	const byName = new Map<string, (typeof intents)[number]>();
	for (const intent of intents) {
		if (intent.parent_id) continue;
		const key = intent.name.trim().toLowerCase();
		const keep = byName.get(key);
		if (!keep) byName.set(key, intent);
		else if (foldable(intent)) await fold(keep, intent);
	}
	for (const keep of intents) {
		const centre = centres.get(keep.id);
		if (gone.has(keep.id) || !centre || keep.parent_id) continue;
		for (const match of await index.query(intentNamespace(projectId), centre, { topK: 10 })) {
			const other = byId.get(match.id);
			if (!other || other.id === keep.id || !foldable(other) || match.score < threshold) continue;
			await fold(keep, other);
		}
	}
	return gone.size;
}
