import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";

type Scalar = string | number | boolean;

/**
 * Raindrop accepts nested property values (objects, arrays, null); Barometer stores flat
 * string/number/boolean values. A nested value becomes its JSON text, a null is dropped, and
 * the SDK's own `$context` (library name and version, the same on every call) becomes one
 * `raindrop_sdk` property. The result then passes Barometer's own property limits.
 */
export function flattenRaindropValues(value: unknown, keepNull = false): unknown {
	if (!value || typeof value !== "object" || Array.isArray(value)) return value;
	const out: Record<string, Scalar | null> = {};
	for (const [key, v] of Object.entries(value)) {
		if (key === "$context") {
			const lib = (v as { library?: { name?: unknown; version?: unknown } } | null)?.library;
			if (typeof lib?.name === "string") out.raindrop_sdk = `${lib.name}@${String(lib.version ?? "")}`;
			continue;
		}
		if (v === undefined || (v === null && !keepNull)) continue;
		out[key] = v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : JSON.stringify(v);
	}
	return out;
}

/** A Raindrop record (properties, traits) as Barometer's flat schema `target` sees it; traits keep null (it removes a trait). */
export const raindropRecord = <T extends z.ZodType>(target: T, keepNull = false) => z.preprocess((v) => flattenRaindropValues(v, keepNull), target);

/** Hex sha-256 of a string, cut to `chars`: ids derived from content, so a resent item gets the same id. */
export function contentId(text: string, chars = 32): string {
	return bytesToHex(sha256(utf8ToBytes(text))).slice(0, chars);
}

/**
 * Raindrop signal names are free text ("self diagnostics - missing_context"); Barometer's are
 * lowercase slugs. Other characters become `_`, and a name with no letter first gets a prefix.
 */
export function signalSlug(name: string): string {
	let slug = name
		.toLowerCase()
		.replace(/[^a-z0-9_.:-]+/g, "_")
		.replace(/^_+|_+$/g, "");
	if (!/^[a-z]/.test(slug)) slug = `signal_${slug}`.replace(/_+$/, "");
	return slug.slice(0, 64);
}
