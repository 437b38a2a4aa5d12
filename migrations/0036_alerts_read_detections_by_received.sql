-- Every-match alerts read what was flagged since their last run from detections by (project, received_at),
-- not from an index on events' received_at: that index cost a row written for every event, this one only for
-- each detection (issue 20).
DROP INDEX `events_project_received_idx`;--> statement-breakpoint
ALTER TABLE `detections` ADD `received_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written: detections of events that arrived in the last week take their event's time of arrival (a
-- back-dated event, an import, arrived recently whatever its timestamp). Alert rules look back at most 15
-- minutes before their last run, so a week is far more than they read; older ones keep 0, which nothing reads,
-- and fewer rows are rewritten on a large database (one key lookup per detection to decide).
UPDATE `detections` SET `received_at` = (SELECT e.received_at FROM events e WHERE e.project_id = detections.project_id AND e.event_id = detections.event_id)
	WHERE (SELECT e.received_at FROM events e WHERE e.project_id = detections.project_id AND e.event_id = detections.event_id) >= (unixepoch() - 7 * 86400) * 1000;--> statement-breakpoint
CREATE INDEX `detections_project_received_idx` ON `detections` (`project_id`,`received_at`);