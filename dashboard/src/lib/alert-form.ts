import { parsePropertyFilter } from "./issue-table";
import type { z } from "zod";
import type { alertRuleInputSchema } from "#core/alerts/alert-rule-input";
import type { AlertRule } from "#core/api/alerts";

/** What the new-rule form holds, as typed. */
export interface AlertRuleDraft {
	name: string;
	kind: AlertRule["kind"];
	destinationType: AlertRule["destination"]["type"];
	url: string;
	/** Comma-separated. */
	signals: string;
	models: string;
	/** An intent id, or empty. */
	intent: string;
	/** "key=value", or empty. */
	property: string;
	thresholdSignal: string;
	metric: "users" | "percent_users";
	value: number;
	windowMinutes: number;
	minUsers: number;
	/** Daily brief: the hour (UTC) it goes out. */
	briefHour: number;
	/** Empty: the rule kind's default. */
	throttleMinutes: string;
}

/** The API's DEFAULT_BRIEF_HOUR_UTC, written here: importing it would bring zod into the bundle. */
const DEFAULT_BRIEF_HOUR_UTC = 8;

const list = (s: string) =>
	s
		.split(",")
		.map((x) => x.trim())
		.filter(Boolean);

/** The new-rule form before anything is typed. */
export const EMPTY_DRAFT: AlertRuleDraft = {
	name: "",
	kind: "new_issue",
	destinationType: "slack",
	url: "",
	signals: "",
	models: "",
	intent: "",
	property: "",
	thresholdSignal: "refusal",
	metric: "percent_users",
	value: 5,
	windowMinutes: 60,
	minUsers: 5,
	briefHour: DEFAULT_BRIEF_HOUR_UTC,
	throttleMinutes: "",
};

/** The POST /api/alerts/rules body for a draft; the API validates and names any bad field. */
export function alertRuleBody(d: AlertRuleDraft): z.input<typeof alertRuleInputSchema> {
	const filters: NonNullable<z.input<typeof alertRuleInputSchema>["filters"]> = {};
	if (list(d.signals).length) filters.signals = list(d.signals);
	if (list(d.models).length) filters.models = list(d.models);
	if (d.intent) filters.intents = [d.intent];
	const property = parsePropertyFilter(d.property);
	if (property) filters.properties = property;
	return {
		name: d.name.trim() || defaultName(d),
		kind: d.kind,
		filters,
		destination: { type: d.destinationType, url: d.url.trim() },
		...(d.kind === "threshold"
			? { threshold: { subject: { signal: d.thresholdSignal.trim() }, metric: d.metric, value: d.value, window_minutes: d.windowMinutes } }
			: {}),
		...(d.kind === "escalating" ? { min_users: d.minUsers } : {}),
		...(d.kind === "daily_brief" ? { brief_hour_utc: d.briefHour } : {}),
		// A brief goes out once a day: the form hides the throttle, and the API refuses one.
		...(d.throttleMinutes.trim() !== "" && d.kind !== "daily_brief" ? { throttle_minutes: Number(d.throttleMinutes) } : {}),
	};
}

function defaultName(d: AlertRuleDraft): string {
	if (d.kind === "threshold") return `${d.thresholdSignal} above ${d.value}${d.metric === "percent_users" ? "%" : " users"}`;
	if (d.kind === "daily_brief") return `Daily brief at ${hourLabel(d.briefHour)} UTC`;
	return d.kind.replaceAll("_", " ");
}

/** 8 → "08:00". */
export const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** One line that says what a rule does. */
export function describeRule(r: AlertRule): string {
	const scope = [
		r.filters.signals?.join(", "),
		r.filters.models?.length ? `on ${r.filters.models.join(", ")}` : "",
		r.filters.intents?.length ? `for ${r.filters.intents.length} intent(s)` : "",
		...Object.entries(r.filters.properties ?? {}).map(([k, v]) => `where ${k}=${v}`),
	]
		.filter(Boolean)
		.join(" ");
	const what: Record<AlertRule["kind"], string> = {
		new_issue: "new issues",
		regressed: "regressions",
		escalating: `escalations (≥ ${r.min_users ?? 5} users)`,
		threshold: r.threshold
			? `${"signal" in r.threshold.subject ? r.threshold.subject.signal : "issue"} ≥ ${r.threshold.value}${r.threshold.metric === "percent_users" ? "%" : " users"} in ${r.threshold.window_minutes} min`
			: "threshold",
		every_match: "every flagged interaction",
		daily_brief: `Daily brief at ${hourLabel(r.brief_hour_utc ?? DEFAULT_BRIEF_HOUR_UTC)} UTC`,
	};
	return `${what[r.kind]}${scope ? ` (${scope})` : ""}${r.throttle_minutes ? `, at most once per ${r.throttle_minutes} min` : ""}`;
}
