import { resolveInstanceUrl } from "../scripts/local-instance.mjs";

export const LOCAL_WRITE_KEY = "bm_write_localdev00000000000000000000";
export const LOCAL_ADMIN_KEY = "bm_admin_localdev00000000000000000000";

export function flag(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
}

export const positional = (args: string[], valued: string[]) => args.filter((a, i) => !a.startsWith("--") && !valued.includes(args[i - 1] ?? ""));

/**
 * Where the CLI talks to, and with which key: --url, then BAROMETER_URL, then PORT, then the local
 * instance `npm start` runs (scripts/local-instance.mjs); a local URL gets the local keys by default.
 */
export async function instance(args: string[], keyKind: "write" | "admin", env: Record<string, string | undefined> = process.env) {
	const { url } = await resolveInstanceUrl({ url: flag(args, "--url"), env });
	const local = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(url);
	const key =
		flag(args, "--key") ??
		(keyKind === "write" ? env.BAROMETER_WRITE_KEY : env.BAROMETER_ADMIN_KEY) ??
		(local ? (keyKind === "write" ? LOCAL_WRITE_KEY : LOCAL_ADMIN_KEY) : undefined);
	return { url, key };
}

/** A JSON call to an instance's API with a key; an error answer throws "HTTP <status>: <message>". */
export function apiCaller(url: string, key: string) {
	return async (method: string, path: string, body?: unknown): Promise<unknown> => {
		const res = await fetch(`${url}${path}`, {
			method,
			headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		}).catch((err: Error) => {
			throw new Error(
				`cannot reach ${url} (${err.message}). Start an instance with npm start, or say where yours is: --url, PORT or BAROMETER_URL (one started with BAROMETER_STATE=<dir> is found with the same BAROMETER_STATE)`,
			);
		});
		const parsed = res.status === 204 ? {} : ((await res.json().catch(() => ({}))) as { error?: { message: string } });
		if (!res.ok) throw new Error(`HTTP ${res.status}: ${(parsed as { error?: { message: string } }).error?.message ?? ""}`);
		return parsed;
	};
}
