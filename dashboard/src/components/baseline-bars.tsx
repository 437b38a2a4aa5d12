/** One value of a breakdown: how many of the issue's users had it, and its share of them beside its share of all users. */
export interface BaselineBar {
	value: string;
	users: number;
	share: number;
	baseline_share: number;
}

/** Over-representation worth pointing out: at least this many percentage points above the baseline. */
const NOTABLE_PP = 10;
const pct = (n: number) => `${n < 10 && n % 1 !== 0 ? n.toFixed(1) : Math.round(n)}%`;

/**
 * Bars of the issue's share (thick) over the baseline share (thin), both on a 0–100 % scale so they
 * compare by eye; the values arrive ordered by the API, most over-represented first.
 */
export function BaselineBars({ rows, label }: { rows: BaselineBar[]; label: string }) {
	if (rows.length === 0) return <p class="hint">No data.</p>;
	return (
		<ul class="baseline-bars" aria-label={label}>
			{rows.map((r) => {
				const over = r.share - r.baseline_share;
				const text = `${r.users} ${r.users === 1 ? "user" : "users"} · ${pct(r.share)} vs ${pct(r.baseline_share)} of all users`;
				return (
					<li key={r.value} title={`${r.value}: ${text}`}>
						<span class="baseline-label">{r.value}</span>
						<span class="baseline-value">
							{text}
							{over >= NOTABLE_PP && <span class="baseline-over"> +{Math.round(over)} pts</span>}
						</span>
						<span class="baseline-track" aria-hidden="true">
							<span class="baseline-issue" style={{ width: `${Math.min(100, r.share)}%` }} />
							<span class="baseline-all" style={{ width: `${Math.min(100, r.baseline_share)}%` }} />
						</span>
					</li>
				);
			})}
		</ul>
	);
}

/** What the two bars mean, and over which days. */
export function BaselineLegend({ window, children }: { window: { from: string; to: string }; children?: preact.ComponentChildren }) {
	return (
		<p class="baseline-legend hint">
			<span class="baseline-key baseline-key-issue" aria-hidden="true" /> share of this issue's users{" "}
			<span class="baseline-key baseline-key-all" aria-hidden="true" /> share of all users active {window.from} – {window.to}
			{children}
		</p>
	);
}
