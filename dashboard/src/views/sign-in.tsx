import { useState } from "preact/hooks";
import { createApiClient } from "../lib/api-client";
import type { Session } from "../lib/session";

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
	const [key, setKey] = useState("");
	const [baseUrl, setBaseUrl] = useState(location.origin);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		setBusy(true);
		setError(null);
		const session = { key: key.trim(), baseUrl: baseUrl.trim().replace(/\/+$/, "") };
		try {
			await createApiClient(session).project();
			onSignedIn(session);
		} catch (err) {
			setError((err as Error).message);
		} finally {
			setBusy(false);
		}
	}

	return (
		<div class="sign-in">
			<form class="card sign-in-card" onSubmit={submit}>
				<h1>
					<span class="logo" aria-hidden="true">
						◔
					</span>{" "}
					Barometer
				</h1>
				<p class="hint">Sign in with your project's read key (or its admin key, to resolve issues and change settings). It stays in this browser.</p>
				<label>
					Key
					<input
						name="key"
						type="password"
						autocomplete="off"
						required
						placeholder="bm_read_… or bm_admin_…"
						value={key}
						onInput={(e) => setKey(e.currentTarget.value)}
					/>
				</label>
				<label>
					API URL
					<input name="baseUrl" type="url" required value={baseUrl} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
				</label>
				{error && (
					<p class="form-error" role="alert">
						{error}
					</p>
				)}
				<button type="submit" class="button button-primary" disabled={busy}>
					{busy ? "Checking…" : "Sign in"}
				</button>
			</form>
		</div>
	);
}
