import type { DetectionView, SignalView } from "#core/api/events";
import { signalTone } from "../lib/format";

export function SignalBadges({ signals }: { signals: SignalView[] }) {
	if (signals.length === 0) return null;
	const counts = new Map<string, number>();
	for (const s of signals) counts.set(s.signal, (counts.get(s.signal) ?? 0) + 1);
	return (
		<span class="badges">
			{[...counts].map(([name, n]) => (
				<span key={name} class={`badge badge-${signalTone(name)}`} title={`${n} × ${name}`}>
					{name.replace(/_/g, " ")}
					{n > 1 ? ` ×${n}` : ""}
				</span>
			))}
		</span>
	);
}

/** Detected signals (implicit and custom): negative ones as problems, wins as good news. */
export function DetectionBadges({ detections }: { detections: DetectionView[] }) {
	if (detections.length === 0) return null;
	return (
		<span class="badges">
			{detections.map((d) => (
				<span
					key={d.signal}
					class={`badge badge-${d.signal === "win" ? "positive" : "negative"} badge-detected`}
					title={`${d.signal} · ${d.stage} · score ${d.score}${d.reason ? ` · ${d.reason}` : ""}${d.evidence ? ` · “${d.evidence.text}”` : ""}`}
				>
					{d.signal.replace(/_/g, " ")}
				</span>
			))}
		</span>
	);
}
