ALTER TABLE `projects` ADD `privacy` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `pii_salt` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `retention_days` integer;