import type { EventVectorStore } from "#core/vector-index/event-vectors";
import { D1EventVectorStore } from "./d1-event-vectors";
import { type EventVectorizeLike, VectorizeEventVectorStore } from "./vectorize-event-vectors";

export interface EventVectorEnv {
	DB: D1Database;
	/** Vectorize (production only: wrangler.toml's [env.production]); without it, the D1 store. */
	EVENT_VECTORS?: EventVectorizeLike;
}

/**
 * Every event's vectors: Vectorize where the EVENT_VECTORS binding exists (production), the D1
 * store otherwise. The binding is declared in production's config only, because locally a
 * Vectorize binding exists but every call throws.
 */
export function eventVectorStore(env: EventVectorEnv): EventVectorStore {
	return env.EVENT_VECTORS ? new VectorizeEventVectorStore(env.EVENT_VECTORS) : new D1EventVectorStore(env.DB);
}
