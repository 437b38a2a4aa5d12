CREATE TABLE `event_vectors` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`part` text NOT NULL,
	`model` text NOT NULL,
	`timestamp` integer NOT NULL,
	`code` blob NOT NULL,
	`vector` blob NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_vectors_project_event_part_idx` ON `event_vectors` (`project_id`,`event_id`,`part`,`model`);--> statement-breakpoint
CREATE INDEX `event_vectors_project_seq_idx` ON `event_vectors` (`project_id`,`seq`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`cursor` text,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_state_updated_idx` ON `jobs` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `jobs_project_created_idx` ON `jobs` (`project_id`,`created_at`);--> statement-breakpoint
-- Hand-written: events stored before this migration have no vectors. One backfill job per project that
-- has events (the detect worker's cron runs it, a bounded slice per tick; GET /api/jobs shows progress).
INSERT INTO `jobs` (`id`, `project_id`, `kind`, `state`, `params`, `done`, `total`, `created_at`, `updated_at`)
SELECT 'job_' || lower(hex(randomblob(8))), p.`id`, 'event_vectors', 'queued', '{}', 0,
	(SELECT count(*) FROM `events` e WHERE e.`project_id` = p.`id`),
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM `projects` p WHERE EXISTS (SELECT 1 FROM `events` e WHERE e.`project_id` = p.`id`);
