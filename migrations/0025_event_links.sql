CREATE TABLE `event_links` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`source` text NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`, `source`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `event_links_received_idx` ON `event_links` (`received_at`);