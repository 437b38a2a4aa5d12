/**
 * `npx tsx demo/demo-cluster-names.ts`: the names the demo's clusters get.
 *  1. Planted: the demo's requests grouped by the scenario that wrote them, its failures by the
 *     failure mode planted, each group named as one cluster.
 *  2. Pipeline: every event through the detector, each signal's flagged texts and all requests
 *     clustered as the detect worker does (issue-grouping.ts, intent-discovery.ts), then named.
 */
import { nameIntents, nameIssues } from "#core/clustering/cluster-naming";
import { clusterTexts } from "#core/clustering/cluster-texts";
import { requestShape } from "#core/clustering/request-shape";
import { nodeDetector } from "#core/detection/node-detector";
import type { HistoryTurn } from "#core/detection/detection-input";
import { signalVocabulary } from "#core/detection/signal-vocabulary";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { type DemoEvent, generateDemo } from "./demo-traffic";

// The demo answers with the real date (Date.now()), so "now" must be the real one too.
const NOW = Date.now();
const { events, regression } = generateDemo({ now: NOW });
const all = [...events, ...regression];

/** The scenario a request came from, by the words its templates use. */
function plantedIntent(input: string): string {
	if (/flight|Still waiting|Did you find|Any flights|Try again/i.test(input)) return "flight search";
	if (/hotel|room in/i.test(input)) return "hotel booking";
	if (/calendar|meeting|Schedule a call/i.test(input)) return "calendar";
	if (/^(?:Text|Send my|Share my)/.test(input)) return "messaging contacts";
	if (/itinerary/i.test(input)) return "itinerary writing";
	if (/date|day of the week|days until|What day/i.test(input)) return "date questions";
	if (/weather|rain/i.test(input)) return "weather";
	if (/euros/i.test(input)) return "currency";
	if (/[¿¡]|Bitte|Kannst|Wie wird|Finde|Busca/.test(input)) return "other language";
	if (/thank|Perfect|lifesaver|exactly what/i.test(input)) return "thanks";
	return "frustrated follow-up";
}

function groupBy<T>(xs: T[], key: (x: T) => string | undefined): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const x of xs) {
		const k = key(x);
		if (k !== undefined) out.set(k, [...(out.get(k) ?? []), x]);
	}
	return out;
}

console.log("== 1. Planted groups ==\n-- intents (user requests by scenario)");
const intents = [...groupBy(all, (e) => plantedIntent(e.input))].sort((a, b) => b[1].length - a[1].length);
const intentNames = nameIntents(intents.map(([, es]) => ({ texts: es.map((e) => e.input) })));
intents.forEach(([planted, es], i) =>
	console.log(`${planted.padEnd(22)} ${String(es.length).padStart(4)}  →  ${intentNames[i] ?? "(no English request: template name kept)"}`),
);

const failures: [string, string, (e: DemoEvent) => string | undefined][] = [
	["calendar refusals", "refusal", (e) => (/calendar/i.test(e.output) && /can't|not able|don't have access/i.test(e.output) ? e.output : undefined)],
	["English-only refusals", "refusal", (e) => (/English/.test(e.output) ? e.output : undefined)],
	["flight search 504s", "tool_failure", (e) => e.tool_calls.filter((t) => t.error).map((t) => `${t.name}: ${t.error}`)[0]],
	["2024 dates", "wrong_date", (e) => (/2024/.test(e.output) ? e.output : undefined)],
	["lazy itineraries", "laziness", (e) => (/fill in the rest/.test(e.output) ? e.output : undefined)],
	["frustrated follow-ups", "user_frustration", (e) => (plantedIntent(e.input) === "frustrated follow-up" ? e.input : undefined)],
	["waiting on flights", "user_frustration", (e) => (/Still waiting|Did you find|Any flights\?|Try again/.test(e.input) ? e.input : undefined)],
	["asking for own language", "user_frustration", (e) => (/Bitte auf Deutsch|Por favor en español/.test(e.input) ? e.input : undefined)],
];
// The loop: per conversation, the search tool called again and again with errors.
const loops = [...groupBy(all, (e) => e.convo_id)].flatMap(([, es]) => {
	const failed = es.filter((e) => e.tool_calls.some((t) => t.error));
	return failed.length >= 3 ? [`search_flights called ${failed.length}× with ${failed.length} errors`] : [];
});
console.log("\n-- issues (planted failures)");
const bySignal = groupBy(failures, ([, signal]) => signal);
for (const [signal, groups] of bySignal) {
	const clusters = groups.map(([, , pick]) => {
		const hits = all.filter((e) => pick(e) !== undefined);
		return { texts: hits.map((e) => pick(e)!), count: hits.length, firstSeen: Math.min(...hits.map((e) => e.timestamp)) };
	});
	const names = nameIssues(signal, clusters, [], NOW);
	groups.forEach(([label], i) =>
		console.log(
			`${label.padEnd(24)} ${signal.padEnd(17)} ${String(clusters[i]!.count).padStart(4)}  →  ${names[i]!.title}\n${" ".repeat(50)}${names[i]!.description}`,
		),
	);
}
const [loop] = nameIssues("tool_loop", [{ texts: loops, count: loops.length }], [], NOW);
console.log(
	`${"flight search loops".padEnd(24)} ${"tool_loop".padEnd(17)} ${String(loops.length).padStart(4)}  →  ${loop!.title}\n${" ".repeat(50)}${loop!.description}`,
);

