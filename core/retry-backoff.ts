/**
 * Delay before redelivering a message that failed `attempts` times:
 * exponential from 2 s, capped at 5 minutes, with full jitter so a burst of
 * failures after an outage does not come back all at once.
 */
export function retryDelaySeconds(attempts: number, random = Math.random): number {
	const ceiling = Math.min(300, 2 ** Math.max(1, attempts));
	return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}
