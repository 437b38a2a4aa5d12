import { useCallback, useState } from "preact/hooks";
import type { DeepSearch } from "#core/api/deep-searches";
import { JobProgress } from "../components/job-progress";
import { Link } from "../components/navigation";
import type { ApiClient } from "../lib/api-client";
import { formErrors, signalNameProblem, suggestSignalName } from "../lib/deep-search";

/**
 * Save as a signal: a name, a polarity, and whether to score the events stored before (a backfill
 * job). Once saved the name stays; saving again makes the current version live.
 */
export function SaveCard(props: { api: ApiClient; search: DeepSearch; isAdmin: boolean; onSaved: (search: DeepSearch) => void }) {
	const { search } = props;
	const saved = search.signal;
	const [name, setName] = useState(() => saved?.name ?? suggestSignalName(search.definition));
	const [polarity, setPolarity] = useState<"negative" | "positive">(saved?.polarity ?? "negative");
	const [backfill, setBackfill] = useState(true);
	const [touched, setTouched] = useState(false);
	const [busy, setBusy] = useState(false);
	const [errors, setErrors] = useState<ReturnType<typeof formErrors>>({ fields: {}, message: null });
	const problem = signalNameProblem(name);
	const nameError = errors.fields.name ?? (touched ? problem : null);
	const stale = saved !== null && saved.saved_version < search.version;
	const jobId = saved?.job_id ?? null;
	const loadJob = useCallback((signal: AbortSignal) => props.api.getJob(jobId!, signal), [props.api, jobId]);

	const save = async (e: Event) => {
		e.preventDefault();
		setTouched(true);
		if (problem) return;
		setBusy(true);
		setErrors({ fields: {}, message: null });
		try {
			props.onSaved(await props.api.saveDeepSearch(search.id, { name, polarity, backfill }));
		} catch (err) {
			setErrors(formErrors(err));
		} finally {
			setBusy(false);
		}
	};

	return (
		<div class="card save-card">
			<h2>{saved ? "Signal" : "Save as a signal"}</h2>
			{saved && (
				<div class="saved-signal" role="status">
					<p>
						Saved as <code class="signal-name">{saved.name}</code> ({saved.polarity}), version {saved.saved_version}
						{stale ? `; the search has changed since (version ${search.version}).` : "."} Every new event is checked for it.
					</p>
					<p class="saved-links">
						<Link href={`/issues?signal=${encodeURIComponent(saved.name)}`}>Issues of this signal →</Link>
					</p>
					{jobId && <JobProgress key={jobId} load={loadJob} label="Backfill" />}
				</div>
			)}
			{!saved && <p class="hint">It then runs on every new event at threshold {search.threshold.toFixed(2)}, like the built-in signals.</p>}
			{props.isAdmin && (!saved || stale) && (
				<form class="save-form" onSubmit={save} noValidate>
					<label>
						Signal name
						<input
							value={name}
							disabled={saved !== null}
							aria-invalid={nameError ? "true" : undefined}
							onInput={(e) => {
								setName(e.currentTarget.value);
								setTouched(true);
								setErrors({ fields: {}, message: null });
							}}
						/>
						{nameError && (
							<span class="field-error" role="alert">
								The name {nameError}
							</span>
						)}
					</label>
					<label>
						Polarity
						<select value={polarity} disabled={saved !== null} onChange={(e) => setPolarity(e.currentTarget.value as typeof polarity)}>
							<option value="negative">negative (a problem)</option>
							<option value="positive">positive (good news)</option>
						</select>
					</label>
					<label class="checkbox">
						<input type="checkbox" checked={backfill} onChange={(e) => setBackfill(e.currentTarget.checked)} />
						Also score the events stored before (backfill)
					</label>
					{errors.message && (
						<p class="field-error" role="alert">
							{errors.message}
						</p>
					)}
					<div>
						<button type="submit" class="button button-primary" disabled={busy}>
							{busy ? "Saving…" : saved ? "Make this version live" : "Save as signal"}
						</button>
					</div>
				</form>
			)}
		</div>
	);
}
