import { sql } from "drizzle-orm";
import * as schema from "#db/schema";
import type { Db, Write } from "./message-writes";

/** Event properties whose first sighting is a release marker, besides the model. */
const MARKED_PROPERTIES = ["prompt_version", "release"] as const;

/**
 * The event's model, `prompt_version` and `release` values, each kept with the earliest time it
 * was seen (min: a replayed or late event never moves a marker later, and, the row left as it is,
 * costs no row written: most events repeat a model already seen). Property values are cast
 * to text in SQL, as the markers were read before (a number 2 is "2", true is "1").
 */
export function firstSeenWrites(db: Db, projectId: string, event: { timestamp: number; model?: string | null; properties: Record<string, unknown> }): Write[] {
	const t = schema.firstSeenValues;
	const upsert = (kind: (typeof schema.FIRST_SEEN_KINDS)[number], value: string | ReturnType<typeof sql>) =>
		db
			.insert(t)
			.values({ projectId, kind, value, firstSeen: event.timestamp })
			.onConflictDoUpdate({
				target: [t.projectId, t.kind, t.value],
				set: { firstSeen: sql`min(${t.firstSeen}, excluded.first_seen)` },
				setWhere: sql`excluded.first_seen < ${t.firstSeen}`,
			});
	const writes: Write[] = [];
	if (event.model) writes.push(upsert("model", event.model));
	const properties = JSON.stringify(event.properties);
	for (const key of MARKED_PROPERTIES) {
		if (event.properties[key] === undefined || event.properties[key] === null) continue;
		writes.push(upsert(key, sql`CAST(json_extract(${properties}, ${`$.${key}`}) AS TEXT)`));
	}
	return writes;
}
