CREATE TABLE `first_seen_values` (
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`first_seen` integer NOT NULL,
	PRIMARY KEY(`project_id`, `kind`, `value`)
);
--> statement-breakpoint
CREATE INDEX `first_seen_values_time_idx` ON `first_seen_values` (`project_id`,`first_seen`);--> statement-breakpoint
CREATE TABLE `event_days` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`project_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `aggregate_backfills` (
	`project_id` text NOT NULL,
	`aggregate` text NOT NULL,
	`cursor_timestamp` integer,
	`cursor_event_id` text,
	`done_at` integer,
	PRIMARY KEY(`project_id`, `aggregate`)
);
--> statement-breakpoint
DROP INDEX `event_intents_intent_idx`;--> statement-breakpoint
CREATE INDEX `event_intents_project_day_idx` ON `event_intents` (`project_id`,`day`,`event_id`,`intent_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `event_intents_intent_idx` ON `event_intents` (`intent_id`,`day`,`user_id`);--> statement-breakpoint
CREATE INDEX `detections_project_convo_idx` ON `detections` (`project_id`,`convo_id`,`signal`,`timestamp`);--> statement-breakpoint
CREATE INDEX `issue_events_issue_day_user_idx` ON `issue_events` (`issue_id`,`day`,`user_id`);--> statement-breakpoint
CREATE INDEX `issue_events_project_day_idx` ON `issue_events` (`project_id`,`day`,`issue_id`,`user_id`);