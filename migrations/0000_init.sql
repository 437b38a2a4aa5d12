CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_project_idx` ON `api_keys` (`project_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`user_id` text NOT NULL,
	`convo_id` text,
	`event` text NOT NULL,
	`model` text,
	`input` text,
	`output` text,
	`properties` text DEFAULT '{}' NOT NULL,
	`attachments` text,
	`tool_call_count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`project_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `events_project_time_idx` ON `events` (`project_id`,`timestamp`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_project_user_time_idx` ON `events` (`project_id`,`user_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_project_convo_time_idx` ON `events` (`project_id`,`convo_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_project_model_time_idx` ON `events` (`project_id`,`model`,`timestamp`);--> statement-breakpoint
CREATE TABLE `tool_calls` (
	`project_id` text NOT NULL,
	`event_id` text NOT NULL,
	`idx` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`user_id` text NOT NULL,
	`convo_id` text,
	`name` text NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`duration_ms` integer,
	PRIMARY KEY(`project_id`, `event_id`, `idx`)
);
--> statement-breakpoint
CREATE INDEX `tool_calls_project_name_time_idx` ON `tool_calls` (`project_id`,`name`,`timestamp`);--> statement-breakpoint
CREATE TABLE `signals` (
	`project_id` text NOT NULL,
	`signal_id` text NOT NULL,
	`event_id` text NOT NULL,
	`signal` text NOT NULL,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`user_id` text,
	`convo_id` text,
	`comment` text,
	`properties` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(`project_id`, `signal_id`)
);
--> statement-breakpoint
CREATE INDEX `signals_project_event_idx` ON `signals` (`project_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `signals_project_signal_time_idx` ON `signals` (`project_id`,`signal`,`timestamp`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`project_id` text NOT NULL,
	`convo_id` text NOT NULL,
	`user_id` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`project_id`, `convo_id`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`traits` text DEFAULT '{}' NOT NULL,
	`first_seen` integer,
	`last_seen` integer,
	`traits_updated_at` integer,
	PRIMARY KEY(`project_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_project_idx` ON `dead_letters` (`project_id`,`received_at`);