CREATE TABLE `deep_search_candidates` (
	`search_id` text NOT NULL,
	`event_id` text NOT NULL,
	`source` text NOT NULL,
	`added_at` integer NOT NULL,
	`checked_match` integer,
	`checked_reason` text,
	PRIMARY KEY(`search_id`, `event_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `deep_search_labels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`search_id` text NOT NULL,
	`event_id` text NOT NULL,
	`match` integer NOT NULL,
	`labelled_by` text NOT NULL,
	`labelled_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deep_search_labels_search_idx` ON `deep_search_labels` (`search_id`,`event_id`,`id`);--> statement-breakpoint
CREATE TABLE `deep_search_versions` (
	`search_id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`model` text NOT NULL,
	`threshold` real NOT NULL,
	`calibration` text NOT NULL,
	`question` text,
	`labels` integer NOT NULL,
	`by` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`search_id`, `version`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `deep_searches` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`definition` text NOT NULL,
	`definition_vector` blob NOT NULL,
	`embedder` text NOT NULL,
	`version` integer NOT NULL,
	`saved_version` integer,
	`signal_name` text,
	`polarity` text,
	`job_id` text,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `deep_searches_project_idx` ON `deep_searches` (`project_id`,`created_at`);