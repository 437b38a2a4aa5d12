import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
// wrangler and the vitest plugin import a `.wasm` file as a compiled WebAssembly.Module: workerd
// refuses to compile wasm from bytes at run time, so this is the only way tfjs' kernels get in.
import simdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";
import { UseLiteEmbedder } from "#core/embedding/use-lite-embedder";
import type { Vocabulary } from "#core/embedding/sentencepiece-tokenizer";

/**
 * The bindings the sentence encoder needs: its model files (models/use-lite/, copied there by
 * scripts/sentence-encoder-assets.mjs) served as the worker's static assets. They are never
 * bundled: ~28 MB of weights would put the worker over Cloudflare's size limit.
 */
export interface SentenceEncoderEnv {
	USE_LITE_ASSETS: Fetcher;
}

/** Any origin does: an assets binding serves by path. */
const ASSETS_ORIGIN = "https://use-lite.assets";
/** The name tfjs asks for the wasm binary under; it is answered from `simdWasm`, never fetched. */
const WASM_NAME = "tfjs-backend-wasm-simd.wasm";

let shared: Promise<UseLiteEmbedder> | undefined;

/**
 * The Universal Sentence Encoder Lite inside workerd, loaded once per isolate on first use
 * (~1-2 s) and shared by every request the isolate serves. Same tfjs version, backend (wasm
 * SIMD, one thread) and weights as `use-lite-node.ts`, so vectors match Node's. A failed load
 * is not cached: the next call tries again.
 */
export function sentenceEncoder(env: SentenceEncoderEnv): Promise<UseLiteEmbedder> {
	shared ??= load(env).catch((error: unknown) => {
		shared = undefined;
		throw error;
	});
	return shared;
}

async function load(env: SentenceEncoderEnv): Promise<UseLiteEmbedder> {
	await wasmBackend();
	const modelJson = await asset<{ modelTopology: tf.io.ModelJSON["modelTopology"]; weightsManifest: tf.io.WeightsManifestConfig }>(env, "model.json");
	const vocabulary = await asset<Vocabulary>(env, "vocab.json");
	const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
	const graph = await loadGraphModel({
		// Weights are streamed shard by shard into tensors (tfjs' loadStreaming): the isolate never
		// holds the whole 28 MB file beside the tensors, and the model keeps no copy of it.
		load: async () => ({
			modelTopology: modelJson.modelTopology,
			weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
			getWeightStream: () => shardStream(env, paths),
		}),
	});
	return new UseLiteEmbedder(tf, graph, vocabulary);
}

/**
 * tfjs' wasm backend on the precompiled module. With a platform fetch (`setWasmPaths(…, true)`),
 * tfjs fetches the binary by name and calls `WebAssembly.instantiate(bytes, imports)`; both are
 * answered here for WASM_NAME only, for the length of the initialisation, then put back.
 */
async function wasmBackend(): Promise<void> {
	if (tf.getBackend() === "wasm") return;
	// Emscripten's loader takes workerd (nodejs_compat, on by default since 2026-08) for Node.js: it
	// would read `__dirname` and make every unhandled rejection in the isolate throw. It decides
	// when it starts, so `process` is hidden from then until it asks for the binary (a few
	// microtasks); without it the loader takes the plain path and uses tfjs' instantiateWasm hook.
	const processDescriptor = Object.getOwnPropertyDescriptor(globalThis, "process");
	const restoreProcess = () => processDescriptor && Object.defineProperty(globalThis, "process", processDescriptor);
	const platform = tf.env().platform;
	const platformFetch = platform.fetch;
	const instantiate = WebAssembly.instantiate;
	const marker = new ArrayBuffer(8);
	platform.fetch = (path, init) => {
		if (path !== WASM_NAME) return platformFetch.call(platform, path, init);
		restoreProcess();
		return Promise.resolve(new Response(marker));
	};
	WebAssembly.instantiate = (async (source: unknown, imports?: WebAssembly.Imports) => {
		if (!(source instanceof ArrayBuffer && source.byteLength === marker.byteLength))
			return (instantiate as (s: unknown, i?: WebAssembly.Imports) => unknown)(source, imports);
		return { instance: await WebAssembly.instantiate(simdWasm, imports), module: simdWasm };
	}) as typeof WebAssembly.instantiate;
	if (processDescriptor) Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
	try {
		setWasmPaths({ "tfjs-backend-wasm.wasm": WASM_NAME, "tfjs-backend-wasm-simd.wasm": WASM_NAME, "tfjs-backend-wasm-threaded-simd.wasm": WASM_NAME }, true);
		// The flags pick the binary: SIMD is what was imported; threads need workers workerd lacks.
		tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
		tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
		if (!(await tf.setBackend("wasm"))) throw new Error("sentence encoder: tfjs' wasm backend failed to initialise");
		await tf.ready();
	} finally {
		platform.fetch = platformFetch;
		WebAssembly.instantiate = instantiate;
		restoreProcess();
	}
}

async function asset<T>(env: SentenceEncoderEnv, path: string): Promise<T> {
	return (await assetResponse(env, path)).json<T>();
}

async function assetResponse(env: SentenceEncoderEnv, path: string): Promise<Response> {
	const response = await env.USE_LITE_ASSETS.fetch(`${ASSETS_ORIGIN}/${path}`);
	if (!response.ok) {
		throw new Error(
			`sentence encoder: ${path} answered ${response.status} from the USE_LITE_ASSETS binding (run \`node scripts/sentence-encoder-assets.mjs\`)`,
		);
	}
	return response;
}

/**
 * The shards one after another, one 4 MB chunk per shard: tfjs concatenates chunks until a weight
 * is complete, which is quadratic in the number of chunks, so they are not streamed in small pieces.
 */
function shardStream(env: SentenceEncoderEnv, paths: string[]): ReadableStream<ArrayBuffer> {
	let next = 0;
	return new ReadableStream<ArrayBuffer>({
		async pull(controller) {
			if (next === paths.length) return controller.close();
			controller.enqueue(await (await assetResponse(env, paths[next++]!)).arrayBuffer());
		},
	});
}
