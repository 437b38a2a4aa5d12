CREATE TABLE `issue_exemplars` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`signal` text NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`issue_id` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`indexed_at` integer
);
--> statement-breakpoint
CREATE INDEX `issue_exemplars_pending_idx` ON `issue_exemplars` (`indexed_at`);