/** Ask's limits and examples, without zod: the dashboard imports them too (scripts/dashboard-bundle.test.ts). */

/** Longest question Ask takes: a question, not a document (the model's context is shared with the tools' answers). */
export const ASK_QUESTION_CHARS = 2000;

/** Questions Ask answers well, offered in the dashboard and by GET /api/ask. */
export const ASK_EXAMPLES = [
	"Which issues got worse after we switched to the new model?",
	"Show conversations where users asked for a refund and got refused",
	"What share of users hit a tool failure yesterday?",
] as const;
