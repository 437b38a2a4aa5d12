import { sql } from "drizzle-orm";
import { type CustomSignalRule, compileCustomSignal, matchCustomSignal } from "#core/detection/custom-signals";
import type { Detector } from "#core/detection/detector";
import type { SignalResult } from "#core/detection/detector";
import type { Evidence } from "#core/detection/evidence";
import { IMPLICIT_SIGNALS } from "#core/detection/signal-catalog";
import type { EventMessage } from "#core/queue-messages";
import { type DeepSearchMatch, loadDeepSearchSignals, matchDeepSearches } from "#shared/stores/deep-search-signals";
import type { EventVectors, EventVectorStore } from "#core/vector-index/event-vectors";
import * as schema from "#db/schema";
import { loadHistories } from "./conversation-history";
import { earlierTurnVectors } from "./earlier-turn-vectors";
import type { FlaggedEvent } from "../issues/issue-grouping";
import type { SignalJudge } from "../ai/llm-judge";
import type { Db, Write } from "./message-writes";
import { DAY_MS } from "#core/timestamps";

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** At most this many LLM checks per queue batch, whatever the daily budget says: they run inside one invocation. */
const MAX_JUDGED_PER_BATCH = 20;

export interface Detected {
	signal: string;
	score: number;
	stage: string;
	evidence?: Evidence;
	reason?: string;
	negative: boolean;
}

const NEGATIVE_IMPLICIT = new Set<string>(IMPLICIT_SIGNALS.filter((s) => s.polarity === "negative").map((s) => s.name));

/** The text that best says what went wrong: the side the evidence is on, or the tool error. */
function issueText(e: EventMessage["event"], d: Detected): string {
	if (d.evidence?.field === "tool_calls") return d.evidence.text;
	if (d.evidence?.field === "input" || d.evidence?.field === "history") return e.input ?? e.output ?? "";
	return e.output ?? e.input ?? "";
}

async function loadCustomSignals(db: D1Database, projectIds: string[]) {
	const { results } = await db
		.prepare(
			"SELECT project_id, name, polarity, field, kind, pattern, case_sensitive FROM custom_signals WHERE deleted_at IS NULL AND kind != 'deep_search' AND project_id IN (SELECT value FROM json_each(?))",
		)
		.bind(JSON.stringify(projectIds))
		.all<{
			project_id: string;
			name: string;
			polarity: string;
			field: CustomSignalRule["field"];
			kind: CustomSignalRule["kind"];
			pattern: string;
			case_sensitive: number;
		}>();
	const byProject = new Map<string, { rule: CustomSignalRule; re: ReturnType<typeof compileCustomSignal>; negative: boolean }[]>();
	for (const r of results) {
		const rule: CustomSignalRule = { name: r.name, field: r.field, kind: r.kind, pattern: r.pattern, caseSensitive: r.case_sensitive === 1 };
		const list = byProject.get(r.project_id) ?? [];
		list.push({ rule, re: compileCustomSignal(rule), negative: r.polarity === "negative" });
		byProject.set(r.project_id, list);
	}
	return byProject;
}

/** Uncertain results go to the judge while the project's daily budget lasts; returns the budget writes. */
async function judgeUncertain(
	db: Db,
	d1: D1Database,
	judge: SignalJudge,
	dailyBudget: number,
	pending: { m: EventMessage; r: SignalResult; detected: Detected[]; x: Parameters<SignalJudge["judge"]>[1] }[],
): Promise<Write[]> {
	const writes: Write[] = [];
	const byProject = new Map<string, typeof pending>();
	for (const p of pending) byProject.set(p.m.project_id, [...(byProject.get(p.m.project_id) ?? []), p]);
	let left = MAX_JUDGED_PER_BATCH;
	const today = dayOf(Date.now());
	for (const [projectId, items] of byProject) {
		const spent =
			(await d1.prepare("SELECT calls FROM llm_budget WHERE project_id = ? AND day = ?").bind(projectId, today).first<{ calls: number }>())?.calls ?? 0;
		const take = items.slice(0, Math.max(0, Math.min(left, dailyBudget - spent)));
		if (take.length === 0) continue;
		left -= take.length;
		const verdicts = await Promise.all(
			take.map((p) => judge.judge(IMPLICIT_SIGNALS.find((s) => s.name === p.r.signal)!, p.x).catch((err) => (console.warn("llm check failed", err), null))),
		);
		verdicts.forEach((v, i) => {
			const p = take[i]!;
			if (v?.match) p.detected.push({ signal: p.r.signal, score: p.r.score, stage: "llm", reason: v.reason, negative: NEGATIVE_IMPLICIT.has(p.r.signal) });
		});
		writes.push(
			db
				.insert(schema.llmBudget)
				.values({ projectId, day: today, calls: take.length })
				.onConflictDoUpdate({ target: [schema.llmBudget.projectId, schema.llmBudget.day], set: { calls: sql`${schema.llmBudget.calls} + ${take.length}` } }),
		);
	}
	return writes;
}

/**
 * Runs the detection cascade on the batch's events and returns, per message, the rows it
 * adds: detections, distinct users per signal and day, and active users per day. All
 * insert-or-ignore, so a redelivered message adds nothing.
 */
