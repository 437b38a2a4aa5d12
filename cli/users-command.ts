import type { UserDeletionResponse } from "../core/api/users";
import { apiCaller, instance, positional } from "./instance";

const USAGE = "usage: barometer users delete USER_ID [--url URL] [--key ADMIN_KEY]";

/** Calls per deletion at most (2,000 events each): a user larger than this is reported as unfinished. */
const MAX_CALLS = 1000;

/**
 * `barometer users delete`: deletes a user's data in the key's project. The API deletes a bounded
 * number of events per call (202 while some remain); this calls again until it answers 200.
 */
export async function usersCommand(
	args: string[],
	out: (s: string) => void = (s) => process.stdout.write(s),
	err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
	const [action, userId, ...rest] = positional(args, ["--url", "--key"]);
	if (action !== "delete" || !userId || rest.length) {
		err(`${USAGE}\n`);
		return 2;
	}
	const { url, key } = await instance(args, "admin");
	if (!key) {
		err("barometer users: give an admin key with --key or BAROMETER_ADMIN_KEY\n");
		return 2;
	}
	const call = apiCaller(url, key);
	const total: Record<string, number> = {};
	try {
		for (let calls = 0; calls < MAX_CALLS; calls++) {
			const { data } = (await call("DELETE", `/api/users/${encodeURIComponent(userId)}`)) as UserDeletionResponse;
			for (const [table, n] of Object.entries(data.deleted)) total[table] = (total[table] ?? 0) + n;
			if (data.done) {
				for (const [table, n] of Object.entries(total)) if (n > 0) out(`${table}\t${n}\n`);
				err(`Deleted user ${userId}.\n`);
				return 0;
			}
			err(`${data.remaining_events} events left…\n`);
		}
		err(`barometer users: user ${userId} is not fully deleted yet; run the command again to continue.\n`);
		return 1;
	} catch (e) {
		err(`barometer users: ${(e as Error).message}\n`);
		return 1;
	}
}
