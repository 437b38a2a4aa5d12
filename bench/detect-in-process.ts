// The detect path in one Node process (issue 20): the sentence encoder alone on the texts the path encodes,
// the whole path on the same events (rules, context, encoder, the signal models), and clustering of each
// batch's inputs, each timed per batch of 100 as the queue consumer reads them, three runs; peak memory.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as tf from "@tensorflow/tfjs-core";
import { clusterTexts } from "#core/clustering/cluster-texts";
import { nodeDetector } from "#core/detection/node-detector";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { type Spread, spread } from "./stats";
import { syntheticEvents } from "./synthetic-events";

export interface InProcessResult {
	events: number;
	texts: number;
	loadMs: number;
	/** Events per second (one core). */
	encoder: Spread;
	path: Spread;
	/** Milliseconds per batch of 100 events, medians over the runs. */
	perBatchMs: { encoder: number; classification: number; clustering: number };
	/** Peak RSS of the process (Node and tsx included). */
	peakRssMb: number;
	/**
	 * What the detect path adds to an isolate: the JS heap it grows (after a full GC, over the heap before loading)
	 * and tfjs' wasm memory at its peak (it grows to the largest model call and never shrinks).
	 */
	isolate: { jsHeapMb: number; wasmMb: number };
}

const BATCH = 100;

export async function detectInProcess(n: number, runs = 3): Promise<InProcessResult> {
	const events = syntheticEvents(n);
	setFlagsFromString("--expose-gc");
	const gc = runInNewContext("gc") as () => void;
	gc();
	const heapBefore = process.memoryUsage().heapUsed;
	let peakRss = 0;
	const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
	const t0 = performance.now();
	const encoder = await useLiteEmbedder();
	const loadMs = performance.now() - t0;
	const detector = await nodeDetector();
	sample();
	const batches = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) => events.slice(b * BATCH, (b + 1) * BATCH));
	// The synthetic set repeats its phrases: every text made unique so nothing is cached by accident.
	for (const [i, e] of events.entries()) {
		e.input = `${e.input} (${i})`;
		e.output = `${e.output} [${i}]`;
	}
	const textBatches = batches.map((b) => [...new Set(b.flatMap((e) => detector.textsFor(e)))]);
	const texts = textBatches.reduce((k, b) => k + b.length, 0);
	await detector.detectBatch(batches[0]!.slice(0, 10));
	const encoderRates: number[] = [];
	const pathRates: number[] = [];
	const clusterMs: number[] = [];
	for (let r = 0; r < runs; r++) {
		// Both start from an empty cache of recent vectors; within a run, repeats hit it in both alike.
		encoder.clearCache();
		let start = performance.now();
		for (const t of textBatches) {
			await encoder.embed(t);
			sample();
		}
		encoderRates.push(n / ((performance.now() - start) / 1000));
		encoder.clearCache();
		start = performance.now();
		for (const b of batches) {
			await detector.detectBatch(b);
			sample();
		}
		pathRates.push(n / ((performance.now() - start) / 1000));
		// Clustering a batch's inputs (their vectors cached by the path just run): what grouping and intents add in CPU.
		start = performance.now();
		for (const b of batches) {
			await clusterTexts(
				encoder,
				b.map((e) => e.input),
			);
			sample();
		}
		clusterMs.push((performance.now() - start) / batches.length);
	}
	gc();
	const jsHeap = process.memoryUsage().heapUsed - heapBefore;
	const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
	const enc = spread(encoderRates);
	const path = spread(pathRates);
	const perBatch = (rate: number) => (BATCH / rate) * 1000;
	return {
		events: n,
		texts,
		loadMs,
		encoder: enc,
		path,
		perBatchMs: {
			encoder: perBatch(enc.median),
			classification: perBatch(path.median) - perBatch(enc.median),
			clustering: spread(clusterMs).median,
		},
		peakRssMb: peakRss / 2 ** 20,
		isolate: { jsHeapMb: jsHeap / 2 ** 20, wasmMb: wasm / 2 ** 20 },
	};
}