export async function detectionWrites(
	db: Db,
	d1: D1Database,
	detector: Detector,
	messages: EventMessage[],
	judge?: { judge: SignalJudge; dailyBudget: number },
	/** Where earlier turns' vectors are kept: detection reads them there instead of encoding those texts again. */
	eventVectors?: EventVectorStore,
): Promise<{
	perMessage: Map<EventMessage, Write[]>;
	shared: Write[];
	flagged: Map<EventMessage, FlaggedEvent[]>;
	/** Each event's input and output vectors, from detection's own encoder call: the event vector store keeps them. */
	vectors: Map<EventMessage, EventVectors>;
}> {
	const perMessage = new Map<EventMessage, Write[]>();
	const flagged = new Map<EventMessage, FlaggedEvent[]>();
	const vectors = new Map<EventMessage, EventVectors>();
	if (messages.length === 0) return { perMessage, shared: [], flagged, vectors };
	const projects = [...new Set(messages.map((m) => m.project_id))];
	const [histories, custom, deepSearches] = await Promise.all([
		loadHistories(d1, messages),
		loadCustomSignals(d1, projects),
		loadDeepSearchSignals(d1, projects),
	]);
	const found = new Map<EventMessage, Detected[]>();
	const pending: Parameters<typeof judgeUncertain>[4] = [];
	const inputs = messages.map((m) => ({
		input: m.event.input,
		output: m.event.output,
		history: histories.turns.get(m),
		tool_calls: m.event.tool_calls,
		timestamp: m.event.timestamp,
	}));
	const { results, vectors: sides } = await detector.detectBatchWithVectors(
		inputs,
		eventVectors && ((texts) => earlierTurnVectors(eventVectors, detector.embedder, histories.stored, new Set(texts))),
	);
	for (const [i, m] of messages.entries()) {
		vectors.set(m, sides[i]!);
		const x = inputs[i]!;
		const detected: Detected[] = [];
		for (const r of results[i]!) {
			if (r.detected) detected.push({ signal: r.signal, score: r.score, stage: r.stage, evidence: r.evidence, negative: NEGATIVE_IMPLICIT.has(r.signal) });
			else if (r.uncertain) pending.push({ m, r, detected, x });
		}
		for (const { rule, re, negative } of custom.get(m.project_id) ?? []) {
			const evidence = matchCustomSignal(rule, re, x);
			if (evidence) detected.push({ signal: rule.name, score: 1, stage: "rules", evidence, negative });
		}
		for (const hit of matchDeepSearches(deepSearches.get(m.project_id) ?? [], sides[i]!, detector.embedder)) detected.push(deepSearchDetection(hit));
		found.set(m, detected);
	}
	const shared = judge && pending.length ? await judgeUncertain(db, d1, judge.judge, judge.dailyBudget, pending) : [];
	for (const [m, detected] of found) {
		const e = m.event;
		const writes: Write[] = [
			db
				.insert(schema.userDays)
				.values({ projectId: m.project_id, day: dayOf(e.timestamp), userId: e.user_id })
				.onConflictDoNothing(),
		];
		for (const d of detected) writes.push(...detectionRowWrites(db, m.project_id, m.received_at, e, d));
		perMessage.set(m, writes);
		flagged.set(
			m,
			detected.filter((d) => d.negative).flatMap((d) => flaggedOf(m.project_id, e, d)),
		);
	}
	return { perMessage, shared, flagged, vectors };
}

/**
 * A detection's rows: the detection and its user counted for the signal that day. Insert-or-ignore: written twice,
 * counted once. `receivedAt` is the event's (every-match alerts read detections by it, migration 0036).
 */
export function detectionRowWrites(db: Db, projectId: string, receivedAt: number, e: EventMessage["event"], d: Detected): Write[] {
	return [
		db
			.insert(schema.detections)
			.values({
				projectId,
				eventId: e.event_id,
				signal: d.signal,
				score: d.score,
				stage: d.stage,
				evidenceField: d.evidence?.field ?? null,
				evidenceStart: d.evidence?.start ?? null,
				evidenceEnd: d.evidence?.end ?? null,
				evidenceText: d.evidence?.text.slice(0, 500) ?? null,
				reason: d.reason ?? null,
				userId: e.user_id,
				convoId: e.convo_id ?? null,
				timestamp: e.timestamp,
				receivedAt,
			})
			.onConflictDoNothing(),
		db
			.insert(schema.userSignalDays)
			.values({ projectId, day: dayOf(e.timestamp), signal: d.signal, userId: e.user_id })
			.onConflictDoNothing(),
	];
}

/** A negative detection as the issue grouping takes it (none when the event has no text to group by). */
export function flaggedOf(projectId: string, e: EventMessage["event"], d: Detected): FlaggedEvent[] {
	const text = issueText(e, d);
	if (!text.trim()) return [];
	return [{ projectId, signal: d.signal, eventId: e.event_id, userId: e.user_id, timestamp: e.timestamp, text, release: releaseOf(e.properties) }];
}

/** A saved deep search's match as a detection: decided by its model over the event's sentence vectors. */
export function deepSearchDetection(hit: DeepSearchMatch): Detected {
	return {
		signal: hit.signal.name,
		score: Math.round(hit.score * 1000) / 1000,
		stage: "embedding",
		reason: `deep search ${hit.signal.searchId} (version ${hit.signal.version}): p(match) ${hit.score.toFixed(2)} at threshold ${hit.signal.threshold.toFixed(2)}`,
		negative: hit.signal.negative,
	};
}

/** The `release` property (string or number) an event was sent with, if any. */
function releaseOf(properties: Record<string, unknown> | undefined): string | undefined {
	const r = properties?.release;
	return typeof r === "string" || typeof r === "number" ? String(r) : undefined;
}
