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

export function fieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
	return error.issues.map((issue) => ({
		field: fieldPath(prefix, issue.path),
		message: issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message,
	}));
}
