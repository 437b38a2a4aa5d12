/**
 * AES-256-GCM sealing of destination secrets at rest (webhook URLs, signing secrets). Sending
 * needs them back in plain text, so they cannot be hashed like API keys; the key lives only in
 * the ALERT_ENCRYPTION_KEY secret. The rule id is bound in as additional data, so a sealed value
 * copied onto another rule (or project) does not open.
 */
const encoder = new TextEncoder();

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function importKey(base64Key: string): Promise<CryptoKey> {
	let raw: Uint8Array<ArrayBuffer>;
	try {
		raw = unb64(base64Key.trim());
	} catch {
		throw new Error("ALERT_ENCRYPTION_KEY is not base64");
	}
	if (raw.length !== 32) throw new Error("ALERT_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)");
	return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function seal(base64Key: string, context: string, plaintext: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const ct = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: encoder.encode(context) },
		await importKey(base64Key),
		encoder.encode(plaintext),
	);
	return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

export async function unseal(base64Key: string, context: string, sealed: string): Promise<string> {
	const [version, iv, ct] = sealed.split(".");
	if (version !== "v1" || !iv || !ct) throw new Error("sealed value has an unknown format");
	const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: encoder.encode(context) }, await importKey(base64Key), unb64(ct));
	return new TextDecoder().decode(pt);
}

/** A fresh key, for `npm start` (local .dev.vars) and deploy. */
export function newEncryptionKey(): string {
	return b64(crypto.getRandomValues(new Uint8Array(32)));
}
