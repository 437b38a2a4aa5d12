import type { ComponentChildren } from "preact";

export function Loading({ label = "Loading…" }: { label?: string }) {
	return (
		<div class="state" role="status" aria-live="polite">
			<span class="spinner" aria-hidden="true" /> {label}
		</div>
	);
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
	return (
		<div class="state state-error" role="alert">
			<strong>Could not load this.</strong> <span>{error.message}</span>
			{onRetry && (
				<button type="button" class="button" onClick={onRetry}>
					Try again
				</button>
			)}
		</div>
	);
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
	return (
		<div class="state state-empty">
			<strong>{title}</strong>
			{children && <div class="hint">{children}</div>}
		</div>
	);
}
