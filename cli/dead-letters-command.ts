import type { DeadLetterPage, ReplayResponse } from "../core/api/dead-letters";
import { apiCaller, flag, instance, positional } from "./instance";

const USAGE = `usage: barometer dead-letters list [--limit N] [--url URL] [--key ADMIN_KEY]
       barometer dead-letters replay (--all | ID...) [--url URL] [--key ADMIN_KEY]`;

/** `barometer dead-letters`: list the messages the instance could not store, and replay them to the events queue. */
export async function deadLettersCommand(
	args: string[],
	out: (s: string) => void = (s) => process.stdout.write(s),
	err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
	const [action, ...ids] = positional(args, ["--url", "--key", "--limit"]);
	const { url, key } = await instance(args, "admin");
	if (!key) {
		err("barometer dead-letters: give an admin key with --key or BAROMETER_ADMIN_KEY\n");
		return 2;
	}
	const call = apiCaller(url, key);
	try {
		if (action === "list") {
			const limit = flag(args, "--limit");
			let cursor: string | null = null;
			let shown = 0;
			// Every page, newest first, unless --limit caps the count.
			do {
				const page = Math.min(100, limit ? Number(limit) - shown : 100);
				const query: string = `?limit=${page}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
				const res = (await call("GET", `/api/dead-letters${query}`)) as DeadLetterPage;
				for (const d of res.data) out(`${d.id}\t${d.received_at}\t${d.queue}\tattempts ${d.attempts}\t${d.reason.replace(/\s+/g, " ")}\n`);
				shown += res.data.length;
				cursor = res.next_cursor;
			} while (cursor && (!limit || shown < Number(limit)));
			if (shown === 0) err("No dead letters.\n");
			return 0;
		}
		if (action === "replay") {
			const all = args.includes("--all");
			if (all === ids.length > 0) throw new Error("give --all or dead letter ids (from `barometer dead-letters list`), not both");
			let replayed = 0;
			if (all) {
				let remaining = 0;
				let round = 0;
				do {
					const res = (await call("POST", "/api/dead-letters/replay", { all: true })) as ReplayResponse;
					replayed += res.replayed;
					remaining = res.remaining ?? 0;
					round = res.replayed;
				} while (remaining > 0 && round > 0);
				err(`Replayed ${replayed} dead letter${replayed === 1 ? "" : "s"}${remaining > 0 ? `; ${remaining} left` : ""}.\n`);
			} else {
				for (let i = 0; i < ids.length; i += 100)
					replayed += ((await call("POST", "/api/dead-letters/replay", { ids: ids.slice(i, i + 100) })) as ReplayResponse).replayed;
				const missing = ids.length - replayed;
				err(`Replayed ${replayed} of ${ids.length}${missing > 0 ? ` (${missing} not found in this project)` : ""}.\n`);
			}
			out(`${replayed}\n`);
			return 0;
		}
		err(`${USAGE}\n`);
		return 2;
	} catch (e) {
		err(`barometer dead-letters: ${(e as Error).message}\n`);
		return 1;
	}
}
