/** The implicit signals Barometer detects in every event, and how explicit feedback maps onto signals. */
export type Polarity = "negative" | "positive";

export interface SignalDefinition {
	name: string;
	description: string;
	polarity: Polarity;
}

export const IMPLICIT_SIGNALS = [
	{ name: "user_frustration", polarity: "negative", description: "The user pushes back, swears at the assistant, or rephrases the same request again and again." },
	{ name: "refusal", polarity: "negative", description: "The assistant says it can't or won't do what was asked, fully or partly." },
	{ name: "laziness", polarity: "negative", description: "The assistant does a fraction of the task: placeholders, \"fill in the rest\", cut-off lists." },
	{ name: "forgetting", polarity: "negative", description: "The assistant asks again for something the user already gave, or the user says they already told it." },
	{ name: "wrong_date", polarity: "negative", description: "The assistant states a past year as the current one, or a date inconsistent with the event's time." },
	{ name: "excessive_apology", polarity: "negative", description: "The assistant apologises over and over instead of helping." },
	{ name: "nsfw", polarity: "negative", description: "Sexual, self-harm, violent or hateful content in the user's or the assistant's text." },
	{ name: "jailbreak", polarity: "negative", description: "Prompt injection or role-play meant to get around the assistant's rules." },
	{ name: "tool_failure", polarity: "negative", description: "A tool call returned an error." },
	{ name: "tool_loop", polarity: "negative", description: "The same tool called again and again in one conversation, with errors." },
	{ name: "win", polarity: "positive", description: "The user thanks or praises the assistant, or says it worked." },
] as const satisfies readonly SignalDefinition[];

export type ImplicitSignal = (typeof IMPLICIT_SIGNALS)[number]["name"];
export const IMPLICIT_SIGNAL_NAMES = IMPLICIT_SIGNALS.map((s) => s.name) as ImplicitSignal[];

/** Explicit feedback from /v1/signals, read as signals of the same kind; unknown custom names count as negative only if declared so. */
export const EXPLICIT_SIGNAL_POLARITY: Record<string, Polarity> = {
	thumbs_up: "positive",
	copy: "positive",
	share: "positive",
	thumbs_down: "negative",
	regenerate: "negative",
	edit: "negative",
	code_error: "negative",
};

/** Every negative signal name, implicit and explicit: what alerts, priorities and issue grouping count as bad. */
export const NEGATIVE_SIGNAL_NAMES: string[] = [
	...IMPLICIT_SIGNALS.filter((s) => s.polarity === "negative").map((s) => s.name),
	...Object.keys(EXPLICIT_SIGNAL_POLARITY).filter((k) => EXPLICIT_SIGNAL_POLARITY[k] === "negative"),
];
