-- Hand-written (drizzle-kit does not express WITHOUT ROWID). Tables keyed by a composite primary key
-- are rebuilt WITHOUT ROWID: the rows live in the primary key's b-tree, so an insert writes one row
-- where a rowid table writes the row and its primary-key index (D1 counts both as rows written).
-- Columns, keys and secondary indexes are as before; a secondary index now ends with the primary
-- key instead of a rowid. Nothing may address these tables by rowid (event-data-deletion.ts deletes
-- by primary key). events stays a rowid table: its rows are large and reads join through its rowid.
CREATE TABLE `users_new` (
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`traits` text DEFAULT '{}' NOT NULL,
	`first_seen` integer,
	`last_seen` integer,
	`traits_updated_at` integer,
	PRIMARY KEY(`project_id`, `user_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `users_new` (project_id, user_id, traits, first_seen, last_seen, traits_updated_at)
	SELECT project_id, user_id, traits, first_seen, last_seen, traits_updated_at FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `users_new` RENAME TO `users`;--> statement-breakpoint
CREATE TABLE `conversations_new` (
	`project_id` text NOT NULL,
	`convo_id` text NOT NULL,
	`user_id` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`project_id`, `convo_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `conversations_new` (project_id, convo_id, user_id, first_seen, last_seen)
	SELECT project_id, convo_id, user_id, first_seen, last_seen FROM `conversations`;--> statement-breakpoint
DROP TABLE `conversations`;--> statement-breakpoint
ALTER TABLE `conversations_new` RENAME TO `conversations`;--> statement-breakpoint
CREATE TABLE `user_days_new` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`project_id`, `day`, `user_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `user_days_new` (project_id, day, user_id) SELECT project_id, day, user_id FROM `user_days`;--> statement-breakpoint
DROP TABLE `user_days`;--> statement-breakpoint
ALTER TABLE `user_days_new` RENAME TO `user_days`;--> statement-breakpoint
CREATE TABLE `user_signal_days_new` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`project_id`, `signal`, `day`, `user_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `user_signal_days_new` (project_id, day, signal, user_id) SELECT project_id, day, signal, user_id FROM `user_signal_days`;--> statement-breakpoint
DROP TABLE `user_signal_days`;--> statement-breakpoint
ALTER TABLE `user_signal_days_new` RENAME TO `user_signal_days`;--> statement-breakpoint
CREATE INDEX `user_signal_days_day_idx` ON `user_signal_days` (`project_id`,`day`);--> statement-breakpoint
CREATE TABLE `event_intents_new` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`intent_id` text NOT NULL,
	`user_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `event_intents_new` (project_id, event_id, intent_id, user_id, timestamp, day)
	SELECT project_id, event_id, intent_id, user_id, timestamp, day FROM `event_intents`;--> statement-breakpoint
DROP TABLE `event_intents`;--> statement-breakpoint
ALTER TABLE `event_intents_new` RENAME TO `event_intents`;--> statement-breakpoint
CREATE INDEX `event_intents_project_day_idx` ON `event_intents` (`project_id`,`day`,`event_id`,`intent_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `event_intents_intent_idx` ON `event_intents` (`intent_id`,`day`,`user_id`);
