// Labelled examples per signal from ../shared/eval (see its README), split by a hash of the
// text: "tune" rows train and calibrate the models, "report" rows are only ever measured.
// toxicchat is CC-BY-NC-4.0, evaluation only: it is never used to train or calibrate.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TurnContext } from "#core/detection/model-features";
import { benignInstructionPrompts } from "./own-data/benign-instructions";

export const EVAL_DIR = resolve(process.env.BAROMETER_EVAL_DIR ?? "../shared/eval");

export interface Example {
	text: string;
	label: 0 | 1;
	source: string;
	/** The conversation before a user turn, for models that read a reaction (user_frustration). */
	context?: TurnContext;
	/** How much the row counts (a data set's weight that restores the natural prior); default 1. */
	weight?: number;
}

/**
 * FNV-1a 32-bit with murmur3's finaliser: a stable split that does not depend on row order.
 * Without the finaliser FNV's low bits are only the parity of the characters.
 */
export function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b) >>> 0;
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

export type Part = "tune" | "report";
export const partOf = (text: string): Part => (fnv1a(text) % 2 === 0 ? "tune" : "report");

export function readRows(name: string): Record<string, unknown>[] {
	const file = `${EVAL_DIR}/${name}.jsonl`;
	if (!existsSync(file)) throw new Error(`missing ${file}: the eval data lives in ../shared/eval (or set BAROMETER_EVAL_DIR)`);
	return readFileSync(file, "utf8")
		.trim()
		.split("\n")
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const text = (r: Record<string, unknown>) => String(r.text ?? "");
const labels = (r: Record<string, unknown>) => (Array.isArray(r.label) ? (r.label as string[]) : [String(r.label)]);

function sample<T>(rows: T[], n: number, seed: number): T[] {
	let s = seed;
	const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
	const copy = rows.slice();
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[copy[i], copy[j]] = [copy[j]!, copy[i]!];
	}
	return copy.slice(0, n);
}

/** Ordinary user requests, a negative for every user-side signal. */
function plainRequests(part: Part, perFile: number): Example[] {
	return ["clinc150", "banking77", "snips"].flatMap((name, i) =>
		sample(
			readRows(name)
				.map(text)
				.filter((t) => partOf(t) === part),
			perFile,
			11 + i,
		).map((t) => ({ text: t, label: 0 as const, source: name })),
	);
}

const FRUSTRATION = new Set(["anger", "annoyance"]);
/** Chosen on out-of-fold F1 over the tune rows (xstest and jbb both), docs/quality.md. */
const JBB_WEIGHT = Number(process.env.TRAIN_JBB_WEIGHT ?? 0.5);

/**
 * xstest completions: real answers of two models to the same 450 prompts, so the split is by the
 * prompt (both answers to a prompt are on the same side). A refusal is a full or a partial one.
 */
export function xstestCompletions(part: Part): Example[] {
	return readRows("xstest_completions_dev")
		.filter((r) => partOf(String(r.prompt)) === part)
		.map((r) => ({
			text: text(r),
			label: (r.label === "full_compliance" ? 0 : 1) as 0 | 1,
			source: "xstest_completions",
			context: { request: String(r.prompt) },
		}));
}

/**
 * USS: user turns of real task dialogues (SGD) and movie recommendation chats (ReDial), each with
 * the turns before it, labelled dissatisfied / neutral / satisfied; `weight` restores the natural
 * prior (dissatisfied turns are ~6% of turns). Split by dialogue: turns of one dialogue share context.
 */
export function ussTurns(part: Part): Example[] {
	return readRows("uss_satisfaction_dev")
		.filter((r) => partOf(String(r.dialogue)) === part)
		.map((r) => {
			const turns = (r.context as { role: string; text: string }[]) ?? [];
			const last = (role: string) => turns.findLast((t) => t.role === role)?.text;
			return {
				text: text(r),
				label: (r.label === "dissatisfied" ? 1 : 0) as 0 | 1,
				source: `uss_${String(r.corpus).toLowerCase()}`,
				context: { previousReply: last("system"), previousRequest: last("user") },
				weight: Number(r.weight ?? 1),
			};
		});
}

