CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` text NOT NULL,
	`project_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`subject` text NOT NULL,
	`message` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`status_code` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_attempt_at` integer,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_rule_dedupe_idx` ON `alert_deliveries` (`rule_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_due_idx` ON `alert_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_rule_subject_idx` ON `alert_deliveries` (`rule_id`,`subject`,`created_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_rule_time_idx` ON `alert_deliveries` (`rule_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`filters` text DEFAULT '{}' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`destination_type` text NOT NULL,
	`destination_display` text NOT NULL,
	`destination_sealed` text NOT NULL,
	`throttle_seconds` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`snoozed_until` integer,
	`cursor_at` integer NOT NULL,
	`firing` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `alert_rules_project_idx` ON `alert_rules` (`project_id`);--> statement-breakpoint
CREATE INDEX `events_project_received_idx` ON `events` (`project_id`,`received_at`);