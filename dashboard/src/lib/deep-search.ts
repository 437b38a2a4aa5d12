import type { CandidateView, DeepSearch } from "#core/api/deep-searches";
import type { JobView } from "#core/api/jobs";
import { ApiClientError } from "./api-client";

type CalibrationPoint = DeepSearch["calibration"]["points"][number];

/**
 * The signal name rule of POST /api/deep-searches/:id/save (`deepSearchSaveSchema.name`), checked
 * as the user types; written here so the bundle does not carry zod, and held equal to the API's
 * schema by deep-search.test.ts.
 */
const SIGNAL_NAME = /^[a-z][a-z0-9_]{1,47}$/;

/** Why a signal name would be refused, or null when it is fine. */
export function signalNameProblem(name: string): string | null {
	if (name === "") return "is required: the signal's name";
	return SIGNAL_NAME.test(name) ? null : "must be 2-48 lowercase letters, digits or _, starting with a letter";
}

/** A suggested signal name from the definition's first words: "The assistant claims…" → "assistant_claims_it". */
export function suggestSignalName(definition: string): string {
	const words = definition
		.toLowerCase()
		.normalize("NFKD")
		.replace(/[^a-z0-9\s]/g, " ")
		.split(/\s+/)
		.filter((w) => w && !["the", "a", "an", "is", "are", "of", "to", "when"].includes(w));
	let name = "";
	for (const w of words) {
		const next = name ? `${name}_${w}` : w;
		if (next.length > 32) break;
		name = next;
		if (name.split("_").length >= 4) break;
	}
	name = name.replace(/^[^a-z]+/, "");
	return SIGNAL_NAME.test(name) ? name : "deep_search_signal";
}

/**
 * The API's 400 answer as messages per field (`definition`, `name`…), and one message for the rest,
 * so a form can show each next to its input.
 */
export function formErrors(err: unknown): { fields: Record<string, string>; message: string | null } {
	if (!(err instanceof ApiClientError)) return { fields: {}, message: (err as Error)?.message ?? String(err) };
	const fields: Record<string, string> = {};
	for (const d of err.details) {
		const field = d.field.split(/[.[]/)[0] || d.field;
		fields[field] = fields[field] ? `${fields[field]}; ${d.message}` : d.message;
	}
	return { fields, message: err.details.length ? null : err.message };
}

/** One round's decisions (event id → matches?) as the POST /labels body, in the order the round was shown. */
export function roundLabels(round: Pick<CandidateView, "event_id">[], decisions: Record<string, boolean>): { event_id: string; match: boolean }[] {
	return round.filter((c) => c.event_id in decisions).map((c) => ({ event_id: c.event_id, match: decisions[c.event_id]! }));
}

/** The curve's points in threshold order, as uPlot's aligned columns (x, then each series). */
export function curveColumns(points: CalibrationPoint[]) {
	const sorted = [...points].sort((a, b) => a.threshold - b.threshold);
	const col = (key: keyof CalibrationPoint) => sorted.map((p) => p[key]);
	return {
		threshold: col("threshold"),
		precision: col("precision"),
		precisionLow: col("precision_low"),
		precisionHigh: col("precision_high"),
		recall: col("recall"),
		recallLow: col("recall_low"),
		recallHigh: col("recall_high"),
	};
}

/** The point of the curve closest to a threshold (ties: the lower threshold); null on an empty curve. */
export function nearestPoint(points: CalibrationPoint[], threshold: number): CalibrationPoint | null {
	let best: CalibrationPoint | null = null;
	for (const p of points) {
		const d = Math.abs(p.threshold - threshold);
		const bestD = best ? Math.abs(best.threshold - threshold) : Number.POSITIVE_INFINITY;
		if (d < bestD - 1e-12 || (Math.abs(d - bestD) <= 1e-12 && best && p.threshold < best.threshold)) best = p;
	}
	return best;
}

/** A threshold the API accepts (0.01..0.99, two decimals). */
export function clampThreshold(t: number): number {
	return Math.min(0.99, Math.max(0.01, Math.round(t * 100) / 100));
}

export const percent = (v: number) => `${Math.round(v * 100)}%`;

/** "82% (70–90%)": a value with its interval. */
export function withInterval(value: number, low: number, high: number): string {
	return `${percent(value)} (${Math.round(low * 100)}–${percent(high)})`;
}

/** Where labelling stands, in one line. */
export function labelSummary(labels: DeepSearch["labels"]): string {
	if (labels.total === 0) return "No labels yet: the detector reads the definition alone.";
	const parts = [`${labels.total} label${labels.total === 1 ? "" : "s"}`, `${labels.matches} match`, `${labels.non_matches} don't`];
	if (labels.without_event > 0) parts.push(`${labels.without_event} on deleted events`);
	return parts.join(" · ");
}

/** A deep search's state as the list shows it. */
export function searchStatus(s: Pick<DeepSearch, "state" | "signal" | "version">): { label: string; tone: "draft" | "saved" | "changed" } {
	if (s.state === "draft" || !s.signal) return { label: "draft", tone: "draft" };
	if (s.signal.saved_version < s.version) return { label: `saved v${s.signal.saved_version}, changed since`, tone: "changed" };
	return { label: "saved", tone: "saved" };
}

/** A job (GET /api/jobs/:id) as far as its progress bar cares. */
export type JobProgressInput = Pick<JobView, "state" | "done" | "total"> & Partial<Pick<JobView, "error">>;

/** The bar's fill (null while the total is unknown), its words, and whether to keep polling. */
export function jobProgress(job: JobProgressInput): { fraction: number | null; label: string; polling: boolean } {
	const fraction = job.state === "done" ? 1 : job.total ? Math.min(1, Math.max(0, job.done / job.total)) : null;
	const count = job.total !== null ? `${job.done.toLocaleString("en")} of ${job.total.toLocaleString("en")} events` : `${job.done.toLocaleString("en")} events`;
	switch (job.state) {
		case "queued":
			return { fraction, label: "Queued: scoring the stored events starts shortly", polling: true };
		case "running":
			return { fraction, label: `Scoring stored events: ${count}${fraction !== null ? ` (${percent(fraction)})` : ""}`, polling: true };
		case "done":
			return { fraction: 1, label: `Done: ${count} scored`, polling: false };
		case "failed":
			return { fraction, label: `Failed after ${count}${job.error ? `: ${job.error}` : ""}`, polling: false };
	}
}

/**
 * Whether the calibration curve means anything yet. It is cross-validated over the labels, so it
 * needs at least two matches and two non-matches (each held out in turn); before that, or while
 * every point is still zero, the API's points say nothing.
 */
export function hasCurve(s: Pick<DeepSearch, "calibration" | "labels">): boolean {
	const { points } = s.calibration;
	return s.labels.matches >= 2 && s.labels.non_matches >= 2 && points.some((p) => p.precision > 0 || p.recall > 0);
}
