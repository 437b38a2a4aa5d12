import type { Context } from "hono";
import { LIMITS } from "#core/limits";
import { ApiError } from "./api-error";

/**
 * Reads and parses a JSON body, refusing oversize bodies before and after reading
 * (Content-Length can be absent or wrong with chunked uploads).
 */
export async function readJsonBody(c: Context, maxBytes: number = LIMITS.bodyBytes): Promise<unknown> {
	const tooLarge = () => new ApiError(413, "payload_too_large", `The body must be at most ${maxBytes} bytes; split the batch.`);
	const declared = Number(c.req.header("content-length"));
	if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
	const buffer = await c.req.arrayBuffer();
	if (buffer.byteLength > maxBytes) throw tooLarge();
	if (buffer.byteLength === 0) throw new ApiError(400, "invalid_json", "The body is empty; send a JSON object.");
	try {
		return JSON.parse(new TextDecoder().decode(buffer));
	} catch (err) {
		throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(err as Error).message}`);
	}
}
