DROP INDEX `vectors_namespace_model_idx`;--> statement-breakpoint
CREATE INDEX `vectors_namespace_model_updated_idx` ON `vectors` (`namespace`,`model`,`updated_at`);