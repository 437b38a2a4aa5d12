/** Shapes of the API responses the dashboard's views read (see workers/api/src/routes). */
import type { AlertDestinationType } from "../../../core/alerts/destinations";
import type { ProportionComparison } from "../../../core/two-proportion-test";

export interface IssueListItem {
	id: string;
	signal: string;
	title: string;
	description: string;
	state: IssueState;
	events: number;
	users: number;
	window_users: number;
	pct_users: number;
	first_seen: string | null;
	last_seen: string | null;
	created_at: string | null;
	resolved_at: string | null;
	resolved_in_release: string | null;
	priority: number;
	priority_factors: { users: number; negative_sentiment: number; achievable_delta: number; strategic_relevance: number };
	daily_users: number[];
	trend: { direction: "up" | "down" | "flat" | "new"; recent: number; previous: number };
	/** What most of its users were trying to do (their conversation's intent): issues read as signal × intent. */
	top_intent: { id: string; name: string } | null;
}

export type IssueState = "new" | "ongoing" | "escalating" | "regressed" | "resolved" | "ignored";

export interface IssueList {
	window: { from: string; to: string; active_users: number };
	data: IssueListItem[];
}

export interface Marker {
	kind: "model" | "prompt_version" | "release";
	value: string;
	at: string;
}

export interface Evidence {
	field: string;
	start: number;
	end: number;
	text: string;
}

export interface BreakdownRow {
	value: string | null;
	events: number;
	users: number;
}

export interface IssueDetail extends Omit<IssueListItem, "daily_users" | "trend" | "top_intent"> {
	series: { day: string; events: number; users: number }[];
	hourly: { hour: string; events: number; users: number }[];
	breakdowns: {
		/** The events the breakdowns are read from: the issue's most recent, at most 1,000. */
		sample: { events: number; users: number };
		model: BreakdownRow[];
		intent: BreakdownRow[];
		properties: Record<string, BreakdownRow[]>;
		traits: Record<string, BreakdownRow[]>;
		tools: { name: string; error: string | null; events: number; users: number }[];
	};
	markers: Marker[];
	examples: { event_id: string; timestamp: string; user_id: string; convo_id: string | null; model: string | null; input: string | null; output: string | null; evidence: Evidence | null }[];
	history: { from: string | null; to: string; by: string; reason: string | null; at: string }[];
}

export interface SignalInfo {
	name: string;
	description: string;
	polarity: "negative" | "positive";
	kind: "implicit" | "explicit" | "custom";
}

export interface SignalRates {
	from: string;
	to: string;
	window: { active_users: number; signals: Record<string, { users: number; pct: number }> };
	days: { day: string; active_users: number; events?: number; signals: Record<string, { users: number; pct: number }> }[];
}

export interface MatrixRow {
	intent_id: string;
	name: string;
	users: number;
	negative_users: number;
	priority: number;
	achievable_delta: number;
	strategic_relevance: number;
	signals: Record<string, { users: number; pct: number }>;
}

export interface Intent {
	id: string;
	name: string;
	description: string;
	parent_id: string | null;
	renamed: boolean;
	events: number;
	users: number;
	pct_users: number;
}

export interface Comparison extends ProportionComparison {
	kind: string;
}

export interface AlertRule {
	id: string;
	name: string;
	kind: "new_issue" | "regressed" | "escalating" | "threshold" | "every_match";
	filters: { signals?: string[]; intents?: string[]; models?: string[]; properties?: Record<string, string | number | boolean> };
	threshold?: { subject: { signal: string } | { issue_id: string }; metric: "users" | "percent_users"; value: number; window_minutes: number };
	min_users?: number;
	destination: { type: AlertDestinationType; display: string };
	throttle_minutes: number;
	enabled: boolean;
	snoozed_until: string | null;
	status: "active" | "snoozed" | "disabled";
	created_at: string;
	secret?: string;
}

export interface AlertDelivery {
	id: string;
	kind: string;
	title: string;
	status: string;
	attempts: number;
	status_code: number | null;
	error: string | null;
	created_at: string;
	sent_at: string | null;
}

export interface ApiKeyView {
	id: string;
	kind: "write" | "read" | "admin";
	prefix: string;
	name: string;
	created_at: string;
	revoked_at: string | null;
	current: boolean;
	key?: string;
}

export interface CustomSignal {
	id: string;
	name: string;
	description: string;
	polarity: "negative" | "positive";
	field: "input" | "output" | "both";
	keywords?: string[];
	regex?: string;
	case_sensitive: boolean;
}
