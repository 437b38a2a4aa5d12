import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { EmitterName } from "../../test/emitters/emitters";
import type { MappedEvent } from "./genai-spans";
import { readTraceExport } from "./otlp-validate";

/**
 * The real emitters from npm (Vercel AI SDK 6 and 7, OpenInference, Traceloop), each running one user turn
 * with a failing tool in its own process, their export serialized by the official OTLP serializer, mapped
 * here. One turn is one event, whatever the number of model calls in it.
 */
const run = promisify(execFile);
const NAMES: EmitterName[] = ["vercel-ai-6", "vercel-ai-7", "openinference", "traceloop", "traceloop-baggage"];
type Expected = { input: string; output: string; model: string; tool: string; toolError: string | null; properties: Record<string, string> };
const results = new Map<EmitterName, { expect: Expected; events: MappedEvent[]; ignored: number }>();

beforeAll(async () => {
	await Promise.all(
		NAMES.map(async (name) => {
			const { stdout } = await run(
				process.execPath,
				["--import", "tsx", "test/emitters/emit.ts", name, `user_${name}`, `convo_${name}`, "Find Ana in my contacts", "--dump"],
				{
					maxBuffer: 20 * 1024 * 1024,
				},
			);
			const out = JSON.parse(stdout) as { expect: Expected; export: unknown };
			const read = readTraceExport(out.export);
			if (!read.ok) throw new Error(`${name}: ${JSON.stringify(read.errors)}`);
			expect(read.spanProblems).toEqual([]);
			results.set(name, { expect: out.expect, events: read.mapping.events, ignored: read.mapping.ignoredSpans });
		}),
	);
}, 60_000);

describe.each(NAMES)("%s", (name) => {
	it("one turn with two model calls and a failing tool is one event with everything in it", () => {
		const { expect: want, events } = results.get(name)!;
		expect(events).toHaveLength(1);
		const [e] = events as [MappedEvent];
		expect(e).toMatchObject({ user_id: `user_${name}`, convo_id: `convo_${name}`, input: want.input, output: want.output, model: want.model });
		expect(e.properties).toMatchObject(want.properties);
		expect(e.tool_calls).toHaveLength(1);
		expect(e.tool_calls[0]).toMatchObject({ name: want.tool, error: want.toolError });
		expect(e.tool_calls[0]!.input).toBeTruthy();
		expect(e.properties.llm_calls).toBe(2);
		expect(e.properties.input_tokens).toBeGreaterThan(0);
	});
});

it("a tool the app ran itself is read from the messages, with the result it sent back", () => {
	const [e] = results.get("traceloop")!.events as [MappedEvent];
	expect(e.tool_calls[0]).toMatchObject({ name: "lookup_contacts", output: "error: contacts permission denied" });
	const input = e.tool_calls[0]!.input;
	expect(typeof input === "string" ? JSON.parse(input) : input).toEqual({ query: "Ana" });
});
