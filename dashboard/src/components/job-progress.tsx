import { useEffect, useState } from "preact/hooks";
import { type JobProgressInput, jobProgress } from "../lib/deep-search";

const POLL_MS = 2000;

/** A long-running job's progress bar, read again every 2 s while it is queued or running. */
export function JobProgress({ load, label }: { load: (signal: AbortSignal) => Promise<JobProgressInput>; label: string }) {
	const [job, setJob] = useState<JobProgressInput | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		const controller = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const tick = () =>
			load(controller.signal).then(
				(next) => {
					setJob(next);
					setError(null);
					if (jobProgress(next).polling) timer = setTimeout(tick, POLL_MS);
				},
				(err: Error) => {
					if (controller.signal.aborted) return;
					setError(err.message);
					timer = setTimeout(tick, POLL_MS * 2);
				},
			);
		tick();
		return () => {
			controller.abort();
			clearTimeout(timer);
		};
	}, [load]);
	if (!job) return <p class="hint">{error ? `Cannot read the job: ${error}` : "Reading the job…"}</p>;
	const p = jobProgress(job);
	return (
		<div class={`job ${job.state === "done" ? "progress-done" : ""}`} data-state={job.state}>
			<div class="job-label">
				<strong>{label}</strong> <span class="job-state">{p.label}</span>
			</div>
			<div
				class="progress"
				role="progressbar"
				aria-label={label}
				aria-valuemin={0}
				aria-valuemax={100}
				aria-valuenow={p.fraction === null ? undefined : Math.round(p.fraction * 100)}
			>
				<span class={`progress-fill ${p.fraction === null ? "progress-unknown" : ""}`} style={{ width: `${Math.round((p.fraction ?? 0.08) * 100)}%` }} />
			</div>
		</div>
	);
}
