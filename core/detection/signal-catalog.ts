/** The implicit signals Barometer detects in every event, and how explicit feedback maps onto signals. */
import { BUILT_IN_SIGNALS, type ImplicitSignal, type Polarity, type SignalDefinition } from "./signals";

export type { ImplicitSignal, Polarity, SignalDefinition } from "./signals";

/** Each built-in signal's definition, from its module in ./signals. */
export const IMPLICIT_SIGNALS: readonly (SignalDefinition & { name: ImplicitSignal })[] = BUILT_IN_SIGNALS.map((m) => m.definition);
export const IMPLICIT_SIGNAL_NAMES: ImplicitSignal[] = IMPLICIT_SIGNALS.map((s) => s.name);

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

/** Every positive built-in signal name, implicit and explicit: the daily brief's wins. */
export const POSITIVE_SIGNAL_NAMES: string[] = [
	...IMPLICIT_SIGNALS.filter((s) => s.polarity === "positive").map((s) => s.name),
	...Object.keys(EXPLICIT_SIGNAL_POLARITY).filter((k) => EXPLICIT_SIGNAL_POLARITY[k] === "positive"),
];
