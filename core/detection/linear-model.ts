/** A logistic model over [embedding ⊕ cue features], trained by scripts/train-detectors.ts. */
export interface LinearModel {
	/** The embedder whose vectors the weights were trained on; other spaces must not use them. */
	embedder: string;
	weights: number[];
	bias: number;
	/** Probability at or above which the signal is detected, chosen on tuning rows for precision (F0.5). */
	threshold: number;
	/** Below the threshold but at or above this, a production LLM check may decide. */
	uncertainFrom: number;
}

export function predict(model: LinearModel, features: ArrayLike<number>): number {
	let z = model.bias;
	for (let i = 0; i < features.length; i++) z += model.weights[i]! * features[i]!;
	return 1 / (1 + Math.exp(-z));
}

/** L2-regularised logistic regression by full-batch gradient descent with momentum; deterministic. */
export function trainLogistic(x: Float32Array[], y: number[], opts: { epochs?: number; lr?: number; l2?: number; positiveWeight?: number } = {}) {
	const { epochs = 300, lr = 0.5, l2 = 1e-4 } = opts;
	const dims = x[0]!.length;
	const pos = y.filter((v) => v === 1).length;
	const posWeight = opts.positiveWeight ?? Math.max(1, (y.length - pos) / Math.max(1, pos));
	const w = new Float64Array(dims);
	const vw = new Float64Array(dims);
	let b = 0;
	let vb = 0;
	for (let epoch = 0; epoch < epochs; epoch++) {
		const g = new Float64Array(dims);
		let gb = 0;
		let total = 0;
		for (let i = 0; i < x.length; i++) {
			const xi = x[i]!;
			let z = b;
			for (let d = 0; d < dims; d++) z += w[d]! * xi[d]!;
			const p = 1 / (1 + Math.exp(-z));
			const weight = y[i] === 1 ? posWeight : 1;
			const err = (p - y[i]!) * weight;
			for (let d = 0; d < dims; d++) g[d]! += err * xi[d]!;
			gb += err;
			total += weight;
		}
		for (let d = 0; d < dims; d++) {
			vw[d] = 0.9 * vw[d]! + (g[d]! / total + l2 * w[d]!);
			w[d]! -= lr * vw[d]!;
		}
		vb = 0.9 * vb + gb / total;
		b -= lr * vb;
	}
	return { weights: [...w].map((v) => Math.round(v * 1e5) / 1e5), bias: Math.round(b * 1e5) / 1e5 };
}
