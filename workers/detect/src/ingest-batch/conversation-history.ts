import type { HistoryTurn } from "#core/detection/detection-input";
import type { EventMessage } from "#core/queue-messages";
import type { EventPart } from "#core/vector-index/event-vectors";

/** Earlier turns read per conversation; enough for rephrasing, forgetting and tool loops. */
const TURNS = 20;

interface StoredTurn {
	project_id: string;
	convo_id: string;
	event_id: string;
	timestamp: number;
	input: string | null;
	output: string | null;
	tools: string;
}

/**
 * The last TURNS events of each conversation in the batch: for each conversation a seek on
 * events_project_convo_time_idx that reads backwards and stops after TURNS rows, so the rows read
 * grow with the batch, never with what is stored (workers/detect/test/conversation-history.test.ts
 * checks the plan).
 */
export const HISTORY_SQL = `SELECT e.project_id, e.convo_id, e.event_id, e.timestamp, e.input, e.output,
		(SELECT json_group_array(json_object('name', t.name, 'error', t.error)) FROM tool_calls t
		 WHERE t.project_id = e.project_id AND t.event_id = e.event_id) AS tools
	FROM json_each(?) c JOIN events e ON e.rowid IN (
		SELECT rowid FROM events WHERE project_id = json_extract(c.value, '$[0]') AND convo_id = json_extract(c.value, '$[1]')
		ORDER BY timestamp DESC LIMIT ${TURNS})`;

const key = (projectId: string, convoId: string) => `${projectId}\u0000${convoId}`;

/** A text of an earlier turn read from D1: its event was stored, and so, most likely, were its vectors. */
export interface StoredText {
	projectId: string;
	eventId: string;
	part: EventPart;
	text: string;
}

export interface Histories {
	/** The turns before each event of the batch, oldest first. */
	turns: Map<EventMessage, HistoryTurn[]>;
	/** The inputs and outputs of the turns read from D1 (not those of this batch's own events). */
	stored: StoredText[];
}

/**
 * The turns before each event of the batch, from D1 (one query for the whole batch) and
 * from earlier events of the same batch, oldest first.
 */
export async function loadHistories(db: D1Database, messages: EventMessage[]): Promise<Histories> {
	const convos = [...new Set(messages.filter((m) => m.event.convo_id).map((m) => JSON.stringify([m.project_id, m.event.convo_id])))];
	const byConvo = new Map<string, { eventId: string; timestamp: number; turns: HistoryTurn[] }[]>();
	const add = (
		k: string,
		eventId: string,
		timestamp: number,
		input: string | null | undefined,
		output: string | null | undefined,
		tools: HistoryTurn["tool_calls"],
	) => {
		const turns: HistoryTurn[] = [];
		if (input) turns.push({ role: "user", content: input });
		if (output || tools?.length) turns.push({ role: "assistant", content: output ?? "", tool_calls: tools });
		const list = byConvo.get(k) ?? [];
		if (!list.some((e) => e.eventId === eventId)) list.push({ eventId, timestamp, turns });
		byConvo.set(k, list);
	};
	const stored: StoredText[] = [];
	if (convos.length > 0) {
		const { results } = await db
			.prepare(HISTORY_SQL)
			.bind(JSON.stringify(convos.map((c) => JSON.parse(c) as [string, string])))
			.all<StoredTurn>();
		for (const r of results) {
			add(key(r.project_id, r.convo_id), r.event_id, r.timestamp, r.input, r.output, JSON.parse(r.tools) as HistoryTurn["tool_calls"]);
			if (r.input) stored.push({ projectId: r.project_id, eventId: r.event_id, part: "input", text: r.input });
			if (r.output) stored.push({ projectId: r.project_id, eventId: r.event_id, part: "output", text: r.output });
		}
	}
	for (const m of messages) {
		if (m.event.convo_id) add(key(m.project_id, m.event.convo_id), m.event.event_id, m.event.timestamp, m.event.input, m.event.output, m.event.tool_calls);
	}
	const turns = new Map<EventMessage, HistoryTurn[]>();
	for (const m of messages) {
		const list = m.event.convo_id ? (byConvo.get(key(m.project_id, m.event.convo_id)) ?? []) : [];
		const before = list
			.filter((e) => e.eventId !== m.event.event_id && (e.timestamp < m.event.timestamp || (e.timestamp === m.event.timestamp && e.eventId < m.event.event_id)))
			.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
		turns.set(
			m,
			before.slice(-TURNS).flatMap((e) => e.turns),
		);
	}
	return { turns, stored };
}
