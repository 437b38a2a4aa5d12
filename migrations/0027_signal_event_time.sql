ALTER TABLE `signals` ADD `event_timestamp` integer;--> statement-breakpoint
-- Feedback already stored learns its event's time (feedback still waiting for its event learns it when the event lands).
UPDATE `signals` SET `event_timestamp` = (SELECT e.`timestamp` FROM `events` e WHERE e.`project_id` = `signals`.`project_id` AND e.`event_id` = `signals`.`event_id`) WHERE `event_timestamp` IS NULL;--> statement-breakpoint
CREATE INDEX `signals_project_signal_event_time_idx` ON `signals` (`project_id`,`signal`,`event_timestamp`);
