import { ApiError } from "#shared/http/api-error";

/**
 * A request body as sent, or unzipped when the exporter compressed it (`Content-Encoding: gzip` or
 * `deflate`, which OTLP exporters offer: `compression: "gzip"`, OTEL_EXPORTER_OTLP_COMPRESSION). The
 * unzipped size is bounded while it streams, so a small bomb cannot fill memory: past `max` bytes it is
 * a 413. Any other encoding is a 415 naming the header.
 */
export async function decodedBody(req: Request, max: number): Promise<Uint8Array> {
	const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
	const tooLarge = () => new ApiError(413, "payload_too_large", `An export must be at most ${max} bytes (after decompression).`);
	if (encoding === "identity" || encoding === "") {
		const bytes = new Uint8Array(await req.arrayBuffer());
		if (bytes.byteLength > max) throw tooLarge();
		return bytes;
	}
	if (encoding !== "gzip" && encoding !== "deflate")
		throw new ApiError(415, "unsupported_media_type", "Send the body uncompressed, or gzip or deflate compressed.", [
			{ field: "content-encoding", message: `is ${encoding}; use gzip, deflate or none` },
		]);
	if (!req.body) return new Uint8Array(0);
	const reader = req.body.pipeThrough(new DecompressionStream(encoding)).getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > max) {
				await reader.cancel();
				throw tooLarge();
			}
			chunks.push(value);
		}
	} catch (err) {
		if (err instanceof ApiError) throw err;
		throw new ApiError(400, "invalid_otlp", `The body is not valid ${encoding} data: ${(err as Error).message}`, [
			{ field: "content-encoding", message: `says ${encoding}, but the body could not be decompressed` },
		]);
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}
