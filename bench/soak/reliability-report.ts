import type { BurstResult } from "./burst";
import type { FaultRounds } from "./fault-rounds";
import type { KillRound } from "./kill-restart";
import type { ReadFuzzResult } from "./read-fuzz";
import type { Tally } from "./soak-client";
import type { StoredCheck } from "./stored-once";
import type { MatrixResult } from "./tenant-matrix";

/** What one soak run measured; rendered into docs/reliability.md. */
export interface SoakReport {
	started: string;
	finished?: string;
	quick: boolean;
	config: Record<string, number>;
	writes: { endpoint: string; tally: Tally; kinds: Record<string, number>; retried: number; retryNotAccepted: number; acknowledged: number }[];
	writeStored: (StoredCheck & { drainMs: number }) | null;
	reads: ReadFuzzResult[];
	matrix: MatrixResult | null;
	fault: FaultRounds | null;
	kills: KillRound[];
	burst: BurstResult | null;
	notes: string[];
	/** Refusals by status, code and Retry-After, over the whole run. */
	refusals: Record<string, number>;
}

const n = (x: number) => x.toLocaleString("en-US");
const held = (ok: boolean) => (ok ? "held" : "**FAILED**");
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function failuresOf(label: string, tally: Tally): string[] {
	return tally.examples.map((e) => `- ${label}: ${e.replace(/\n/g, " ")}`);
}

