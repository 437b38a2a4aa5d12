/**
 * The signed-in key lives in this browser's localStorage only; the bundle never holds a
 * secret. A `#key=…` fragment (printed by `npm start`) signs in once and is then removed.
 */
export interface Session {
	baseUrl: string;
	key: string;
}

const STORAGE_KEY = "barometer.session";

export function loadSession(storage: Pick<Storage, "getItem">): Session | null {
	try {
		const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null") as Partial<Session> | null;
		return parsed && typeof parsed.key === "string" && typeof parsed.baseUrl === "string" ? { key: parsed.key, baseUrl: parsed.baseUrl } : null;
	} catch {
		return null;
	}
}

export function saveSession(storage: Pick<Storage, "setItem" | "removeItem">, session: Session | null): void {
	if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
	else storage.removeItem(STORAGE_KEY);
}

export function keyFromFragment(hash: string): string | null {
	const key = new URLSearchParams(hash.replace(/^#/, "")).get("key");
	return key && /^bm_(read|admin)_[A-Za-z0-9]+$/.test(key) ? key : null;
}
