import { GLOVE_TABLE_BASE64 } from "./glove-table.generated";
import { base64ToArrayBuffer, decodeGloveTable } from "./glove-table";
import { SifEmbedder } from "./sif-embedder";

let shared: SifEmbedder | undefined;

/** The embedded offline embedder, decoded once per isolate or process (~2.7 MB table). */
export function defaultEmbedder(): SifEmbedder {
	shared ??= new SifEmbedder(decodeGloveTable(base64ToArrayBuffer(GLOVE_TABLE_BASE64)));
	return shared;
}
