/**
 * HTTP for the soak: every request has a deadline (a request past it is a hang), 429 and 503 with
 * Retry-After are "refused, retry after" (waited out and sent again, counted apart, never failures),
 * and each answer is kept with its parsed body so a check can look at `error.code` and `details`.
 */

/** A request still unanswered after this long is a hang. */
export const HANG_MS = 30_000;

export interface Answer {
	status: number;
	/** Parsed JSON, or null when the body was not JSON. */
	body: unknown;
	text: string;
	ms: number;
	/** 0 when the request hung or the connection failed. */
	hung: boolean;
	/** The network error, when there was no answer at all. */
	networkError?: string;
	/** 429/503 answers that were waited out before this one. */
	refused: number;
	retryAfter: string | null;
}

export interface SoakRequest {
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: string | Uint8Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * "Come back later" from Barometer: a 429, or a 503 in the one error shape with Retry-After. wrangler dev's
 * proxy answers a plain-text 503 with `Retry-After: 0` when workerd died under the request ("Your worker
 * restarted mid-request"): that is a crash, a failure, not a refusal.
 */
export function isRefusalAnswer(answer: Answer): boolean {
	if (answer.status === 429) return true;
	return answer.status === 503 && answer.retryAfter !== null && typeof (answer.body as { error?: { code?: unknown } } | null)?.error?.code === "string";
}

/** One request, without retries. */
export async function sendOnce(base: string, req: SoakRequest): Promise<Answer> {
	const started = performance.now();
	try {
		const res = await fetch(base + req.path, {
			method: req.method,
			headers: req.headers,
			body: req.body as BodyInit | undefined,
			signal: AbortSignal.timeout(HANG_MS),
		});
		const text = await res.text();
		let body: unknown = null;
		try {
			body = JSON.parse(text);
		} catch {
			body = null;
		}
		return { status: res.status, body, text, ms: performance.now() - started, hung: false, refused: 0, retryAfter: res.headers.get("retry-after") };
	} catch (err) {
		const e = err as Error;
		const hung = e.name === "TimeoutError" || e.name === "AbortError";
		return {
			status: 0,
			body: null,
			text: "",
			ms: performance.now() - started,
			hung,
			networkError: hung ? undefined : `${e.name}: ${e.message} ${(e as { cause?: Error }).cause?.message ?? ""}`,
			refused: 0,
			retryAfter: null,
		};
	}
}

/**
 * Sends, and while the answer is a refusal (429, or 503 with Retry-After) waits as told and sends
 * again, up to `maxRefusals` times. The last answer is returned with the count of refusals.
 */
export async function send(base: string, req: SoakRequest, maxRefusals = 20): Promise<Answer> {
	let refused = 0;
	for (;;) {
		const answer = await sendOnce(base, req);
		const isRefusal = isRefusalAnswer(answer);
		if (!isRefusal || refused >= maxRefusals) return { ...answer, refused };
		refused++;
		noteRefusal(answer);
		const seconds = Number(answer.retryAfter);
		await sleep((Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 120) : 1) * 1000 + Math.random() * 250);
	}
}

/** What refusals said, by status and code (e.g. "503 queue_unavailable, Retry-After 5"): reported with the counts. */
export const refusalsSeen = new Map<string, number>();

export function noteRefusal(answer: Answer): void {
	const code = (answer.body as { error?: { code?: string } } | null)?.error?.code ?? "?";
	const key = `${answer.status} ${code}, Retry-After ${answer.retryAfter}`;
	refusalsSeen.set(key, (refusalsSeen.get(key) ?? 0) + 1);
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const out = new Array<R>(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await work(items[i]!, i);
			}
		}),
	);
	return out;
}

/** Round-robin over several keys of one kind: the per-key rate limit is not what the soak measures. */
export function rotation(keys: string[]): () => string {
	let i = 0;
	return () => keys[i++ % keys.length]!;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const jsonHeaders = (key: string) => ({ ...bearer(key), "content-type": "application/json" });

/** Error codes of validation, whose details must name the field or parameter. */
const FIELD_ERRORS = new Set(["invalid_body", "invalid_batch", "invalid_query", "invalid_otlp"]);

/** The one error shape: `{ error: { code, message, details? } }`; for 400s with details, each names a field. */
export function errorShapeProblem(answer: Answer): string | null {
	const error = (answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
	if (!error) return "no error object";
	if (typeof error.code !== "string" || error.code === "") return "no error.code";
	if (typeof error.message !== "string" || error.message === "") return "no error.message";
	if (error.details !== undefined) {
		if (!Array.isArray(error.details)) return "details is not a list";
		if (error.details.some((d) => typeof (d as { field?: unknown })?.field !== "string" || typeof (d as { message?: unknown })?.message !== "string"))
			return "a detail without field or message";
	}
	// A validation error must name what was wrong; invalid JSON has no field to name.
	if (FIELD_ERRORS.has(error.code) && !(Array.isArray(error.details) && error.details.length > 0)) return `${error.code} without details naming a field`;
	return null;
}

/** Per endpoint or route: what came back. */
export class Tally {
	readonly statuses = new Map<number, number>();
	cases = 0;
	fiveXx = 0;
	hangs = 0;
	networkErrors = 0;
	refusals = 0;
	badErrorShape = 0;
	maxMs = 0;
	readonly examples: string[] = [];

	record(answer: Answer, describe: () => string): void {
		this.cases++;
		this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
		this.refusals += answer.refused;
		this.maxMs = Math.max(this.maxMs, answer.ms);
		const failure = answer.hung
			? "hang"
			: answer.networkError
				? `no answer (${answer.networkError})`
				: answer.status >= 500 && !isRefusalAnswer(answer)
					? `${answer.status}`
					: null;
		if (answer.hung) this.hangs++;
		else if (answer.networkError) this.networkErrors++;
		else if (answer.status >= 500 && !isRefusalAnswer(answer)) this.fiveXx++;
		let shape: string | null = null;
		if (!failure && answer.status >= 400) shape = errorShapeProblem(answer);
		if (shape) this.badErrorShape++;
		if ((failure || shape) && this.examples.length < 5)
			this.examples.push(`${failure ?? `error shape: ${shape}`}: ${describe()} -> ${answer.status} ${answer.text.slice(0, 300)}`);
	}

	histogram(): string {
		return [...this.statuses.entries()]
			.sort((a, b) => a[0] - b[0])
			.map(([s, n]) => `${s}: ${n}`)
			.join(", ");
	}
}
