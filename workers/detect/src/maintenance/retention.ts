import { type DeletionCounts, type DeletionPorts, purgeOlderThan } from "#shared/stores/event-data-deletion";
import { DAY_MS } from "#core/timestamps";

/**
 * Wall time one maintenance run spends on retention across projects. Rounds (EVENTS_PER_ROUND events each) go on
 * until a project is done or the budget is spent, each project getting at least one round, so a project keeps up
 * with what it sends: a fixed 5 rounds per 5-minute run removed at most 288,000 events a day, below what one
 * project at 10 million events a day expires (docs/scaling.md). The deletes are D1 round trips, so Date.now()
 * advances across them in Workers too.
 */
export const RETENTION_BUDGET_MS = 20_000;

export interface ProjectPurge {
	project_id: string;
	deleted: Partial<DeletionCounts>;
	/** False while older events are left for the next run. */
	done: boolean;
}

/**
 * The maintenance cron's retention step: every project with `retention_days` loses its events
 * older than that (and all derived from them), a bounded amount per project per run.
 */
export async function purgeExpiredData(
	ports: DeletionPorts,
	now = Date.now(),
	roundsPerProject = Number.POSITIVE_INFINITY,
	budgetMs = RETENTION_BUDGET_MS,
): Promise<ProjectPurge[]> {
	const deadline = Date.now() + budgetMs;
	const { results: projects } = await ports.db
		.prepare("SELECT id, retention_days FROM projects WHERE retention_days IS NOT NULL AND retention_days > 0")
		.all<{ id: string; retention_days: number }>();
	const purged: ProjectPurge[] = [];
	for (const p of projects) {
		try {
			const { deleted, done } = await purgeOlderThan(ports, p.id, now - p.retention_days * DAY_MS, roundsPerProject, deadline);
			// Only what changed, so the cron's log line stays short.
			const changed = Object.fromEntries(Object.entries(deleted).filter(([, n]) => n > 0));
			if (Object.keys(changed).length) purged.push({ project_id: p.id, deleted: changed, done });
		} catch (err) {
			// One project's failure leaves the others' purge (and the rest of the cron) to run; the next run retries.
			console.error(`retention purge of ${p.id} failed`, err);
		}
	}
	return purged;
}
