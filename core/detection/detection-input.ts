/** What detection reads: one event and, where a signal needs them, the conversation's earlier turns. */
export interface HistoryTurn {
	role: "user" | "assistant";
	content: string;
	/** Tool calls of the assistant turn, when the history comes from stored events. */
	tool_calls?: { name: string; error?: string | null }[];
}

export interface DetectionInput {
	id?: string;
	input?: string | null;
	output?: string | null;
	/** Earlier turns of the same conversation, oldest first. */
	history?: HistoryTurn[];
	tool_calls?: { name: string; error?: string | null }[];
	/** Epoch ms of the event; wrong_date compares stated dates with it. Default: now. */
	timestamp?: number;
}