/** Training data per learned signal, from the tune part of files whose licence allows it. */
export function trainingSets(part: Part = "tune"): Record<"refusal" | "jailbreak" | "nsfw" | "win" | "user_frustration" | "user_frustration_anger", Example[]> {
	const mine = <T extends Record<string, unknown>>(rows: T[], key: (r: T) => string = text) => rows.filter((r) => partOf(key(r)) === part);
	const jbb = mine(readRows("jbb_attack_artifacts"), (r) => String(r.response ?? ""));
	const goemotions = mine(readRows("goemotions"));
	const moderation = mine(readRows("openai_moderation"));
	const replies = [...mine(readRows("diasafety")), ...mine(readRows("dices990"))].map((r) => ({
		text: text(r),
		label: 0 as const,
		source: "replies",
		context: {
			request: String(r.context ?? "")
				.split("\n")
				.at(-1)!
				.replace(/^[AB]: /, ""),
		},
	}));
	const requests = plainRequests(part, 700);
	return {
		refusal: [
			...xstestCompletions(part),
			// jbb's "not jailbroken" is an LLM judge's "not harmful", which also covers harmless compliance:
			// a noisy refusal label, so its rows count JBB_WEIGHT of an xstest row (docs/quality.md).
			...jbb
				.filter((r) => r.response)
				.map((r) => ({ text: String(r.response), label: (r.jailbroken ? 0 : 1) as 0 | 1, source: "jbb", weight: JBB_WEIGHT, context: { request: text(r) } })),
			...sample(replies, 800, 3),
		],
		jailbreak: [
			...mine(readRows("jailbreak_llms_prompts")).map((r) => ({ text: text(r), label: 1 as const, source: "jailbreak_llms" })),
			...mine(readRows("jbb_attack_artifacts"))
				.filter((r) => r.label !== "GCG")
				.map((r) => ({ text: text(r), label: 1 as const, source: "jbb_attacks" })),
			...requests,
			...sample(
				goemotions.map((r) => ({ text: text(r), label: 0 as const, source: "goemotions" })),
				800,
				5,
			),
			...mine(readRows("xstest_prompts")).map((r) => ({ text: text(r), label: 0 as const, source: "xstest" })),
			...mine(readRows("jailbreak_llms_forbidden_questions")).map((r) => ({ text: text(r), label: 0 as const, source: "forbidden_questions" })),
			...moderation.map((r) => ({ text: text(r), label: 0 as const, source: "moderation" })),
			...(part === "tune" ? benignInstructionPrompts().map((t) => ({ text: t, label: 0 as const, source: "own_benign_instructions" })) : []),
		],
		// nsfw covers harmful requests (weapons, fraud, malware, hate) as well as sexual and self-harm content.
		nsfw: [
			...moderation.map((r) => ({ text: text(r), label: (labels(r).includes("none") ? 0 : 1) as 0 | 1, source: "moderation" })),
			...requests,
			...mine(readRows("xstest_prompts")).map((r) => ({ text: text(r), label: (r.label === "unsafe" ? 1 : 0) as 0 | 1, source: "xstest" })),
			...mine(readRows("jailbreak_llms_forbidden_questions")).map((r) => ({ text: text(r), label: 1 as const, source: "forbidden_questions" })),
			...[...new Set(mine(readRows("jbb_attack_artifacts"), (r) => String(r.goal ?? "")).map((r) => String(r.goal)))].map((g) => ({
				text: g,
				label: 1 as const,
				source: "jbb_goals",
			})),
		],
		win: [
			...goemotions.map((r) => ({ text: text(r), label: (labels(r).includes("gratitude") ? 1 : 0) as 0 | 1, source: "goemotions" })),
			...sample(requests, 700, 7),
		],
		user_frustration: [...ussTurns(part), ...sample(requests, 700, 9)],
		user_frustration_anger: [
			...goemotions.map((r) => ({ text: text(r), label: (labels(r).some((l) => FRUSTRATION.has(l)) ? 1 : 0) as 0 | 1, source: "goemotions" })),
			...sample(requests, 700, 9),
		],
	};
}
