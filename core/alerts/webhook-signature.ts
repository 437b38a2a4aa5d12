/**
 * Generic webhooks are signed so a receiver can tell they came from Barometer and were not
 * replayed: HMAC-SHA256 over `${timestamp}.${body}` with the rule's secret, hex-encoded.
 *
 *   Barometer-Timestamp: 1767225600          (Unix seconds when sent)
 *   Barometer-Signature: v1=5f2b…            (hex HMAC-SHA256(secret, timestamp + "." + body))
 *   Barometer-Delivery:  alr_…               (the same id on every retry of one alert)
 */
export const SIGNATURE_HEADER = "Barometer-Signature";
export const TIMESTAMP_HEADER = "Barometer-Timestamp";
export const DELIVERY_HEADER = "Barometer-Delivery";

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
	const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
	return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
	return `v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** A receiver's check: the signature matches and the timestamp is within `toleranceSeconds` of now. */
export async function verifyWebhook(
	secret: string,
	headers: { signature: string | null; timestamp: string | null },
	body: string,
	nowSeconds = Math.floor(Date.now() / 1000),
	toleranceSeconds = 300,
): Promise<boolean> {
	const ts = Number(headers.timestamp);
	if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
	const expected = await signWebhook(secret, ts, body);
	// Constant-time comparison: do not leak how many leading characters matched.
	const given = headers.signature.split(",").map((s) => s.trim());
	return given.some((g) => g.length === expected.length && [...g].reduce((diff, ch, i) => diff | (ch.charCodeAt(0) ^ expected.charCodeAt(i)), 0) === 0);
}
