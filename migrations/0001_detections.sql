CREATE TABLE `custom_signals` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`polarity` text NOT NULL,
	`field` text NOT NULL,
	`kind` text NOT NULL,
	`pattern` text NOT NULL,
	`case_sensitive` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `custom_signals_project_idx` ON `custom_signals` (`project_id`);--> statement-breakpoint
CREATE TABLE `detections` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`signal` text NOT NULL,
	`score` real NOT NULL,
	`stage` text NOT NULL,
	`evidence_field` text,
	`evidence_start` integer,
	`evidence_end` integer,
	`evidence_text` text,
	`reason` text,
	`user_id` text NOT NULL,
	`convo_id` text,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`, `signal`)
);
--> statement-breakpoint
CREATE INDEX `detections_project_signal_time_idx` ON `detections` (`project_id`,`signal`,`timestamp`);--> statement-breakpoint
CREATE TABLE `llm_budget` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`project_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `user_days` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`project_id`, `day`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `user_signal_days` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`project_id`, `signal`, `day`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `user_signal_days_day_idx` ON `user_signal_days` (`project_id`,`day`);