import type { z } from "zod";

/** The one error shape of every route: `{ "error": { "code", "message", "details" } }`. */
export interface FieldError {
	field: string;
	message: string;
}

export interface ApiErrorBody {
	error: { code: string; message: string; details?: FieldError[] };
}

/** `events[2].tool_calls[0].name` style paths, so a client can find the offending field. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
	let out = prefix;
	for (const part of path) {
		out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
	}
	return out || "body";
}

/**
 * A wrong type is named as such ("must be a string"), a missing field as "is required". Parses that pass
 * `{ reportInput: true }` let the two be told apart; without it every type error reads "is required".
 */
export function fieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
	return error.issues.map((issue) => {
		const known = "input" in issue;
		const missing = issue.code === "invalid_type" && (!known || issue.input === undefined);
		const wrongType = issue.code === "invalid_type" && !missing && issue.message.startsWith("Invalid input");
		const expected = issue.code === "invalid_type" ? String(issue.expected) : "";
		return {
			field: fieldPath(prefix, issue.path),
			message: missing ? "is required" : wrongType ? `must be ${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}` : issue.message,
		};
	});
}
