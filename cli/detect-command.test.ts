import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OFF_TOPIC, SUPPORT_REQUESTS } from "../core/clustering/support-requests.fixture";
import { IMPLICIT_SIGNAL_NAMES } from "../core/detection/signal-catalog";

const bin = "node_modules/.bin/barometer";

describe("barometer detect", { timeout: 60_000 }, () => {
	it("writes one line per input line, in order, listing every default signal", () => {
		const dir = mkdtempSync(join(tmpdir(), "cli-"));
		const file = join(dir, "in.jsonl");
		const lines = [
			{ id: "a", input: "Export my contacts", output: "I'm sorry, but I can't access your contacts." },
			{ id: 2, input: "thank you, that worked!" },
			{ id: "c", input: "Is there a cheaper one?", output: "What's your budget?", history: [{ role: "user", content: "Flights to Rome, my budget is $300" }] },
		];
		writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n"));
		const out = execFileSync(bin, ["detect", file], { encoding: "utf8" })
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(out.map((o) => o.id)).toEqual(["a", 2, "c"]);
		for (const o of out) expect(o.signals.map((s: { signal: string }) => s.signal)).toEqual(IMPLICIT_SIGNAL_NAMES);
		const on = (o: { signals: { signal: string; detected: boolean; stage: string }[] }) =>
			o.signals.filter((s) => s.detected).map((s) => `${s.signal}/${s.stage}`);
		expect(on(out[0])).toEqual(["refusal/rules"]);
		expect(on(out[1])).toEqual(["win/rules"]);
		expect(on(out[2])).toEqual(["forgetting/context"]);
	});

	it("answers a bad line with an error line in its place and exits 1", () => {
		const result = spawnSync(bin, ["detect", "-"], { input: '{"id":"ok","input":"hi"}\nnot json\n{"input":"no id"}\n', encoding: "utf8" });
		expect(result.status).toBe(1);
		const out = result.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(out.map((o) => o.id)).toEqual(["ok", null, null]);
		expect(out[1].error).toMatch(/^line 2: /);
		expect(out[2].error).toBe("line 3: id: is required: a string or a number");
	});
});

describe("barometer cluster", { timeout: 60_000 }, () => {
	it("writes { id, cluster, title } per line in order, with an error line for a bad one", () => {
		const lines = [
			...["I want a refund", "refund my order please", "how do I get a refund", "give me a refund now"].map((input, i) => ({ id: `r${i}`, input })),
			...["reset my password", "forgot my password", "password reset not working", "change my password"].map((input, i) => ({ id: `p${i}`, input })),
		];
		const input = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n{"input":"no id"}\n`;
		const result = spawnSync(bin, ["cluster", "-"], { input, encoding: "utf8" });
		expect(result.status).toBe(1);
		const out = result.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(out.map((o) => o.id)).toEqual([...lines.map((l) => l.id), null]);
		const refund = new Set(out.slice(0, 4).map((o) => o.cluster));
		const password = new Set(out.slice(4, 8).map((o) => o.cluster));
		expect(refund.size).toBe(1);
		expect(password.size).toBe(1);
		expect([...refund][0]).not.toBe([...password][0]);
		expect(out[0].title).toMatch(/refund/);
		expect(out[8].error).toMatch(/^line 9: id/);
	});

	it("marks a line like no other as an outlier: cluster -1, titled unclustered", () => {
		const texts = [...Object.values(SUPPORT_REQUESTS).flat(), ...OFF_TOPIC];
		const input = texts.map((text, i) => JSON.stringify({ id: i, input: text })).join("\n");
		const result = spawnSync(bin, ["cluster", "-"], { input, encoding: "utf8" });
		expect(result.status).toBe(0);
		const out = result.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(out.slice(48)).toEqual([48, 49, 50].map((id) => ({ id, cluster: -1, title: "unclustered" })));
		expect(result.stderr).toMatch(/outliers/);
	});
});
