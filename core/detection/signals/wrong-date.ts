import { wrongDate } from "../wrong-date";
import type { SignalModule } from "./signal-module";

export const wrongDateSignal = {
	definition: {
		name: "wrong_date",
		polarity: "negative",
		description: "The assistant states a past year as the current one, or a date inconsistent with the event's time.",
	},
	contextRules: [wrongDate],
} as const satisfies SignalModule;
