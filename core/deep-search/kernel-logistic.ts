/**
 * L2-regularised logistic regression with few labels, solved in its dual form. With a penalty
 * that pulls the weights toward a prior, the optimum lies in the span of the prior's directions
 * and the labelled points (the representer theorem), so a model over 1024 features is fitted with
 * one coefficient per prior direction, one per label and a bias: a few dozen unknowns, solved
 * exactly by Newton's method in well under a millisecond for 20 labels, and deterministic.
 */

export interface KernelFitInput {
	/** Per label, its value on each prior direction (e.g. the definition's cosine with the input and the output). */
	prior: number[][];
	/** Dot products between the labelled feature vectors (n x n). */
	kernel: number[][];
	/** 1 for a match, 0 for a non-match. */
	y: number[];
	/** Per-label weight (e.g. to balance the classes). */
	weights: number[];
	/** Where the prior coefficients are pulled, and how hard. */
	priorTarget: number[];
	priorPull: number;
	/** Penalty on the part the labels add (its squared norm in feature space). */
	l2: number;
	biasTarget: number;
	biasPull: number;
}

export interface KernelFit {
	priorCoef: number[];
	/** One coefficient per label: the weights are Σ priorCoef·direction + Σ beta·x. */
	beta: number[];
	bias: number;
}

const MAX_ITERATIONS = 30;
/** Keeps the Hessian positive definite when two labelled events have the same vector. */
const JITTER = 1e-6;

export function fitKernelLogistic(input: KernelFitInput): KernelFit {
	const { prior, kernel: K, y, weights, priorTarget, priorPull, l2, biasTarget, biasPull } = input;
	const n = y.length;
	const P = priorTarget.length;
	const m = P + n + 1;
	const theta = [...priorTarget, ...new Array<number>(n).fill(0), biasTarget];
	const row = (i: number) => [...prior[i]!, ...K[i]!, 1];
	const rows = Array.from({ length: n }, (_, i) => row(i));
	const objective = (t: number[]) => {
		let total = 0;
		for (let i = 0; i < n; i++) {
			const z = dot(rows[i]!, t);
			// log(1 + e^-z) for a match, log(1 + e^z) otherwise, written to stay finite.
			total += weights[i]! * softplus(y[i] ? -z : z);
		}
		for (let p = 0; p < P; p++) total += (priorPull / 2) * (t[p]! - priorTarget[p]!) ** 2;
		let quad = 0;
		for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) quad += t[P + a]! * K[a]![b]! * t[P + b]!;
		total += (l2 / 2) * quad + (biasPull / 2) * (t[m - 1]! - biasTarget) ** 2;
		return total;
	};
	let current = objective(theta);
	for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
		const g = new Array<number>(m).fill(0);
		const H = Array.from({ length: m }, () => new Array<number>(m).fill(0));
		for (let i = 0; i < n; i++) {
			const r = rows[i]!;
			const p = sigmoid(dot(r, theta));
			const err = weights[i]! * (p - y[i]!);
			const curv = weights[i]! * p * (1 - p);
			for (let a = 0; a < m; a++) {
				g[a]! += err * r[a]!;
				if (r[a] === 0) continue;
				const ca = curv * r[a]!;
				for (let b = 0; b < m; b++) H[a]![b]! += ca * r[b]!;
			}
		}
		for (let p = 0; p < P; p++) {
			g[p]! += priorPull * (theta[p]! - priorTarget[p]!);
			H[p]![p]! += priorPull;
		}
		for (let a = 0; a < n; a++) {
			let kb = 0;
			for (let b = 0; b < n; b++) {
				kb += K[a]![b]! * theta[P + b]!;
				H[P + a]![P + b]! += l2 * K[a]![b]!;
			}
			g[P + a]! += l2 * kb;
		}
		g[m - 1]! += biasPull * (theta[m - 1]! - biasTarget);
		H[m - 1]![m - 1]! += biasPull;
		for (let a = 0; a < m; a++) H[a]![a]! += JITTER;
		const step = solve(H, g);
		// Damped Newton: halve the step until the objective goes down.
		let scale = 1;
		let next = theta;
		let value = current;
		for (let tries = 0; tries < 20; tries++) {
			const candidate = theta.map((t, a) => t - scale * step[a]!);
			const v = objective(candidate);
			if (v <= current) {
				next = candidate;
				value = v;
				break;
			}
			scale /= 2;
		}
		const moved = current - value;
		theta.splice(0, m, ...next);
		current = value;
		if (moved < 1e-10) break;
	}
	return { priorCoef: theta.slice(0, P), beta: theta.slice(P, P + n), bias: theta[m - 1]! };
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function dot(a: number[], b: number[]): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
	return s;
}

/** Solves H x = g for a symmetric positive definite H (Cholesky). */
function solve(H: number[][], g: number[]): number[] {
	const m = g.length;
	const L = Array.from({ length: m }, () => new Array<number>(m).fill(0));
	for (let i = 0; i < m; i++) {
		for (let j = 0; j <= i; j++) {
			let s = H[i]![j]!;
			for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
			L[i]![j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j]![j]!;
		}
	}
	const z = new Array<number>(m).fill(0);
	for (let i = 0; i < m; i++) {
		let s = g[i]!;
		for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
		z[i] = s / L[i]![i]!;
	}
	const x = new Array<number>(m).fill(0);
	for (let i = m - 1; i >= 0; i--) {
		let s = z[i]!;
		for (let k = i + 1; k < m; k++) s -= L[k]![i]! * x[k]!;
		x[i] = s / L[i]![i]!;
	}
	return x;
}
