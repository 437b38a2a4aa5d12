import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it, vi } from "vitest";
import type { EmitterName } from "../test/emitters/emitters";

/**
 * The real emitters from npm, each in its own process as an app would run it, exporting through the
 * official OTLP/HTTP exporter and batch processor to `npm start`; what is stored is read back through the API.
 */
const BASE = inject("e2eBaseUrl");
const WRITE = "bm_write_localdev00000000000000000000";
const READ = "bm_read_localdev000000000000000000000";
const run = promisify(execFile);

interface Stored {
	event_id: string;
	user_id: string;
	convo_id: string;
	model: string;
	input: string;
	output: string;
	properties: Record<string, unknown>;
	tool_calls: { name: string; input: string | null; error: string | null }[];
	detections: { signal: string }[];
}

type Expected = { input: string; output: string; model: string; tool: string; toolError: string | null; properties: Record<string, string> };

const read = async <T>(path: string): Promise<T> => {
	const res = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${READ}` } });
	expect(res.status).toBe(200);
	return (await res.json()) as T;
};

describe("OpenTelemetry emitters against the running system", () => {
	const cases: [EmitterName, boolean, boolean][] = [
		["vercel-ai-6", false, false],
		["vercel-ai-7", true, false],
		["openinference", false, true],
		["traceloop", true, true],
		["traceloop-baggage", false, false],
	];
	it.each(cases)(
		"%s (protobuf: %s, gzip: %s): one stored event per turn, with input, output, model, the failing tool, user, conversation and properties",
		async (name, protobuf, gzip) => {
			const user = `e2e_otel_${name}`;
			const convo = `e2e_convo_${name}`;
			const args = ["--import", "tsx", "test/emitters/emit.ts", name, user, convo, "Find Ana in my contacts", "--url", BASE, "--key", WRITE];
			const { stdout } = await run(process.execPath, [...args, ...(protobuf ? ["--protobuf"] : []), ...(gzip ? ["--gzip"] : [])]);
			const want = (JSON.parse(stdout) as { expect: Expected }).expect;
			const list = await vi.waitFor(
				async () => {
					const body = await read<{ data: { event_id: string }[] }>(`/api/events?user_id=${user}&limit=10`);
					expect(body.data.length).toBeGreaterThan(0);
					return body.data;
				},
				{ timeout: 15_000, interval: 250 },
			);
			const { data: event } = await read<{ data: Stored }>(`/api/events/${list[0]!.event_id}`);
			expect(event).toMatchObject({ user_id: user, convo_id: convo, input: want.input, output: want.output, model: want.model });
			expect(event.properties).toMatchObject(want.properties);
			expect(event.tool_calls).toEqual([expect.objectContaining({ name: want.tool, error: want.toolError })]);
			expect(event.tool_calls[0]!.input).toMatch(/Ana|Lisbon/);
			if (want.output.includes("can't access")) expect(event.detections.map((d) => d.signal)).toContain("refusal");
			// One turn, one event: the second model call (which re-sends the prompt) is not a second event.
			const again = await read<{ data: unknown[] }>(`/api/events?user_id=${user}&limit=10`);
			expect(again.data).toHaveLength(1);
		},
	);
});
