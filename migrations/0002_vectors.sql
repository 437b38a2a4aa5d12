CREATE TABLE `vectors` (
	`id` text PRIMARY KEY NOT NULL,
	`namespace` text NOT NULL,
	`model` text NOT NULL,
	`dims` integer NOT NULL,
	`values` blob NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vectors_namespace_model_idx` ON `vectors` (`namespace`,`model`);