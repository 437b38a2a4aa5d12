import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { IssueState } from "#core/api/issues";

export function StateBadge({ state }: { state: IssueState | string }) {
	return <span class={`state-badge state-${state}`}>{state}</span>;
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: ComponentChildren }) {
	return (
		<div class="stat">
			<div class="stat-label">{label}</div>
			<div class="stat-value">{value}</div>
			{hint && <div class="stat-hint">{hint}</div>}
		</div>
	);
}

/** A button that runs an async action, shows it is busy, and shows the error if it fails. */
export function ActionButton(props: {
	onClick: () => Promise<unknown>;
	children: ComponentChildren;
	kind?: "primary" | "quiet" | "danger";
	disabled?: boolean;
	title?: string;
	testId?: string;
}) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	return (
		<span class="action">
			<button
				type="button"
				class={`button ${props.kind ? `button-${props.kind}` : ""}`}
				disabled={busy || props.disabled}
				title={props.title}
				data-testid={props.testId}
				onClick={async () => {
					setBusy(true);
					setError(null);
					try {
						await props.onClick();
					} catch (err) {
						setError((err as Error).message);
					} finally {
						setBusy(false);
					}
				}}
			>
				{busy ? "…" : props.children}
			</button>
			{error && (
				<span class="action-error" role="alert">
					{error}
				</span>
			)}
		</span>
	);
}

/** Shown instead of controls that need the admin key. */
export function AdminOnly({ isAdmin, children }: { isAdmin: boolean; children: ComponentChildren }) {
	if (isAdmin) return <>{children}</>;
	return <span class="hint">Sign in with an admin key to change this.</span>;
}

/** Horizontal bars for a breakdown (users per value), widest = most users. */
export function BarList({ rows, total, label }: { rows: { value: string; users: number; events: number }[]; total: number; label: string }) {
	if (rows.length === 0) return <p class="hint">No data.</p>;
	const max = Math.max(...rows.map((r) => r.users), 1);
	return (
		<ul class="bar-list" aria-label={label}>
			{rows.map((r) => (
				<li key={r.value}>
					<span class="bar-label" title={r.value}>
						{r.value}
					</span>
					<span class="bar-track">
						<span class="bar-fill" style={{ width: `${(100 * r.users) / max}%` }} />
					</span>
					<span class="bar-value">
						{r.users} users{total > 0 ? ` · ${Math.round((100 * r.users) / total)}%` : ""}
					</span>
				</li>
			))}
		</ul>
	);
}

/** "merge into…": pick another issue or intent and merge this one into it. */
export function MergeInto({ targets, onMerge }: { targets: { id: string; label: string }[]; onMerge: (into: string) => Promise<unknown> }) {
	const [into, setInto] = useState("");
	return (
		<span class="inline-form">
			<select value={into} onChange={(e) => setInto(e.currentTarget.value)} aria-label="Merge into">
				<option value="">merge into…</option>
				{targets.map((t) => (
					<option key={t.id} value={t.id}>
						{t.label}
					</option>
				))}
			</select>
			<ActionButton kind="quiet" disabled={!into} onClick={() => onMerge(into)}>
				Merge
			</ActionButton>
		</span>
	);
}
