import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFINITION_MAX_CHARS } from "../core/deep-search/types";

/** The CLI as a user runs it, with the Node that runs the tests (node_modules/.bin may point at another checkout). */
const barometer = (args: string[]) => spawnSync(process.execPath, ["cli/barometer.mjs", "deep-search", ...args], { encoding: "utf8" });

const DECLINED = [
	"Why was my card payment declined?",
	"My card got declined at the supermarket, what happened?",
	"The shop refused my card payment, why?",
	"I tried to pay with my card and it was rejected",
	"Why does my card keep getting declined when I pay online?",
	"Payment with my card didn't go through at the restaurant",
];
const OTHER = [
	"How do I reset my password?",
	"What is the weather like in Paris tomorrow?",
	"Can I change the address on my account?",
	"How long does a bank transfer take?",
	"Tell me a joke about cats",
	"What are your opening hours on Sunday?",
	"How do I order a new card?",
	"Is there a fee for withdrawing cash abroad?",
	"Set an alarm for 7am",
	"Translate good morning into Spanish",
	"I forgot my PIN, what can I do?",
	"Where can I see my monthly statement?",
];

function fixture() {
	const dir = mkdtempSync(join(tmpdir(), "deep-search-"));
	const events = [...DECLINED.map((input, i) => ({ id: `d${i}`, input })), ...OTHER.map((input, i) => ({ id: `o${i}`, input }))];
	// Interleaved, so order in equals order out is a real check.
	events.sort((a, b) => (a.input.length % 7) - (b.input.length % 7) || a.id.localeCompare(b.id));
	const write = (name: string, lines: unknown[]) => {
		const file = join(dir, name);
		writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n"));
		return file;
	};
	return {
		dir,
		events,
		file: write("events.jsonl", events),
		oracle: write(
			"oracle.jsonl",
			events.map((e) => ({ id: e.id, match: e.id.startsWith("d") })),
		),
		examples: write("examples.jsonl", [{ id: "d0", match: true }]),
		write,
	};
}

describe("barometer deep-search", { timeout: 120_000 }, () => {
	it("writes { id, match, score } for every event in order, asks the oracle within the budget, reports the calibration on stderr", () => {
		const f = fixture();
		const result = barometer([
			f.file,
			"--definition",
			"The user asks why their card payment was declined",
			"--examples",
			f.examples,
			"--oracle",
			f.oracle,
			"--budget",
			"6",
		]);
		expect(result.stderr).not.toMatch(/Error/);
		expect(result.status).toBe(0);
		const out = result.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(out.map((o) => o.id)).toEqual(f.events.map((e) => e.id));
		for (const o of out) {
			expect(typeof o.match).toBe("boolean");
			expect(o.score).toBeGreaterThanOrEqual(0);
			expect(o.score).toBeLessThanOrEqual(1);
		}
		// One label from --examples, six asked of the oracle.
		expect(out.filter((o) => o.labelled).length).toBe(7);
		const right = out.filter((o) => o.match === o.id.startsWith("d")).length;
		expect(right).toBeGreaterThanOrEqual(out.length - 2);
		expect(result.stderr).toMatch(/7 labels .*6 asked, 1 from --examples/);
		expect(result.stderr).toMatch(/threshold \d\.\d\d: precision \d\.\d\d \(90% \d\.\d\d-\d\.\d\d\), recall/);
	});

	it("refuses an empty or too long --definition with exit 2, naming --definition", () => {
		const f = fixture();
		for (const definition of ["  ", "x".repeat(DEFINITION_MAX_CHARS + 1)]) {
			const result = barometer([f.file, "--definition", definition, "--oracle", f.oracle]);
			expect(result.status).toBe(2);
			expect(result.stderr).toMatch(/--definition must be 1 to 2000 characters/);
		}
	});

	it("names the line and the field of a bad event, and exits 1", () => {
		const f = fixture();
		const file = f.write("bad.jsonl", [{ id: "a", input: "hello" }, { input: "no id" }]);
		const result = barometer([file, "--definition", "greetings"]);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/EVENTS line 2: id: is required: a string or a number/);
		const labels = f.write("bad-oracle.jsonl", [{ id: "a", match: "yes" }]);
		expect(barometer([f.file, "--definition", "greetings", "--oracle", labels]).stderr).toMatch(/--oracle line 1: match: is required: true or false/);
	});

	it("says so when there are no events", () => {
		const f = fixture();
		const result = barometer([f.write("empty.jsonl", []), "--definition", "greetings"]);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/no events in .*empty\.jsonl/);
	});
});
