-- event_days follows events by triggers (hand-written: drizzle-kit does not express triggers). It was kept
-- by the consumer on write only, so a user's deletion left their events counted. Now a stored event adds 1
-- (an insert ignored as a duplicate fires nothing) and a deleted one takes 1 away, except under retention's
-- hold (aggregate_holds), whose purged days keep their counts on purpose. Every day from a project's oldest
-- stored event on is then exactly its events: search counts the events it searched from these rows.
CREATE TRIGGER `events_days_insert` AFTER INSERT ON `events` BEGIN
	INSERT INTO event_days (project_id, day, events) VALUES (NEW.project_id, NEW.timestamp / 86400000, 1)
		ON CONFLICT DO UPDATE SET events = events + 1;
END;--> statement-breakpoint
CREATE TRIGGER `events_days_delete` AFTER DELETE ON `events` WHEN NOT EXISTS (SELECT 1 FROM aggregate_holds) BEGIN
	UPDATE event_days SET events = events - 1 WHERE project_id = OLD.project_id AND day = OLD.timestamp / 86400000;
END;--> statement-breakpoint
-- Recounted from what is stored: every day with events (those stored before migration 0016 included, so no
-- backfill is needed for these counts), and the days from each project's oldest stored event on that have
-- none left (a user's deletion left them high). Days before it keep what retention held.
INSERT INTO event_days (project_id, day, events) SELECT project_id, timestamp / 86400000, count(*) FROM events WHERE true GROUP BY 1, 2
	ON CONFLICT DO UPDATE SET events = excluded.events;--> statement-breakpoint
UPDATE event_days SET events = 0 WHERE day >= (SELECT min(timestamp) / 86400000 FROM events e WHERE e.project_id = event_days.project_id)
	AND NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = event_days.project_id AND e.timestamp >= event_days.day * 86400000 AND e.timestamp < (event_days.day + 1) * 86400000);
