/**
 * The trimmed GloVe table (built by scripts/build-embeddings.mjs): words in corpus
 * frequency order, int8 vectors with one float scale per word, and the SIF common
 * component. Binary layout, little-endian:
 *   "GLV1" | u32 words | u32 dims | f32 scale[words] | i8 vector[words*dims] | f32 pc[dims] | utf8 words joined by "\n"
 */
export interface GloveTable {
	dims: number;
	words: string[];
	/** word → row; the row is also the frequency rank (0 = most frequent). */
	index: Map<string, number>;
	scales: Float32Array;
	vectors: Int8Array;
	commonComponent: Float32Array;
}

export function decodeGloveTable(buffer: ArrayBuffer): GloveTable {
	const view = new DataView(buffer);
	const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
	if (magic !== "GLV1") throw new Error("not a GloVe table (bad magic)");
	const n = view.getUint32(4, true);
	const dims = view.getUint32(8, true);
	let offset = 12;
	const scales = new Float32Array(buffer.slice(offset, offset + 4 * n));
	offset += 4 * n;
	const vectors = new Int8Array(buffer, offset, n * dims);
	offset += n * dims;
	const commonComponent = new Float32Array(buffer.slice(offset, offset + 4 * dims));
	offset += 4 * dims;
	const words = new TextDecoder().decode(new Uint8Array(buffer, offset)).split("\n");
	if (words.length !== n) throw new Error(`GloVe table holds ${words.length} words, header says ${n}`);
	const index = new Map<string, number>();
	words.forEach((w, i) => index.set(w, i));
	return { dims, words, index, scales, vectors, commonComponent };
}

export function encodeGloveTable(t: Omit<GloveTable, "index">): Uint8Array {
	const n = t.words.length;
	const wordBytes = new TextEncoder().encode(t.words.join("\n"));
	const out = new Uint8Array(12 + 4 * n + n * t.dims + 4 * t.dims + wordBytes.length);
	const view = new DataView(out.buffer);
	out.set([0x47, 0x4c, 0x56, 0x31]);
	view.setUint32(4, n, true);
	view.setUint32(8, t.dims, true);
	let offset = 12;
	out.set(new Uint8Array(t.scales.buffer, t.scales.byteOffset, 4 * n), offset);
	offset += 4 * n;
	out.set(new Uint8Array(t.vectors.buffer, t.vectors.byteOffset, n * t.dims), offset);
	offset += n * t.dims;
	out.set(new Uint8Array(t.commonComponent.buffer, t.commonComponent.byteOffset, 4 * t.dims), offset);
	offset += 4 * t.dims;
	out.set(wordBytes, offset);
	return out;
}

export function base64ToArrayBuffer(base64: string): ArrayBuffer {
	const binary = atob(base64);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes.buffer;
}
