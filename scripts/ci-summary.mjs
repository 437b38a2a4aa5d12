// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest/results.json";
let report;
try {
	report = JSON.parse(readFileSync(file, "utf8"));
} catch {
	console.log("0 passed, 1 failed");
	process.exit(1);
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A suite that failed to load has no test results; count it as a failure rather than nothing.
const failedSuites = (report.testResults ?? []).filter((r) => r.status === "failed" && (r.assertionResults ?? []).length === 0).length;
console.log(`${report.numPassedTests} passed, ${report.numFailedTests + failedSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
