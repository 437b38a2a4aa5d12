ALTER TABLE `intents` ADD `achievable_delta` real DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `intents` ADD `strategic_relevance` real DEFAULT 1 NOT NULL;