import type { z } from "zod";
import type { apiKeyListSchema, newKeyResponseSchema } from "../core/api/project";
import { apiCaller, flag, instance, positional } from "./instance";

const USAGE = `usage: barometer keys list [--url URL] [--key ADMIN_KEY]
       barometer keys create --kind write|read|admin [--name NAME] [--url URL] [--key ADMIN_KEY]
       barometer keys revoke KEY_ID [--url URL] [--key ADMIN_KEY]`;

/** `barometer keys`: list, create (the key is printed once) and revoke keys of an instance's project. */
export async function keysCommand(
	args: string[],
	out: (s: string) => void = (s) => process.stdout.write(s),
	err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
	const [action, id] = positional(args, ["--url", "--key", "--kind", "--name"]);
	const { url, key } = await instance(args, "admin");
	if (!key) {
		err("barometer keys: give an admin key with --key or BAROMETER_ADMIN_KEY\n");
		return 2;
	}
	const call = apiCaller(url, key);
	try {
		if (action === "list") {
			const { data } = (await call("GET", "/api/project/keys")) as z.infer<typeof apiKeyListSchema>;
			for (const k of data) out(`${k.id}\t${k.kind}\t${k.prefix}…\t${k.name}\t${k.revoked_at ? `revoked ${k.revoked_at}` : "active"}\n`);
			return 0;
		}
		if (action === "create") {
			const kind = flag(args, "--kind");
			if (!kind) throw new Error("--kind write|read|admin is required");
			const { data } = (await call("POST", "/api/project/keys", { kind, name: flag(args, "--name") ?? `${kind} key (cli)` })) as z.infer<
				typeof newKeyResponseSchema
			>;
			out(`${data.key}\n`);
			err(`Created ${kind} key ${data.id}. It is shown only now: store it somewhere safe.\n`);
			return 0;
		}
		if (action === "revoke") {
			if (!id) throw new Error("give the key id (from `barometer keys list`)");
			await call("DELETE", `/api/project/keys/${encodeURIComponent(id)}`);
			err(`Revoked ${id}; it stops working within a minute.\n`);
			return 0;
		}
		err(`${USAGE}\n`);
		return 2;
	} catch (e) {
		err(`barometer keys: ${(e as Error).message}\n`);
		return 1;
	}
}
