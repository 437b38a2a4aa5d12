import type { AiEvent, BarometerError, BarometerOptions, PropertyValue, SignalInput, ToolCall } from "./types.js";

type Queued = { list: "events" | "signals"; body: Record<string, unknown> } | { list: "identify"; body: Record<string, unknown> };

const MAX_BATCH = 100;
const KEEPALIVE_LIMIT = 60_000;

/** Browser and runtime globals, typed loosely: the SDK compiles and runs without DOM types. */
const g = globalThis as unknown as {
	window?: unknown;
	document?: { visibilityState?: string };
	addEventListener?: (type: string, listener: () => void) => void;
	crypto?: { randomUUID?: () => string };
};

const newId = (prefix: string) => `${prefix}_${g.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`}`;
const toTime = (t: number | string | Date | undefined) => (t instanceof Date ? t.getTime() : (t ?? Date.now()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Backoff before retry `attempt` (1-based): 500 ms doubling, capped at 30 s, full jitter. */
export function retryDelayMs(attempt: number, random = Math.random): number {
	return Math.round(Math.min(30_000, 500 * 2 ** (attempt - 1)) * random());
}

/**
 * The Barometer client. Every public method is safe to call anywhere: it never throws into the
 * host app; problems go to `onError` (and the console in debug mode).
 */
export class Barometer {
	private readonly opts: Required<Pick<BarometerOptions, "flushAt" | "flushIntervalMs" | "maxQueueSize" | "maxRetries" | "timeoutMs">> & BarometerOptions;
	private queue: Queued[] = [];
	private timer: ReturnType<typeof setTimeout> | undefined;
	private chain: Promise<void> = Promise.resolve();
	private readonly pendingTools = new Map<string, ToolCall[]>();
	private readonly open = new Map<string, Interaction>();
	private closed = false;
	private microtaskFlush = false;
	private readonly browser = g.window !== undefined && g.document !== undefined;

	constructor(options: BarometerOptions) {
		this.opts = { flushAt: 20, flushIntervalMs: 2000, maxQueueSize: 10_000, maxRetries: 5, timeoutMs: 10_000, ...options };
		this.opts.flushAt = Math.max(1, Math.min(MAX_BATCH, this.opts.flushAt));
		if (!options?.writeKey) this.report({ kind: "usage", message: "writeKey is missing: nothing will be sent." });
		if (this.browser) {
			// The page may be going away: send what waits, with keepalive so the browser finishes it.
			const leave = () => void this.flush();
			g.addEventListener?.("pagehide", leave);
			g.addEventListener?.("visibilitychange", () => g.document?.visibilityState === "hidden" && leave());
		}
	}

	/** Records one AI interaction; returns its event id (generated when not given). */
	trackAi(event: AiEvent): string {
		return this.guard(
			"trackAi",
			() => {
				const eventId = event.event_id ?? newId("evt");
				const tools = [...(event.tool_calls ?? []), ...(this.pendingTools.get(eventId) ?? [])];
				this.pendingTools.delete(eventId);
				this.enqueue({ list: "events", body: { ...event, event_id: eventId, timestamp: toTime(event.timestamp), tool_calls: tools } });
				return eventId;
			},
			event?.event_id ?? "",
		);
	}

	/**
	 * Starts a streamed interaction: update it as chunks arrive, then `finish()` sends it once,
	 * under one event id, with its duration.
	 */
	begin(event: Omit<AiEvent, "output"> & { output?: string }): Interaction {
		const interaction = new Interaction(this, { ...event, event_id: event?.event_id ?? newId("evt"), timestamp: toTime(event?.timestamp) });
		this.open.set(interaction.eventId, interaction);
		return interaction;
	}

	/** Explicit feedback on an event: thumbs_up, thumbs_down, regenerate, copy, share, edit, code_error, or your own. */
	trackSignal(signal: SignalInput): void {
		this.guard(
			"trackSignal",
			() => {
				if (!signal?.event_id || !signal.signal) throw new Error("trackSignal needs event_id and signal");
				this.enqueue({ list: "signals", body: { ...signal, signal_id: signal.signal_id ?? newId("sig"), timestamp: toTime(signal.timestamp) } });
			},
			undefined,
		);
	}

	/** A tool call of an event: attached to it if it is open or not sent yet, else to the next event tracked with that id. */
	trackTool(eventId: string, tool: ToolCall): void {
		this.guard(
			"trackTool",
			() => {
				const open = this.open.get(eventId);
				if (open) return void open.trackTool(tool);
				const queued = this.queue.find((q) => q.list === "events" && q.body.event_id === eventId);
				if (queued) return void (queued.body.tool_calls as ToolCall[]).push(tool);
				this.pendingTools.set(eventId, [...(this.pendingTools.get(eventId) ?? []), tool]);
			},
			undefined,
		);
	}

	/** Traits of a user (plan, company, …); null removes one. */
	identify(userId: string, traits: Record<string, PropertyValue | null>): void {
		this.guard("identify", () => this.enqueue({ list: "identify", body: { user_id: userId, traits, timestamp: Date.now() } }), undefined);
	}

	/** Sends everything waiting now; resolves when it is sent (or given up on). Never rejects. */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const batch = this.queue.splice(0);
		if (batch.length === 0) return this.chain;
		this.chain = this.chain.then(() => this.send(batch)).catch((err) => this.report({ kind: "network", message: String(err) }));
		return this.chain;
	}

	/** Finishes open interactions as they are, flushes, and stops the timer. */
	async close(): Promise<void> {
		for (const interaction of [...this.open.values()]) interaction.finish({ properties: { barometer_unfinished: true } });
		for (const [eventId, tools] of this.pendingTools)
			this.report({ kind: "dropped", message: `${tools.length} tool call(s) for event ${eventId} never had their event tracked` });
		this.pendingTools.clear();
		this.closed = true;
		await this.flush();
	}

	/** @internal: called by Interaction.finish(). */
	finishInteraction(interaction: Interaction, event: AiEvent): void {
		this.open.delete(interaction.eventId);
		this.trackAi(event);
	}

	private enqueue(item: Queued) {
		if (this.closed) return this.report({ kind: "usage", message: "the client is closed; the item was not sent" });
		if (this.queue.length >= this.opts.maxQueueSize) {
			this.queue.shift();
			this.report({ kind: "dropped", message: `queue full (${this.opts.maxQueueSize}): dropped the oldest item` });
		}
		this.queue.push(item);
		this.log(`queued ${item.list}`, item.body);
		if (this.opts.waitUntil) {
			// Workers: no timers between requests; send at the end of this tick, kept alive by waitUntil.
			if (!this.microtaskFlush) {
				this.microtaskFlush = true;
				queueMicrotask(() => {
					this.microtaskFlush = false;
					this.opts.waitUntil!(this.flush());
				});
			}
		} else if (this.queue.length >= this.opts.flushAt) void this.flush();
		else if (!this.timer) {
			this.timer = setTimeout(() => void this.flush(), this.opts.flushIntervalMs);
			(this.timer as { unref?: () => void }).unref?.();
		}
	}

	private async send(batch: Queued[]) {
		for (const list of ["events", "signals"] as const) {
			const items = batch.filter((b) => b.list === list).map((b) => b.body);
			for (let i = 0; i < items.length; i += MAX_BATCH) await this.post(`/v1/${list}`, { [list]: items.slice(i, i + MAX_BATCH) }, items.length);
		}
		for (const b of batch.filter((x) => x.list === "identify")) await this.post("/v1/users/identify", b.body, 1);
	}

	private async post(path: string, body: unknown, count: number) {
		const url = `${(this.opts.endpoint ?? "http://localhost:8787").replace(/\/+$/, "")}${path}`;
		const text = JSON.stringify(body);
		const doFetch = this.opts.fetch ?? globalThis.fetch;
		for (let attempt = 1; ; attempt++) {
			let retryAfter: number | undefined;
			let problem: BarometerError;
			try {
				const controller = new AbortController();
				const timeout = setTimeout(() => controller.abort(), this.opts.timeoutMs);
				const res = await doFetch(url, {
					method: "POST",
					headers: { authorization: `Bearer ${this.opts.writeKey}`, "content-type": "application/json" },
					body: text,
					signal: controller.signal,
					...(this.browser && text.length < KEEPALIVE_LIMIT ? { keepalive: true } : {}),
				}).finally(() => clearTimeout(timeout));
				const answer = (await res.json().catch(() => null)) as {
					rejected?: number;
					results?: { status: string }[];
					error?: { message: string; details?: unknown };
				} | null;
				if (res.status === 202 || res.status === 200) return this.log(`sent ${count} to ${path}`);
				if (res.status === 207) {
					return this.report({
						kind: "rejected",
						message: `${answer?.rejected ?? "some"} of ${count} item(s) rejected by ${path}`,
						details: answer?.results?.filter((r) => r.status !== "accepted"),
					});
				}
				problem = { kind: "http", message: `${path}: HTTP ${res.status}${answer?.error ? ` ${answer.error.message}` : ""}`, details: answer?.error?.details };
				if (res.status < 500 && res.status !== 429 && res.status !== 408) return this.report({ ...problem, kind: res.status === 400 ? "rejected" : "http" });
				const ra = Number(res.headers.get("retry-after"));
				if (Number.isFinite(ra) && ra > 0) retryAfter = Math.min(60_000, ra * 1000);
			} catch (err) {
				problem = {
					kind: "network",
					message: `${path}: ${(err as Error)?.name === "AbortError" ? `timed out after ${this.opts.timeoutMs} ms` : String((err as Error)?.message ?? err)}`,
				};
			}
			if (attempt >= this.opts.maxRetries)
				return this.report({ kind: "dropped", message: `gave up on ${count} item(s) after ${attempt} attempts: ${problem.message}` });
			this.log(`retrying ${path} (${problem.message})`);
			await sleep(retryAfter ?? retryDelayMs(attempt));
		}
	}

	private guard<T>(what: string, fn: () => T, fallback: T): T {
		try {
			return fn();
		} catch (err) {
			this.report({ kind: "usage", message: `${what}: ${(err as Error)?.message ?? err}` });
			return fallback;
		}
	}

	private report(error: BarometerError) {
		if (this.opts?.debug) console.warn("[barometer]", error.message, error.details ?? "");
		try {
			this.opts?.onError?.(error);
		} catch {
			// an onError that throws must not break the host app either
		}
	}

	private log(message: string, data?: unknown) {
		if (this.opts.debug) console.debug("[barometer]", message, data ?? "");
	}
}

/** A streamed interaction: collects partial output and tool calls under one event id until `finish()`. */
export class Interaction {
	readonly eventId: string;
	private readonly started = Date.now();
	private event: AiEvent & { event_id: string };
	private done = false;

	constructor(
		private readonly client: Barometer,
		event: AiEvent & { event_id: string },
	) {
		this.eventId = event.event_id;
		this.event = { ...event, tool_calls: [...(event.tool_calls ?? [])] };
	}

	/** Adds a chunk of streamed output. */
	append(chunk: string): this {
		if (!this.done) this.event.output = (this.event.output ?? "") + chunk;
		return this;
	}

	/** Replaces fields (model, input, output, properties are merged). */
	update(fields: Partial<Omit<AiEvent, "event_id">>): this {
		if (!this.done) this.event = { ...this.event, ...fields, properties: { ...this.event.properties, ...fields.properties }, event_id: this.eventId };
		return this;
	}

	trackTool(tool: ToolCall): this {
		if (!this.done) this.event.tool_calls!.push(tool);
		return this;
	}

	/** Sends the interaction once, with `duration_ms` in its properties. Later calls do nothing. */
	finish(fields: Partial<Omit<AiEvent, "event_id">> = {}): string {
		if (this.done) return this.eventId;
		this.update(fields);
		this.done = true;
		this.client.finishInteraction(this, { ...this.event, properties: { duration_ms: Date.now() - this.started, ...this.event.properties } });
		return this.eventId;
	}
}
