import { cueFeatures } from "./cue-features";
import type { DetectionInput } from "./detection-input";
import { hashedNgrams } from "./hashed-ngrams";
import type { Features } from "./linear-model";

/** What a learned model reads, per signal: the text's field, and whether the turn is read with the conversation before it. */
export interface ModelSpec {
	fields: readonly ("input" | "output")[];
	/** Read the user's turn as a reaction: with the assistant reply it answers and the user's previous request. */
	reaction?: boolean;
	/** Hashed word n-grams beside the sentence vector: only where there are enough positives to learn them. */
	ngrams?: boolean;
	/** The GloVe SIF vector beside the sentence vector: a bag of every word of the text, where the encoder reads its first 256 pieces. */
	lexical?: boolean;
	/** The sentence vectors of the text's opening and closing ENDS_CHARS: where a reply states a (partial) refusal. */
	ends?: boolean;
	/** Read a reply with the request it answers (this event's input): a refusal is a refusal of something. */
	request?: boolean;
}

export const ENDS_CHARS = 300;
/** The opening and closing of a long text, each embedded on its own; a short text is its own ends. */
export function textEnds(text: string): [string, string] {
	if (text.length <= ENDS_CHARS) return [text, text];
	return [text.slice(0, ENDS_CHARS), text.slice(-ENDS_CHARS)];
}

/** A text's sentence vector, looked up from one batched encoder call. */
export type VectorOf = (text: string) => Float32Array;

/** The conversation just before this turn, as a reaction model reads it. */
export interface TurnContext {
	/** The assistant's last reply before this user turn. */
	previousReply?: string;
	/** The user's previous message. */
	previousRequest?: string;
	/** This event's input, the request a reply answers. */
	request?: string;
}

export function turnContext(x: DetectionInput): TurnContext {
	const history = x.history ?? [];
	const lastAssistant = history.findLastIndex((t) => t.role === "assistant");
	const lastUser = history.findLastIndex((t) => t.role === "user");
	return { previousReply: history[lastAssistant]?.content, previousRequest: history[lastUser]?.content, request: x.input ?? undefined };
}

/** Every text a model with `spec` embeds for `x`: its fields' texts, their ends, and the turns a reaction is read with. */
export function textsToEmbed(spec: ModelSpec, x: DetectionInput): string[] {
	const own = spec.fields.map((f) => x[f]).filter((t): t is string => !!t && !!t.trim());
	const ctx = spec.reaction ? turnContext(x) : {};
	return [...own, ...(spec.ends ? own.flatMap(textEnds) : []), ctx.previousReply, ctx.previousRequest, spec.request ? x.input : undefined].filter(
		(t): t is string => !!t && !!t.trim(),
	);
}

const dot = (a: Float32Array, b: Float32Array) => {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
	return s;
};

/**
 * The model's input: the sentence vector and cue features of the text; for a reaction, also the
 * element-wise product with the reply it answers (how this answer relates to that reply: "No" to
 * "Shall I book it?" differs from "No" to "Did that help?"), the reply's own vector, and how close
 * the turn is to the user's previous request (asking again). Blank context reads as zeros.
 */
export function modelFeatures(spec: ModelSpec, text: string, vectorOf: VectorOf, ctx: TurnContext = {}, lexicalOf?: VectorOf): Features {
	const v = vectorOf(text);
	const parts: ArrayLike<number>[] = [v, cueFeatures(text)];
	if (spec.lexical) {
		if (!lexicalOf) throw new Error("this model reads GloVe SIF vectors: pass lexicalOf");
		parts.push(lexicalOf(text));
	}
	if (spec.ends) parts.push(...textEnds(text).map(vectorOf));
	if (spec.request) {
		const request = ctx.request?.trim() ? vectorOf(ctx.request) : new Float32Array(v.length);
		const product = new Float32Array(v.length);
		for (let i = 0; i < v.length; i++) product[i] = v[i]! * request[i]! * Math.sqrt(v.length);
		parts.push(product, request);
	}
	if (spec.reaction) {
		const reply = ctx.previousReply?.trim() ? vectorOf(ctx.previousReply) : new Float32Array(v.length);
		const product = new Float32Array(v.length);
		for (let i = 0; i < v.length; i++) product[i] = v[i]! * reply[i]! * Math.sqrt(v.length);
		const request = ctx.previousRequest?.trim() ? vectorOf(ctx.previousRequest) : undefined;
		parts.push(product, reply, [request ? dot(v, request) : 0, ctx.previousReply ? 1 : 0]);
	}
	const dense = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		dense.set(p, offset);
		offset += p.length;
	}
	return { dense, sparse: spec.ngrams ? hashedNgrams(text) : [] };
}
