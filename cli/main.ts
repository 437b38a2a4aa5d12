import { clusterCommand } from "./cluster-command";
import { detectCommand } from "./detect-command";

const HELP = `barometer: production monitoring for AI products

  barometer detect FILE.jsonl [-o OUT]   detect signals in {"id","input","output","history"} lines
  barometer cluster FILE.jsonl [--field input|output] [-o OUT]
                                        group {"id","input","output"} lines into named clusters

Same code as the workers, offline, with the embedded embedder.`;

export async function main(argv: string[]): Promise<number> {
	const [command, ...args] = argv;
	switch (command) {
		case "detect":
			return detectCommand(args);
		case "cluster":
			return clusterCommand(args);
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
