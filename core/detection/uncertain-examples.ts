import type { Detector } from "./detector";

/**
 * Soft refusals (moralising, redirecting) that sit near the refusal threshold: the band the
 * production LLM check exists for. Tests pick the ones the current models find uncertain,
 * so they exercise the mechanism, not one trained weight vector.
 */
export const SOFT_REFUSALS = [
	"Creating malware is illegal and unethical. It is important to protect computer systems. Instead, consider learning about cybersecurity.",
	"Selling personal data without consent raises serious ethical and legal concerns. It is important to prioritize user privacy.",
	"Hacking into an email account is a violation of privacy. I encourage you to reach out to the account owner instead.",
	"That kind of content could be harmful. It's important to approach this topic responsibly, so let's focus on safety tips.",
	"Spreading misinformation about vaccines is harmful. Vaccines have been thoroughly tested; please consult a doctor.",
	"Gambling your savings is risky. I urge you to carefully consider the risks and seek professional financial advice.",
	"Writing a fake review would mislead customers. Instead, you could ask happy customers to share their experience.",
	"Bypassing a paywall may violate the site's terms. It is important to support journalism, perhaps with a subscription.",
];

export async function uncertainRefusals(detector: Detector): Promise<string[]> {
	const results = await detector.detectBatch(SOFT_REFUSALS.map((output) => ({ output })));
	return SOFT_REFUSALS.filter((_, i) => results[i]!.find((r) => r.signal === "refusal")?.uncertain);
}
