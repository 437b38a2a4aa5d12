/** Response shapes of the read API, shared by the api worker and the dashboard's client. */
export type PropertyValue = string | number | boolean;

export interface SignalView {
	signal_id: string;
	event_id: string;
	signal: string;
	timestamp: string | null;
	user_id: string | null;
	comment: string | null;
	properties: Record<string, unknown>;
}

export interface ToolCallView {
	index: number;
	name: string;
	input: string | null;
	output: string | null;
	error: string | null;
	duration_ms: number | null;
}

export interface EventView {
	event_id: string;
	timestamp: string | null;
	received_at: string | null;
	user_id: string;
	convo_id: string | null;
	event: string;
	model: string | null;
	input: string | null;
	output: string | null;
	properties: Record<string, PropertyValue>;
	attachments: unknown[];
	tool_call_count: number;
}

/** A signal detected on the event: which stage decided, how sure, and the span that triggered it. */
export interface DetectionView {
	signal: string;
	score: number;
	stage: string;
	evidence: { field: string; start: number; end: number; text: string } | null;
	/** The LLM check's reason, when it decided. */
	reason: string | null;
}

export interface EventListItem extends EventView {
	signals: SignalView[];
	detections: DetectionView[];
	/** The turn-level intent discovered for the user's input, once there is one. */
	intent: { id: string; name: string } | null;
}

export interface EventDetail extends EventListItem {
	tool_calls: ToolCallView[];
}

export interface EventPage {
	data: EventListItem[];
	next_cursor: string | null;
}

export interface UserView {
	user_id: string;
	traits: Record<string, unknown>;
	first_seen: string | null;
	last_seen: string | null;
}

export interface ConversationView {
	convo_id: string;
	user_id: string;
	first_seen: string | null;
	last_seen: string | null;
	event_count: number;
	user: UserView | null;
	events: EventDetail[];
	next_cursor: string | null;
}

export interface ProjectView {
	id: string;
	name: string;
	created_at: string;
	/** The kind of key signed in: the dashboard offers changes only to admin keys. */
	key_kind: "read" | "admin";
}
