/** A token bucket: at most `rate` items per second, bursts up to one second's worth. */
export class RateLimiter {
	private tokens: number;
	private last: number;

	constructor(
		private readonly rate: number,
		private readonly now: () => number = Date.now,
		private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
	) {
		this.tokens = rate;
		this.last = now();
	}

	/** Waits until `n` items may go. */
	async take(n: number): Promise<void> {
		for (;;) {
			const t = this.now();
			this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
			this.last = t;
			if (this.tokens >= n || (n > this.rate && this.tokens >= this.rate)) {
				this.tokens -= n;
				return;
			}
			await this.sleep(Math.ceil(((Math.min(n, this.rate) - this.tokens) / this.rate) * 1000));
		}
	}
}

export interface Progress {
	done: number;
	total: number;
	accepted: number;
	rejected: number;
	elapsedMs: number;
}

/** `[########............]  1,200/5,000  24%  190/s  accepted 1,190  rejected 10  eta 20 s` */
export function progressLine(p: Progress, width = 20): string {
	const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
	const filled = Math.round(frac * width);
	const rate = p.elapsedMs > 0 ? (p.done / p.elapsedMs) * 1000 : 0;
	const eta = rate > 0 ? Math.ceil((p.total - p.done) / rate) : null;
	const n = (x: number) => x.toLocaleString("en-US");
	return `[${"#".repeat(filled)}${".".repeat(width - filled)}]  ${n(p.done)}/${n(p.total)}  ${Math.floor(frac * 100)}%  ${Math.round(rate)}/s  accepted ${n(p.accepted)}  rejected ${n(p.rejected)}${eta !== null && p.done < p.total ? `  eta ${eta} s` : ""}`;
}

/** What a resumable import remembers between runs, next to the file. */
export interface ImportState {
	version: 1;
	url: string;
	size: number;
	lines_done: number;
	accepted: number;
	rejected: number;
}

/** A saved state applies only to the same file (by size) sent to the same instance. */
export function resumeFrom(state: ImportState | null, url: string, size: number): ImportState {
	if (state && state.version === 1 && state.url === url && state.size === size) return state;
	return { version: 1, url, size, lines_done: 0, accepted: 0, rejected: 0 };
}
