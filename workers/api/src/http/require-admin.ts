import { createMiddleware } from "hono/factory";
import { ApiError } from "#shared/http/api-error";
import type { ApiContext } from "../api-env";

/** Routes that change project data need the admin key; read keys only read. */
export const requireAdmin = createMiddleware<ApiContext>(async (c, next) => {
	if (c.get("keyKind") !== "admin")
		throw new ApiError(403, "wrong_key_kind", `This is a ${c.get("keyKind")} key. Changing project settings needs the project's admin key.`);
	await next();
});