export function renderReport(r: SoakReport): string {
	const out: string[] = [];
	const findings: string[] = [];
	out.push(
		"# Reliability",
		"",
		"What Barometer promises, and what `npm run soak` measured against a real local instance (`npm start` on its own",
		"state directory and port). The invariants: bad input gets a clear 4xx in the one error shape naming the field,",
		"never a 5xx or a hang, and costs nothing valid; a retried or duplicated message is counted once; nothing",
		"acknowledged (202) is dropped, even when the process is killed. `npm run soak` regenerates this file.",
		"",
		"```sh",
		"npm run soak              # the full soak (about an hour on two cores)",
		"npm run soak -- --quick   # 300 bodies per endpoint, 100 queries per route, 3 fault rounds",
		"SOAK_BODIES=2000 SOAK_QUERIES=200 npm run soak   # any count can be set; SOAK_ONLY=writes,reads,... runs some parts",
		"```",
		"",
		"Run it on a checkout nobody is editing (or a copy: `git archive HEAD | tar -x -C DIR`, plus a `node_modules`",
		"link): `wrangler dev` rebuilds and restarts the workers on every source change, and its proxy answers the POSTs in",
		"flight with a plain-text `503 Your worker restarted mid-request` or drops them, which the soak rightly counts as failures.",
		"",
		`Run: ${r.started} to ${r.finished ?? "?"}${r.quick ? " (quick mode)" : ""}. Counts: ${Object.entries(r.config)
			.map(([k, v]) => `${k} ${n(v)}`)
			.join(", ")}.`,
		"429 answers (rate limits) and 503 with Retry-After are refusals, waited out and retried as a client must; they are",
		"counted apart and are not failures. A hang is a request unanswered after 30 s.",
		"",
	);

	if (r.writes.length) {
		out.push(
			"## Write endpoints: generated bodies (fast-check)",
			"",
			"Valid bodies follow `core/ingest-schemas.ts`; mutated ones change one or two fields to a wrong type, `null`, an",
			"empty or 50,000-120,000-character string, nesting 600 levels deep, lone surrogates, RTL and NUL characters, extra",
			"fields, out-of-range numbers and dates; junk is non-JSON, empty, JSON of the wrong shape, random bytes, wrong",
			"content types, 101 items, a 1.1 MB body. `/v1/traces` also gets random bytes as `application/x-protobuf`.",
			"Every accepted body is sent a second time (a client's retry). Concurrency 8.",
			"",
			"| endpoint | bodies (valid / mutated / junk) | requests incl. retries | statuses | 5xx or no answer | hangs | 4xx without the error shape | refused, then retried |",
			"|---|---|---|---|---|---|---|---|",
		);
		for (const w of r.writes) {
			out.push(
				`| \`POST ${w.endpoint}\` | ${n(sum(Object.values(w.kinds)))} (${n(w.kinds.valid ?? 0)} / ${n(w.kinds.mutated ?? 0)} / ${n(w.kinds.junk ?? 0)}) | ${n(w.tally.cases)} | ${w.tally.histogram()} | ${w.tally.fiveXx + w.tally.networkErrors} | ${w.tally.hangs} | ${w.tally.badErrorShape} | ${w.tally.refusals} |`,
			);
			findings.push(...failuresOf(`POST ${w.endpoint}`, w.tally));
			if (w.retryNotAccepted) findings.push(`- POST ${w.endpoint}: ${w.retryNotAccepted} retries of an accepted body were not accepted again`);
		}
		const ok = r.writes.every((w) => w.tally.fiveXx === 0 && w.tally.hangs === 0 && w.tally.networkErrors === 0);
		out.push(
			"",
			`No 5xx, no hang: ${held(ok)}. Retries of accepted bodies accepted again: ${n(sum(r.writes.map((w) => w.retried - w.retryNotAccepted)))} of ${n(sum(r.writes.map((w) => w.retried)))}.`,
		);
		if (r.writeStored) {
			const s = r.writeStored;
			out.push(
				"",
				`Stored exactly once (events from \`/v1/events\` and spans from \`/v1/traces\` the answers acknowledged, each sent twice, read back`,
				`through \`GET /api/events\` per user and by id): ${n(s.found)} of ${n(s.expected)} found, lost ${s.lost.length}, duplicated ${s.duplicated.length}`,
				`(${held(s.lost.length === 0 && s.duplicated.length === 0)}; readable ${(s.drainMs / 1000).toFixed(0)} s after the last send). Signals and identify calls are checked for`,
				"their answers only: their stored form is not listed by id through the read API.",
			);
			if (s.lost.length) findings.push(`- acknowledged and never stored (${s.lost.length}): ${s.lost.slice(0, 10).join(", ")}`);
			if (s.duplicated.length) findings.push(`- stored twice (${s.duplicated.length}): ${s.duplicated.slice(0, 10).join(", ")}`);
		}
		out.push("");
	}

	if (r.reads.length) {
		out.push(
			"## Read routes: generated query strings",
			"",
			"Per route, known and unknown parameters with edge values: dates huge, negative, `NaN`, out of JavaScript's range,",
			"impossible calendar dates; limits out of range; cursors of garbage, base64 junk and forged JSON; `q` long and full",
			"of `%`, `_`, quotes, regex and FTS syntax; ids; repeated and malformed parameters (`%`, `%E0%A4%A`, 5,000-character cursor).",
			"",
			"| route | queries | statuses | 5xx or no answer | hangs | 4xx without the error shape | slowest |",
			"|---|---|---|---|---|---|---|",
		);
		for (const q of r.reads) {
			out.push(
				`| \`GET ${q.route}\` | ${n(q.tally.cases)} | ${q.tally.histogram()} | ${q.tally.fiveXx + q.tally.networkErrors} | ${q.tally.hangs} | ${q.tally.badErrorShape} | ${(q.tally.maxMs / 1000).toFixed(1)} s |`,
			);
			findings.push(...failuresOf(`GET ${q.route}`, q.tally));
		}
		const ok = r.reads.every((q) => q.tally.fiveXx === 0 && q.tally.hangs === 0 && q.tally.networkErrors === 0);
		out.push("", `${n(sum(r.reads.map((q) => q.tally.cases)))} queries on ${r.reads.length} routes. No 5xx, no hang: ${held(ok)}.`, "");
	}

	if (r.matrix) {
		const m = r.matrix;
		out.push(
			"## Tenant matrix",
			"",
			"Every route (ingest and API, each method) with: no key; a malformed header (`Basic`, two tokens, empty `Bearer`);",
			"an unknown key; a revoked key of the route's kind; each key kind the route refuses (write keys on reads, read keys",
			"on writes and settings, admin keys on ingest); another project's key of the route's kind asking for this project's",
			"ids. Expected 401 / 403 / 404; another project's key on its own lists may answer 2xx but must hold none of this",
			"project's ids or users. Each request names its own client address, so the failed-authentication limit",
			"(20 per minute per address) does not turn answers into 429s.",
			"",
			`| cells | statuses | violations | refused (429) |`,
			"|---|---|---|---|",
			`| ${m.cells.length} | ${[...m.statuses.entries()]
				.sort((a, b) => a[0] - b[0])
				.map(([s, c]) => `${s}: ${c}`)
				.join(", ")} | ${m.violations.length} | ${m.refusals} |`,
			"",
			`Never 2xx to a missing, malformed, unknown, revoked or wrong-kind key, never another project's data, never 5xx: ${held(m.violations.length === 0)}.`,
			"",
		);
		for (const v of m.violations.slice(0, 20)) findings.push(`- tenant matrix: ${v.route} with ${v.credential}: ${v.why}`);
	}

	if (r.fault) {
		const f = r.fault;
		out.push(
			"## Fault injection in the detect consumer",
			"",
			"`workers/detect/test/fault-injection.test.ts`, inside workerd on the real migrations, with redelivery done as the",
			"queue does it (what was not acked comes back with one more attempt; a consumer that throws or times out gets its",
			`whole batch back). ${n(f.rounds)} rounds of each case, 12 events per batch (each with a tool call and text that`,
			"triggers detections). After the last redelivery: every event stored once, one tool call per event, no detection",
			"or intent twice, one active-user day per user (lost = 0, double = 0).",
			"",
			"| case | result |",
			"|---|---|",
			...f.tests.map(
				(t) =>
					`| ${t
						.replace(/^.*?fault injection: /, "")
						.replace(/\|/g, "\\|")
						.replace(/\s+\d+ms$/, "")} | ${t.startsWith("✓") ? "held" : "**FAILED**"} |`,
			),
			"",
			`${f.passed} passed, ${f.failed} failed, ${f.seconds} s. ${held(f.failed === 0 && f.passed > 0)}.`,
			"",
			"The timeout cases stand in for the queue runtime's limit on a consumer (there is no deadline inside the consumer",
			"itself): the simulation gives up after 2 s and redelivers. An encoder fault is injected at load time (its",
			"assets binding failing); a fault inside `embed()` once the encoder is loaded cannot be injected without a seam in",
			"`consume-batch.ts`, which calls `sentenceEncoder(env)` itself (passing the encoder in, as `issuePorts` does for",
			"grouping, would be that seam).",
			"",
		);
		if (f.failed) findings.push(`- fault injection: ${f.failed} failed; output tail:\n\n\`\`\`\n${f.output.slice(-2500)}\n\`\`\``);
	}

	if (r.burst) {
		const b = r.burst;
		out.push(
			"## Burst: ten times the sustained rate",
			"",
			"The sustained ingest rate is measured first (batches of 100 events, four clients in a closed loop); then requests",
			"of 100 events are fired open-loop at ten times that rate, without waiting for answers. Refusals are counted and",
			"not retried; acknowledged events are read back once the queue drains.",
			"",
			"| sustained | burst offered | burst requests | acknowledged events | refused requests | 5xx | hangs | statuses | slowest answer | lost | duplicated | drained after |",
			"|---|---|---|---|---|---|---|---|---|---|---|---|",
			`| ${n(b.sustainedEventsPerSecond)} events/s | ${n(b.offeredEventsPerSecond)} events/s for ${(b.burstEvents / Math.max(1, b.offeredEventsPerSecond)).toFixed(0)} s (${n(b.burstEvents)} events) | ${n(b.burstRequests)} | ${n(b.acknowledged)} | ${n(b.refused)} | ${b.fiveXx} | ${b.hangs} | ${Object.entries(
				b.otherStatuses,
			)
				.map(([s, c]) => `${s}: ${c}`)
				.join(", ")} | ${(b.maxLatencyMs / 1000).toFixed(1)} s | ${b.lost.length} | ${b.duplicated.length} | ${(b.drainMs / 1000).toFixed(0)} s |`,
			"",
			`Nothing acknowledged lost, no 5xx, no hang: ${held(b.lost.length === 0 && b.duplicated.length === 0 && b.fiveXx === 0 && b.hangs === 0)}.`,
			"",
		);
		if (b.lost.length) findings.push(`- burst: ${b.lost.length} acknowledged events never stored, e.g. ${b.lost.slice(0, 5).join(", ")}`);
		if (b.fiveXx || b.hangs)
			findings.push(
				`- burst: ${b.fiveXx} requests answered 5xx or not at all, ${b.hangs} hung; statuses ${JSON.stringify(b.otherStatuses)}. First ones:`,
				...b.examples.map((e) => `  - ${e}`),
			);
		if (b.acknowledged === 0) findings.push("- burst: not one request of the burst was acknowledged (every one refused or failed)");
	}

	if (r.kills.length) {
		out.push(
			"## Kill and restart",
			"",
			"Events in batches of 5 at concurrency 8; at a random point between 20% and 80% of the load the whole process group",
			"(start.mjs, wrangler, workerd) gets SIGKILL; `npm start` again on the same state and port. Every event answered",
			"202 must be stored exactly once; unanswered ones may or may not be.",
			"",
			"| round | events sent | answered 202 | unanswered | killed after | restart took | lost | duplicated | all stored after |",
			"|---|---|---|---|---|---|---|---|---|",
			...r.kills.map(
				(k, i) =>
					`| ${i + 1} | ${n(k.sent)} | ${n(k.acknowledged)} | ${n(k.unanswered)} | ${(k.killedAfterMs / 1000).toFixed(1)} s | ${(k.restartMs / 1000).toFixed(0)} s | ${k.lost.length} | ${k.duplicated.length} | ${(k.drainMs / 1000).toFixed(0)} s |`,
			),
			"",
			`${held(r.kills.every((k) => k.lost.length === 0 && k.duplicated.length === 0))}.`,
			"",
		);
		for (const [i, k] of r.kills.entries())
			if (k.lost.length) findings.push(`- kill round ${i + 1}: ${k.lost.length} acknowledged events lost, e.g. ${k.lost.slice(0, 5).join(", ")}`);
	}

	const refusals = Object.entries(r.refusals);
	if (refusals.length)
		out.push(
			"## Refusals seen",
			"",
			"Answers that told the client to come back later (counted over the whole run, each waited out before a retry, except in the burst):",
			"",
			...refusals.map(([k, c]) => `- ${k}: ${n(c)}`),
			"",
		);
	out.push("## Failures found", "");
	out.push(...(findings.length ? findings : ["None: every invariant above held in this run."]));
	if (r.notes.length) out.push("", "## Notes", "", ...r.notes.map((x) => `- ${x}`));
	return `${out.join("\n")}\n`;
}
