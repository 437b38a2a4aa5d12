/**
 * The longest time the maintenance pass's clustering keeps the event loop to itself (issue 21:
 * the pass blocked the process ~1.5 s a minute). A timer probe records the largest gap between
 * its ticks while clusterTexts groups a window of waiting requests with the real sentence
 * encoder, as promoteIntentCandidates (500) and promoteCandidates (300) do. Run:
 * `npx tsx bench/maintenance-blocks.ts [sizes…]`.
 *
 * Measured on a shared 2-core machine under load (load average ~9), texts: longest block / total:
 * before (one piece: awaits on resolved promises never gave the loop a turn) 300: 5,117 / 5,116 ms,
 * 500: 3,121 / 3,121 ms; after (a turn of the loop between encoder runs and every 10,000 pairs of
 * the similarity matrix) 300: 775 / 5,898 ms, 500: 392 / 3,027 ms. What remains is one encoder
 * run of up to 32 texts (360-430 ms measured alone on the same loaded machine).
 */
import { clusterTexts, DEFAULT_THRESHOLD } from "#core/clustering/cluster-texts";
import { requestShape } from "#core/clustering/request-shape";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";

const WHO = ["my sister", "our team", "my parents", "a client", "my kids", "the whole office", "my partner", "two colleagues", "my grandmother", "our band"];
const WHAT = [
	(w: string, x: string) => `find a cheap flight for ${w} to see the ${x}`,
	(w: string, x: string) => `book a quiet hotel for ${w} near the ${x}`,
	(w: string, x: string) => `what will the weather be like for ${w} at the ${x}`,
	(w: string, x: string) => `cancel the ${x} subscription that ${w} signed up for`,
	(w: string, x: string) => `recommend somewhere to eat for ${w} close to the ${x}`,
	(w: string, x: string) => `write a short thank-you note from ${w} about the ${x}`,
	(w: string, x: string) => `how do I reset the password ${w} uses for the ${x}`,
	(w: string, x: string) => `summarise the latest news ${w} should know about the ${x}`,
];
const THINGS = [
	"museum",
	"harbour",
	"stadium",
	"old town",
	"conference",
	"cathedral",
	"market",
	"zoo",
	"festival",
	"lake",
	"castle",
	"opera",
	"beach",
	"university",
	"gallery",
];

/** Distinct requests of a few kinds, as a project's waiting inputs look (their shapes differ too). */
export function requests(n: number): string[] {
	return Array.from({ length: n }, (_, k) =>
		WHAT[k % WHAT.length]!(WHO[Math.floor(k / WHAT.length) % WHO.length]!, THINGS[Math.floor(k / (WHAT.length * WHO.length)) % THINGS.length]!),
	);
}

/** Runs `work` while a 0 ms timer measures the longest stretch the loop was not free. */
export async function longestBlock(work: () => Promise<unknown>): Promise<{ totalMs: number; longestMs: number }> {
	let longest = 0;
	let last = performance.now();
	let running = true;
	const tick = () => {
		const now = performance.now();
		longest = Math.max(longest, now - last);
		last = now;
		if (running) setTimeout(tick, 0);
	};
	setTimeout(tick, 0);
	const start = performance.now();
	await work();
	const totalMs = performance.now() - start;
	running = false;
	longest = Math.max(longest, performance.now() - last);
	return { totalMs: Math.round(totalMs), longestMs: Math.round(longest) };
}

async function main() {
	const sizes = process.argv
		.slice(2)
		.map(Number)
		.filter((n) => n > 0);
	const encoder = await useLiteEmbedder();
	await encoder.embed(["warm up"]);
	for (const n of sizes.length ? sizes : [300, 500, 1000]) {
		const texts = requests(n);
		// A fresh copy each time: the encoder's cache of recent texts would hide the embedding cost.
		const fresh = await useLiteEmbedder();
		const r = await longestBlock(() => clusterTexts(fresh, texts, { minSize: 3, absorbSmall: false, threshold: DEFAULT_THRESHOLD, compare: requestShape }));
		console.log(JSON.stringify({ texts: n, ...r }));
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
