import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiErrorBody, FieldError } from "#core/api-errors";

/** Thrown anywhere in a route; rendered by `onApiError` as the one error shape. */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly details?: FieldError[],
	) {
		super(message);
	}
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: FieldError[]) {
	const body: ApiErrorBody = { error: { code, message, ...(details?.length ? { details } : {}) } };
	return c.json(body, status);
}

export const onApiError: ErrorHandler = (err, c) => {
	if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.details);
	console.error("unhandled error", c.req.method, c.req.path, err);
	return errorResponse(c, 500, "internal_error", "Something went wrong on our side; the request can be retried.");
};

export const onNotFound: NotFoundHandler = (c) => errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}.`);
