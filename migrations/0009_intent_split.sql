ALTER TABLE `intents` ADD `parent_id` text;--> statement-breakpoint
ALTER TABLE `intents` ADD `split_requested_at` integer;