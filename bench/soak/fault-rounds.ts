import { spawnSync } from "node:child_process";

/**
 * The detect consumer's fault injection (workers/detect/test/fault-injection.test.ts) with many rounds.
 * It runs inside workerd, where the host's environment is not visible: vitest hands variables prefixed
 * VITE_ to `import.meta.env`, so the round count travels as VITE_SOAK_FAULT_ROUNDS. Vite writes that value into
 * the transformed module, which vitest caches on disk by content: without --no-fsModuleCache a run would
 * reuse the count of an earlier one.
 */
export interface FaultRounds {
	rounds: number;
	passed: number;
	failed: number;
	tests: string[];
	seconds: number;
	output: string;
}

export function runFaultRounds(rounds: number): FaultRounds {
	const started = Date.now();
	const result = spawnSync(
		"npx",
		["vitest", "run", "--project", "detect", "workers/detect/test/fault-injection.test.ts", "--reporter=verbose", "--no-fsModuleCache"],
		{
			env: { ...process.env, VITE_SOAK_FAULT_ROUNDS: String(rounds), FORCE_COLOR: "0", NO_COLOR: "1" },
			encoding: "utf8",
			maxBuffer: 64 * 1024 * 1024,
			timeout: 30 * 60_000,
		},
	);
	const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
	const count = (word: string) => Number(new RegExp(`Tests\\s+.*?(\\d+) ${word}`).exec(output)?.[1] ?? 0);
	const tests = output
		.split("\n")
		.filter((l) => /^\s*[✓×]/.test(l))
		.map((l) => l.trim());
	return {
		rounds,
		passed: count("passed"),
		failed: count("failed") + (result.status === 0 ? 0 : count("failed") === 0 ? 1 : 0),
		tests,
		seconds: Math.round((Date.now() - started) / 1000),
		output: output.slice(-4000),
	};
}
