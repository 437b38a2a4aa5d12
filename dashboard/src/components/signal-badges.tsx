import type { SignalView } from "../../../core/api-types";
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
