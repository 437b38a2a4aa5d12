import type { z } from "zod";
import { fieldErrors, type FieldError } from "./api-errors";

export type ItemResult = { index: number; id?: string; status: "accepted" } | { index: number; id?: string; status: "rejected"; errors: FieldError[] };

export interface BatchValidation<T> {
	accepted: { index: number; value: T }[];
	results: ItemResult[];
}

const encoder = new TextEncoder();

/**
 * Validates each item of a batch on its own, so one bad item never costs the valid ones.
 * `listName` and `idField` only shape the per-item results (`events[3].user_id`).
 */
export function validateBatchItems<S extends z.ZodType>(
	items: unknown[],
	schema: S,
	opts: { listName: string; idField: string; maxItemBytes: number },
): BatchValidation<z.output<S>> {
	const accepted: { index: number; value: z.output<S> }[] = [];
	const results: ItemResult[] = items.map((item, index) => {
		const prefix = `${opts.listName}[${index}]`;
		const rawId = item && typeof item === "object" ? (item as Record<string, unknown>)[opts.idField] : undefined;
		const id = typeof rawId === "string" ? rawId : undefined;
		const json = JSON.stringify(item) ?? "";
		// UTF-8 takes at most 3 bytes per UTF-16 unit: most items are far below the limit, and only the rest are encoded.
		const bytes = json.length * 3 <= opts.maxItemBytes ? json.length : encoder.encode(json).byteLength;
		if (bytes > opts.maxItemBytes) {
			return {
				index,
				id,
				status: "rejected",
				errors: [{ field: prefix, message: `is ${bytes} bytes; at most ${opts.maxItemBytes} bytes per item` }],
			};
		}
		const parsed = schema.safeParse(item, { reportInput: true });
		if (!parsed.success) return { index, id, status: "rejected", errors: fieldErrors(parsed.error, prefix) };
		accepted.push({ index, value: parsed.data });
		return { index, id, status: "accepted" };
	});
	return { accepted, results };
}
