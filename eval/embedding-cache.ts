// Sentence vectors of the eval and training texts, kept on disk between runs (.cache/, not
// committed): training and eval embed ~40k texts, ~4 minutes on one core, and most runs
// change a model, not the texts. Keyed by the encoder's name and the exact text.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import type { Embedder } from "#core/embedding/embedder";

export class CachedEmbedder implements Embedder {
	readonly model: string;
	readonly dimensions: number;
	private readonly vectors = new Map<string, Float32Array>();
	private readonly file: string;

	constructor(
		private readonly inner: Embedder,
		dir = ".cache",
	) {
		this.model = inner.model;
		this.dimensions = inner.dimensions;
		mkdirSync(dir, { recursive: true });
		this.file = `${dir}/vectors-${inner.model}.bin`;
		if (existsSync(this.file)) this.read(readFileSync(this.file));
	}

	async embed(texts: string[]): Promise<Float32Array[]> {
		const missing = [...new Set(texts.filter((t) => !this.vectors.has(t)))];
		if (missing.length) {
			const fresh = await this.inner.embed(missing);
			const records: Buffer[] = [];
			missing.forEach((t, i) => {
				this.vectors.set(t, fresh[i]!);
				const text = Buffer.from(t, "utf8");
				const head = Buffer.alloc(4);
				head.writeUInt32LE(text.length);
				records.push(head, text, Buffer.from(fresh[i]!.buffer, fresh[i]!.byteOffset, fresh[i]!.byteLength));
			});
			appendFileSync(this.file, Buffer.concat(records));
		}
		return texts.map((t) => this.vectors.get(t)!);
	}

	private read(buf: Buffer) {
		const bytes = this.dimensions * 4;
		for (let at = 0; at + 4 <= buf.length; ) {
			const len = buf.readUInt32LE(at);
			if (at + 4 + len + bytes > buf.length) break; // a record cut short by an interrupted run
			const text = buf.toString("utf8", at + 4, at + 4 + len);
			const v = new Float32Array(this.dimensions);
			buf.copy(Buffer.from(v.buffer), 0, at + 4 + len, at + 4 + len + bytes);
			this.vectors.set(text, v);
			at += 4 + len + bytes;
		}
	}
}
