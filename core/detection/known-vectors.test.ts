import { describe, expect, it } from "vitest";
import { nodeDetector } from "./node-detector";

const detector = await nodeDetector();
const NOW = Date.UTC(2026, 10, 22, 15);

// The consumer hands detection the stored vectors of earlier turns (workers/detect earlier-turn-vectors.ts).
describe("detector: vectors it is given are not encoded again", () => {
	const history = [
		{ role: "user" as const, content: "Can you book the 9am train to Leeds for tomorrow?" },
		{ role: "assistant" as const, content: "Done: the 9:04 to Leeds is booked, seat 42, coach C." },
	];
	// A reaction the frustration model scores from its vectors and those of the turns before it.
	const x = { input: "hmm ok", output: "Sorry! I've moved it to Friday.", history, timestamp: NOW };

	it("asks once for the batch's texts, encodes only those it was not given, and detects the same", async () => {
		const fresh = await detector.detectBatchWithVectors([x]);
		const [reply, request, other] = await detector.embedder.embed([history[1]!.content, history[0]!.content, "What's the weather in Lisbon?"]);
		const encoded: string[] = [];
		const counting = Object.assign(Object.create(Object.getPrototypeOf(detector) as object) as typeof detector, detector, {
			embedder: { ...detector.embedder, embed: (texts: string[]) => (encoded.push(...texts), detector.embedder.embed(texts)) },
		});
		const asked: string[][] = [];
		const given = (replyVector: Float32Array) =>
			counting.detectBatchWithVectors([x], async (texts) => {
				asked.push(texts);
				return new Map([
					[history[1]!.content, replyVector],
					[history[0]!.content, request!],
				]);
			});
		const reused = await given(reply!);
		expect(asked).toHaveLength(1);
		expect(asked[0]).toEqual(expect.arrayContaining([x.input, x.output, history[0]!.content, history[1]!.content]));
		expect(encoded).not.toContain(history[1]!.content);
		expect(encoded).not.toContain(history[0]!.content);
		expect(encoded).toContain(x.input);
		expect(reused.results).toEqual(fresh.results);
		expect(reused.vectors).toEqual(fresh.vectors);
		// The given vector is the one read: another reply's vector changes the frustration score.
		const frustration = (r: Awaited<ReturnType<typeof given>>) => r.results[0]!.find((s) => s.signal === "user_frustration")!.score;
		expect(frustration(await given(other!))).not.toBe(frustration(fresh));
	});
});
