// Page cursors, free of any schema library: the dashboard bundles this file, and the API reads what it writes.

/** Position after the last row of a page, in (timestamp desc, event_id desc) order. */
export interface EventCursor {
	timestamp: number;
	eventId: string;
}

/** Opaque cursors: JSON as base64url, so a client passes them back without reading them. */
export function toBase64Url(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): string {
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function encodeCursor(cursor: EventCursor): string {
	return toBase64Url(JSON.stringify([cursor.timestamp, cursor.eventId]));
}

export function decodeCursor(value: string): EventCursor | undefined {
	try {
		const parsed: unknown = JSON.parse(fromBase64Url(value));
		if (Array.isArray(parsed) && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === "string" && parsed[1].length <= 500) {
			return { timestamp: parsed[0], eventId: parsed[1] };
		}
	} catch {
		// fall through: a malformed cursor is reported as a field error below
	}
	return undefined;
}
