CREATE TABLE `otel_trace_parts` (
	`project_id` text NOT NULL,
	`trace_id` text NOT NULL,
	`part_id` text NOT NULL,
	`body` text,
	`received_at` integer NOT NULL,
	`settled_at` integer,
	PRIMARY KEY(`project_id`, `trace_id`, `part_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `otel_trace_parts_open_idx` ON `otel_trace_parts` (`settled_at`,`received_at`);