import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { DetectionInput } from "../core/detection/detection-input";
import { nodeDetector } from "../core/detection/node-detector";

const lineSchema = z.object({
	id: z.union([z.string(), z.number()], { error: "is required: a string or a number" }),
	input: z.string().nullish(),
	output: z.string().nullish(),
	history: z.array(z.object({ role: z.enum(["user", "assistant"]), content: z.string() })).optional(),
	tool_calls: z.array(z.object({ name: z.string(), error: z.string().nullish() })).optional(),
	/** When the interaction happened (ISO or epoch ms); wrong_date compares against it. Default: now. */
	timestamp: z.union([z.string(), z.number()]).optional(),
});

/**
 * `barometer detect FILE.jsonl [-o OUT]`: one result line per input line, in order, with every
 * default signal. A line that is not valid gets `{ "id", "error" }` in its place; the exit
 * code is then 1.
 */
export async function detectCommand(args: string[]): Promise<number> {
	const outIndex = args.findIndex((a) => a === "-o" || a === "--out");
	const file = args.find((a, i) => (a === "-" || !a.startsWith("-")) && (outIndex < 0 || i !== outIndex + 1));
	if (!file) {
		console.error("usage: barometer detect FILE.jsonl [-o OUT.jsonl]   (FILE may be - for standard input)");
		return 2;
	}
	const detector = await nodeDetector();
	const out: NodeJS.WritableStream = outIndex >= 0 && args[outIndex + 1] ? createWriteStream(args[outIndex + 1]!) : process.stdout;
	const lines = createInterface({ input: file === "-" ? process.stdin : createReadStream(file), crlfDelay: Infinity });
	let lineNo = 0;
	let failed = 0;
	let buffer = "";
	// Lines are detected in batches: the encoder embeds a batch of texts in one call.
	let pending: ({ id: unknown; x: DetectionInput } | { error: unknown })[] = [];
	const flush = async () => {
		const inputs = pending.filter((p): p is { id: unknown; x: DetectionInput } => "x" in p);
		const detected = await detector.detectBatch(inputs.map((p) => p.x));
		let k = 0;
		for (const p of pending) {
			const result =
				"x" in p ? { id: p.id, signals: detected[k++]!.map((r) => ({ signal: r.signal, score: r.score, detected: r.detected, stage: r.stage })) } : p.error;
			buffer += `${JSON.stringify(result)}\n`;
		}
		pending = [];
		if (buffer.length > 1 << 16) {
			if (!out.write(buffer)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
			buffer = "";
		}
	};
	for await (const line of lines) {
		lineNo++;
		if (!line.trim()) continue;
		try {
			const x = lineSchema.parse(JSON.parse(line));
			const timestamp = x.timestamp === undefined ? undefined : typeof x.timestamp === "number" ? x.timestamp : Date.parse(x.timestamp);
			pending.push({ id: x.id, x: { input: x.input, output: x.output, history: x.history, tool_calls: x.tool_calls, timestamp } });
		} catch (err) {
			failed++;
			const id = (() => {
				try {
					return (JSON.parse(line) as { id?: unknown }).id ?? null;
				} catch {
					return null;
				}
			})();
			const message = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join(".") || "line"}: ${i.message}`).join("; ") : (err as Error).message;
			pending.push({ error: { id, error: `line ${lineNo}: ${message}` } });
			console.error(`barometer detect: line ${lineNo}: ${message}`);
		}
		if (pending.length >= 64) await flush();
	}
	await flush();
	await new Promise<void>((resolve) => out.write(buffer, () => resolve()));
	if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
	return failed > 0 ? 1 : 0;
}
