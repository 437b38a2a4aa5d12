CREATE TABLE `queued_payloads` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
