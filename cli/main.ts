import { clusterCommand } from "./cluster-command";
import { deadLettersCommand } from "./dead-letters-command";
import { deepSearchCommand } from "./deep-search-command";
import { detectCommand } from "./detect-command";
import { importCommand } from "./import-command";
import { keysCommand } from "./keys-command";
import { usersCommand } from "./users-command";

const HELP = `barometer: production monitoring for AI products

  barometer detect FILE.jsonl [-o OUT]   detect signals in {"id","input","output","history"} lines
  barometer cluster FILE.jsonl [--field input|output] [-o OUT]
                                        group {"id","input","output"} lines into named clusters
  barometer deep-search FILE.jsonl --definition TEXT [--examples FILE] [--oracle LABELS.jsonl] [--budget 20]
                                        find the events a definition in words describes: the loop asks
                                        --oracle ({"id","match"} lines) for up to --budget labels, then
                                        writes {"id","match","score"} per line; calibration on stderr
  barometer import FILE.jsonl [--url URL] [--key WRITE_KEY] [--rate N] [--max N] [--restart]
                                        backfill events (and feedback) to an instance; resumable
  barometer keys list|create|revoke [--url URL] [--key ADMIN_KEY]
                                        manage the project's API keys
  barometer dead-letters list|replay (--all | ID...) [--url URL] [--key ADMIN_KEY]
                                        see messages that could not be stored; re-send them
  barometer users delete USER_ID [--url URL] [--key ADMIN_KEY]
                                        delete a user's data (events and all derived from them)

detect, cluster and deep-search run the workers' code offline, with the embedded embedder. import, keys,
dead-letters and users talk to an instance: --url, else BAROMETER_URL, else http://localhost:$PORT, else the one
npm start runs (it records its URL in .wrangler/state/instance.json, or $BAROMETER_STATE/instance.json), else
http://localhost:8787; and a key (or BAROMETER_WRITE_KEY / BAROMETER_ADMIN_KEY; the local instance's keys by default).`;

export async function main(argv: string[]): Promise<number> {
	const [command, ...args] = argv;
	switch (command) {
		case "detect":
			return detectCommand(args);
		case "cluster":
			return clusterCommand(args);
		case "deep-search":
			return deepSearchCommand(args);
		case "import":
			return importCommand(args);
		case "keys":
			return keysCommand(args);
		case "dead-letters":
			return deadLettersCommand(args);
		case "users":
			return usersCommand(args);
		case undefined:
		case "help":
		case "--help":
		case "-h":
			console.log(HELP);
			return 0;
		default:
			console.error(`barometer: unknown command "${command}"\n\n${HELP}`);
			return 2;
	}
}
