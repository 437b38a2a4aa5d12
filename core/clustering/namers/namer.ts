import type { Candidate, Ranked } from "../naming-support";

/**
 * What each signal's issues are called: per signal, the names one member proposes from the clause
 * that carries the signal (the refusal's "can't <verb> <object>", the tool's error, the user's
 * correction), the noun its events are counted in, and its description. issue-names.ts votes
 * among members and keeps names unique. A new signal's namer is one module here and one entry of NAMERS (index.ts).
 */

/** A candidate's description clause: what the assistant or the users do, without the count. */
export type Describe = (c: Ranked, cluster: { texts: string[]; keywords: readonly string[] }) => string;

export interface SignalNamer {
	/** Names one member proposes. */
	candidates: (text: string) => Candidate[];
	/** What the events are counted as: "replies", "messages", "calls". */
	noun: [string, string];
	describe: Describe;
	/** When no member proposes anything. */
	fallback: (texts: string[], keywords: readonly string[]) => { title: string; description: string };
}
