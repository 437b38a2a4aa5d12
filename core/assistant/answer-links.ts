/**
 * Ask's answers refer to what they used as markdown links with a kind and an id, e.g.
 * `[Claims it cannot access contacts](issue:iss_4f2)`. Only ids the tools actually returned become links
 * to the dashboard; anything else (an id the model made up, another project's id, a URL it was fed by an
 * event's text) is left as plain text, so an answer can never send a reader somewhere the data did not.
 */
export type RefKind = "issue" | "event" | "conversation";

export interface AnswerLink {
	kind: RefKind;
	id: string;
	title?: string;
	url: string;
}

/** `[text](issue:ID)`, `[text](event:ID)`, `[text](conversation:ID)`, and any other markdown link. */
const MARKDOWN_LINK = /\[([^\]\n]{1,500})\]\(\s*([^)\s]{1,2000})\s*\)/g;
const REF = /^(issue|event|conversation):(.{1,200})$/;

/**
 * The answer with its references linked to the dashboard pages of `known` (the links the tools returned),
 * other links reduced to their text, and the links it ended up using.
 */
export function linkAnswer(answer: string, known: readonly AnswerLink[]): { answer: string; links: AnswerLink[] } {
	const byRef = new Map(known.map((l) => [`${l.kind}:${l.id}`, l]));
	const byUrl = new Map(known.map((l) => [l.url, l]));
	const used = new Map<string, AnswerLink>();
	const text = answer.replace(MARKDOWN_LINK, (_, label: string, target: string) => {
		const ref = REF.exec(target);
		const link = ref ? byRef.get(`${ref[1]}:${safeDecode(ref[2]!)}`) : byUrl.get(target);
		if (!link) return label;
		used.set(`${link.kind}:${link.id}`, link);
		return `[${label}](${link.url})`;
	});
	return { answer: text, links: [...used.values()] };
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}
