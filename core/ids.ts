const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Random base62 string from the platform CSPRNG (Web Crypto: Workers and Node alike). */
export function randomToken(length: number): string {
	const bytes = crypto.getRandomValues(new Uint8Array(length));
	let out = "";
	// 62 * 4 = 248: rejecting bytes >= 248 keeps every character equally likely.
	for (let i = 0; out.length < length; i++) {
		if (i >= bytes.length) {
			crypto.getRandomValues(bytes);
			i = 0;
		}
		const b = bytes[i]!;
		if (b < 248) out += ALPHABET[b % 62];
	}
	return out;
}

/** Prefixed ids a human reads: `sig_…`, `prj_…`, `key_…`, `dlq_…`. */
export function newId(prefix: string): string {
	return `${prefix}_${randomToken(20)}`;
}
