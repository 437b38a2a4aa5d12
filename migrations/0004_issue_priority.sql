ALTER TABLE `issues` ADD `achievable_delta` real DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `issues` ADD `strategic_relevance` real DEFAULT 1 NOT NULL;