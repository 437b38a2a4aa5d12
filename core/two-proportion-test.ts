/**
 * Two-sided two-proportion z-test: is the share of affected users different between A and B?
 * Pooled standard error; the normal CDF by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7).
 */
export interface ProportionComparison {
	a: { affected: number; total: number; rate: number };
	b: { affected: number; total: number; rate: number };
	/** b.rate - a.rate, in percentage points. */
	difference_pp: number;
	z: number | null;
	p_value: number | null;
	significant: boolean;
}

function normalCdf(z: number): number {
	const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
	const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
	return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function compareProportions(affectedA: number, totalA: number, affectedB: number, totalB: number, alpha = 0.05): ProportionComparison {
	const rateA = totalA ? affectedA / totalA : 0;
	const rateB = totalB ? affectedB / totalB : 0;
	const pooled = totalA + totalB ? (affectedA + affectedB) / (totalA + totalB) : 0;
	const se = Math.sqrt(pooled * (1 - pooled) * (totalA && totalB ? 1 / totalA + 1 / totalB : Infinity));
	const z = se > 0 && Number.isFinite(se) ? (rateB - rateA) / se : null;
	const p = z === null ? null : 2 * (1 - normalCdf(Math.abs(z)));
	return {
		a: { affected: affectedA, total: totalA, rate: round(rateA * 100, 2) },
		b: { affected: affectedB, total: totalB, rate: round(rateB * 100, 2) },
		difference_pp: round((rateB - rateA) * 100, 2),
		z: z === null ? null : round(z, 3),
		p_value: p === null ? null : round(p, 4),
		significant: p !== null && p < alpha,
	};
}