console.log("\n== 2. Pipeline: detector → clusterTexts → names ==");
const detector = await nodeDetector();
const encoder = await useLiteEmbedder();
const histories = new Map<string, HistoryTurn[]>();
const flagged = new Map<string, { text: string; timestamp: number }[]>();
const sorted = [...all].sort((a, b) => a.timestamp - b.timestamp);
const results = await detector.detectBatch(
	sorted.map((e) => {
		const history = histories.get(e.convo_id) ?? [];
		histories.set(e.convo_id, [...history, { role: "user", content: e.input }, { role: "assistant", content: e.output, tool_calls: e.tool_calls }]);
		return { input: e.input, output: e.output, history, tool_calls: e.tool_calls, timestamp: e.timestamp };
	}),
);
const NEGATIVE = new Set([
	"user_frustration",
	"refusal",
	"laziness",
	"forgetting",
	"wrong_date",
	"excessive_apology",
	"nsfw",
	"jailbreak",
	"tool_failure",
	"tool_loop",
]);
sorted.forEach((e, i) => {
	for (const r of results[i]!) {
		if (!r.detected || !NEGATIVE.has(r.signal)) continue;
		const f = r.evidence?.field;
		const text = f === "tool_calls" ? r.evidence!.text : f === "input" || f === "history" ? e.input : e.output;
		flagged.set(r.signal, [...(flagged.get(r.signal) ?? []), { text, timestamp: e.timestamp }]);
	}
});
for (const [signal, items] of flagged) {
	// As promoteCandidates: the newest 300, clusters of at least 3.
	const window = items.slice(-300);
	const { assignments, clusters } = await clusterTexts(
		encoder,
		window.map((x) => x.text),
		{ minSize: 3, absorbSmall: false, threshold: 0.25, ignoreWords: signalVocabulary(signal) },
	);
	const kept = clusters.filter((c) => c.size >= 3);
	const named = nameIssues(
		signal,
		kept.map((c) => {
			const members = window.filter((_, i) => assignments[i] === c.id);
			return {
				texts: members.map((m) => m.text),
				central: window[c.central]!.text,
				keywords: c.keywords,
				count: members.length,
				firstSeen: Math.min(...members.map((m) => m.timestamp)),
			};
		}),
		[],
		NOW,
	);
	console.log(`-- ${signal}: ${items.length} flagged, ${kept.length} issues`);
	kept.forEach((c, i) =>
		console.log(`  ${String(c.size).padStart(4)}  ${named[i]!.title.padEnd(52)} e.g. ${JSON.stringify(window[c.central]!.text.slice(0, 70))}`),
	);
}
const inputs = sorted.map((e) => e.input).slice(-500);
const { clusters: found, assignments } = await clusterTexts(encoder, inputs, { minSize: 3, absorbSmall: false, threshold: 0.3, compare: requestShape });
const keptIntents = found.filter((c) => c.size >= 3);
const names = nameIntents(
	keptIntents.map((c) => ({ texts: inputs.filter((_, i) => assignments[i] === c.id), central: inputs[c.central], keywords: c.keywords })),
);
console.log(`-- intents: ${keptIntents.length} from the newest ${inputs.length} requests`);
keptIntents.forEach((c, i) =>
	console.log(
		`  ${String(c.size).padStart(4)}  ${(names[i] ?? `${c.title}  [template]`).padEnd(40)} (clusterTexts title: ${c.title})  e.g. ${JSON.stringify(inputs[c.central])}`,
	),
);
