import type fc from "fast-check";
import { type Answer, pool, send, Tally } from "./soak-client";
import { eventCases, identifyCases, sampleCases, signalCases, stampOf, traceCases, type WriteCase } from "./write-arbitraries";

/**
 * Fuzzes each write endpoint with generated bodies, and sends every accepted body a second time
 * (a client's retry). Answers, per endpoint, what came back and which generated event ids were
 * acknowledged, for the stored-once check after the queue drains.
 */
export interface WriteFuzzResult {
	endpoint: string;
	tally: Tally;
	kinds: Record<string, number>;
	/** Accepted bodies sent again; a retry must be accepted again. */
	retried: number;
	retryNotAccepted: number;
	acknowledgedIds: string[];
}

export const SOAK_USERS = Array.from({ length: 8 }, (_, i) => `soak_u${i}`);

const ENDPOINTS: { path: string; arb: (prefix: string) => fc.Arbitrary<WriteCase> }[] = [
	{ path: "/v1/events", arb: (p) => eventCases(stampOf(`${p}_evt`, SOAK_USERS)) },
	{ path: "/v1/signals", arb: (p) => signalCases(stampOf(`${p}_sig`, SOAK_USERS)) },
	{ path: "/v1/users/identify", arb: (p) => identifyCases(stampOf(`${p}_idn`, SOAK_USERS)) },
	{ path: "/v1/traces", arb: (p) => traceCases(stampOf(`${p}_otl`, SOAK_USERS)) },
];

/** Which of a case's generated ids the answer acknowledged. */
function acknowledged(path: string, c: WriteCase, answer: Answer): string[] {
	if (path === "/v1/traces") {
		const body = answer.body as { partialSuccess?: { rejectedSpans?: number }; barometer?: { events?: number } } | null;
		const whole = answer.status === 200 && !(body?.partialSuccess?.rejectedSpans ?? 0) && body?.barometer?.events === c.ids.length;
		return whole ? c.ids.filter((id): id is string => id !== null) : [];
	}
	if (answer.status === 202) return c.ids.filter((id): id is string => id !== null);
	if (answer.status === 207) {
		const results = (answer.body as { results?: { index: number; status: string }[] } | null)?.results ?? [];
		return results
			.filter((r) => r.status === "accepted")
			.map((r) => c.ids[r.index])
			.filter((id): id is string => typeof id === "string");
	}
	return [];
}

const isAccepted = (path: string, status: number) => (path === "/v1/traces" ? status === 200 : status === 202 || status === 207);

export async function fuzzWrites(
	base: string,
	writeKey: () => string,
	bodies: number,
	runId: string,
	seed: number,
	concurrency = 8,
): Promise<WriteFuzzResult[]> {
	const out: WriteFuzzResult[] = [];
	for (const [e, endpoint] of ENDPOINTS.entries()) {
		const cases = sampleCases(endpoint.arb(runId), bodies, seed + e);
		const tally = new Tally();
		const kinds: Record<string, number> = {};
		const ids = new Set<string>();
		let retried = 0;
		let retryNotAccepted = 0;
		const started = Date.now();
		await pool(cases, concurrency, async (c) => {
			kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
			const headers: Record<string, string> = { authorization: `Bearer ${writeKey()}` };
			if (c.contentType) headers["content-type"] = c.contentType;
			const req = { method: "POST", path: endpoint.path, headers, body: c.body };
			const answer = await send(base, req);
			const describe = () =>
				`POST ${endpoint.path} (${c.kind}) content-type ${c.contentType} body ${typeof c.body === "string" ? JSON.stringify(c.body.slice(0, 400)) : `<${c.body.length} bytes: ${Buffer.from(c.body.slice(0, 40)).toString("hex")}…>`}`;
			tally.record(answer, describe);
			for (const id of acknowledged(endpoint.path, c, answer)) ids.add(id);
			if (isAccepted(endpoint.path, answer.status)) {
				// The client's retry of an acknowledged body: accepted again, and (checked later) stored once.
				retried++;
				const again = await send(base, { ...req, headers: { ...headers, authorization: `Bearer ${writeKey()}` } });
				tally.record(again, () => `retry of ${describe()}`);
				if (!isAccepted(endpoint.path, again.status)) retryNotAccepted++;
			}
		});
		out.push({ endpoint: endpoint.path, tally, kinds, retried, retryNotAccepted, acknowledgedIds: [...ids] });
		console.log(
			`  ${endpoint.path}: ${tally.cases} requests in ${((Date.now() - started) / 1000).toFixed(0)} s; ${tally.histogram()}; 5xx ${tally.fiveXx}, hangs ${tally.hangs}, refused ${tally.refusals}`,
		);
	}
	return out;
}
