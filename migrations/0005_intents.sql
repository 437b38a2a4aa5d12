CREATE TABLE `event_intents` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`intent_id` text NOT NULL,
	`user_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `event_intents_intent_idx` ON `event_intents` (`intent_id`,`day`);--> statement-breakpoint
CREATE TABLE `intent_candidates` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`text` text NOT NULL,
	`user_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `intent_candidates_time_idx` ON `intent_candidates` (`project_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `intents` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`model` text NOT NULL,
	`named_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `intents_project_idx` ON `intents` (`project_id`);