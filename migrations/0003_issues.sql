CREATE TABLE `issue_candidates` (
	`project_id` text NOT NULL,
	`signal` text NOT NULL,
	`event_id` text NOT NULL,
	`text` text NOT NULL,
	`user_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`project_id`, `signal`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `issue_candidates_time_idx` ON `issue_candidates` (`project_id`,`signal`,`timestamp`);--> statement-breakpoint
CREATE TABLE `issue_events` (
	`project_id` text NOT NULL,
	`signal` text NOT NULL,
	`event_id` text NOT NULL,
	`issue_id` text NOT NULL,
	`user_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`day` integer NOT NULL,
	`similarity` real,
	PRIMARY KEY(`project_id`, `signal`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `issue_events_issue_time_idx` ON `issue_events` (`issue_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `issue_state_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`issue_id` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`changed_by` text NOT NULL,
	`reason` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `issue_state_changes_issue_idx` ON `issue_state_changes` (`issue_id`,`at`);--> statement-breakpoint
CREATE TABLE `issues` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`signal` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`state` text DEFAULT 'new' NOT NULL,
	`model` text NOT NULL,
	`central_event_id` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `issues_project_signal_idx` ON `issues` (`project_id`,`signal`);--> statement-breakpoint
CREATE INDEX `issues_project_last_seen_idx` ON `issues` (`project_id`,`last_seen`);