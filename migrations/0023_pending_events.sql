CREATE TABLE `pending_events` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`merged` text NOT NULL,
	`parts` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finalized_at` integer,
	PRIMARY KEY(`project_id`, `event_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `pending_events_open_idx` ON `pending_events` (`finalized_at`,`updated_at`);