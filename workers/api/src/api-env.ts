import type { AuthVariables } from "#shared/http/api-key-auth";

/** Bindings come from `wrangler types` (worker-configuration.d.ts), checked in CI. */
export type ApiBindings = ApiEnv;

export type ApiContext = { Bindings: ApiBindings; Variables: AuthVariables };
