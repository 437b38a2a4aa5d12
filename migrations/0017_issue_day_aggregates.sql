CREATE TABLE `aggregate_holds` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `issue_days` (
	`issue_id` text NOT NULL,
	`day` integer NOT NULL,
	`project_id` text NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`users` integer DEFAULT 0 NOT NULL,
	`negative_events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`issue_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `issue_user_days` (
	`issue_id` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`issue_id`, `user_id`, `day`)
);
--> statement-breakpoint
DROP INDEX `issue_events_issue_day_user_idx`;--> statement-breakpoint
DROP INDEX `issue_events_project_day_idx`;--> statement-breakpoint
ALTER TABLE `issue_events` ADD `negative` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written below (drizzle-kit does not express WITHOUT ROWID or triggers). The two aggregate
-- tables are rebuilt WITHOUT ROWID: one b-tree each, one row written per change.
DROP TABLE `issue_days`;--> statement-breakpoint
CREATE TABLE `issue_days` (
	`issue_id` text NOT NULL,
	`day` integer NOT NULL,
	`project_id` text NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`users` integer DEFAULT 0 NOT NULL,
	`negative_events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`issue_id`, `day`)
) WITHOUT ROWID;--> statement-breakpoint
DROP TABLE `issue_user_days`;--> statement-breakpoint
CREATE TABLE `issue_user_days` (
	`issue_id` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`issue_id`, `user_id`, `day`)
) WITHOUT ROWID;--> statement-breakpoint
-- Existing rows: negative flags, then the counts, before the triggers exist.
UPDATE `issue_events` SET `negative` = 1 WHERE
	EXISTS (SELECT 1 FROM signals s WHERE s.project_id = issue_events.project_id AND s.event_id = issue_events.event_id AND s.signal IN ('thumbs_down', 'regenerate', 'edit', 'code_error'))
	OR EXISTS (SELECT 1 FROM events ev JOIN detections d ON d.project_id = ev.project_id AND d.convo_id = ev.convo_id AND d.signal = 'user_frustration' AND d.timestamp >= issue_events.timestamp
		WHERE ev.project_id = issue_events.project_id AND ev.event_id = issue_events.event_id);--> statement-breakpoint
INSERT INTO `issue_user_days` (issue_id, user_id, day, events) SELECT issue_id, user_id, day, count(*) FROM issue_events GROUP BY issue_id, user_id, day;--> statement-breakpoint
INSERT INTO `issue_days` (issue_id, day, project_id, events, users, negative_events)
	SELECT issue_id, day, min(project_id), count(*), count(DISTINCT user_id), sum(negative) FROM issue_events GROUP BY issue_id, day;--> statement-breakpoint
-- An issue event joins: its day's counts (a user new to the issue that day adds to users), then its
-- negative flag from what is already stored (the flag's own trigger adds it to the counts).
CREATE TRIGGER `issue_events_counts_insert` AFTER INSERT ON `issue_events` BEGIN
	INSERT INTO issue_days (issue_id, day, project_id, events, users, negative_events)
		VALUES (NEW.issue_id, NEW.day, NEW.project_id, 1, NOT EXISTS (SELECT 1 FROM issue_user_days WHERE issue_id = NEW.issue_id AND user_id = NEW.user_id AND day = NEW.day), NEW.negative)
		ON CONFLICT DO UPDATE SET events = events + 1, users = users + excluded.users, negative_events = negative_events + excluded.negative_events;
	INSERT INTO issue_user_days (issue_id, user_id, day, events) VALUES (NEW.issue_id, NEW.user_id, NEW.day, 1) ON CONFLICT DO UPDATE SET events = events + 1;
	UPDATE issue_events SET negative = 1 WHERE project_id = NEW.project_id AND signal = NEW.signal AND event_id = NEW.event_id AND negative = 0 AND (
		EXISTS (SELECT 1 FROM signals s WHERE s.project_id = NEW.project_id AND s.event_id = NEW.event_id AND s.signal IN ('thumbs_down', 'regenerate', 'edit', 'code_error'))
		OR EXISTS (SELECT 1 FROM events ev JOIN detections d ON d.project_id = ev.project_id AND d.convo_id = ev.convo_id AND d.signal = 'user_frustration' AND d.timestamp >= NEW.timestamp
			WHERE ev.project_id = NEW.project_id AND ev.event_id = NEW.event_id));
END;--> statement-breakpoint
-- An issue event leaves (a user's deletion, retention, "must not" teaching): its user-day goes at
-- zero events; the day's counts drop unless a hold is in place (retention: aggregates stay).
CREATE TRIGGER `issue_events_counts_delete` AFTER DELETE ON `issue_events` BEGIN
	UPDATE issue_user_days SET events = events - 1 WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day;
	UPDATE issue_days SET events = events - 1, negative_events = negative_events - OLD.negative,
			users = users - coalesce((SELECT events <= 0 FROM issue_user_days WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day), 0)
		WHERE issue_id = OLD.issue_id AND day = OLD.day AND NOT EXISTS (SELECT 1 FROM aggregate_holds);
	DELETE FROM issue_user_days WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day AND events <= 0;
	DELETE FROM issue_days WHERE issue_id = OLD.issue_id AND day = OLD.day AND events <= 0;
END;--> statement-breakpoint
-- An issue event moves (merge, split, teaching) or changes day or user: out of the old counts, into the new.
CREATE TRIGGER `issue_events_counts_move` AFTER UPDATE OF issue_id, day, user_id ON `issue_events`
	WHEN OLD.issue_id IS NOT NEW.issue_id OR OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE issue_user_days SET events = events - 1 WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day;
	UPDATE issue_days SET events = events - 1, negative_events = negative_events - OLD.negative,
			users = users - coalesce((SELECT events <= 0 FROM issue_user_days WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day), 0)
		WHERE issue_id = OLD.issue_id AND day = OLD.day;
	DELETE FROM issue_user_days WHERE issue_id = OLD.issue_id AND user_id = OLD.user_id AND day = OLD.day AND events <= 0;
	DELETE FROM issue_days WHERE issue_id = OLD.issue_id AND day = OLD.day AND events <= 0;
	INSERT INTO issue_days (issue_id, day, project_id, events, users, negative_events)
		VALUES (NEW.issue_id, NEW.day, NEW.project_id, 1, NOT EXISTS (SELECT 1 FROM issue_user_days WHERE issue_id = NEW.issue_id AND user_id = NEW.user_id AND day = NEW.day), NEW.negative)
		ON CONFLICT DO UPDATE SET events = events + 1, users = users + excluded.users, negative_events = negative_events + excluded.negative_events;
	INSERT INTO issue_user_days (issue_id, user_id, day, events) VALUES (NEW.issue_id, NEW.user_id, NEW.day, 1) ON CONFLICT DO UPDATE SET events = events + 1;
END;--> statement-breakpoint
CREATE TRIGGER `issue_events_counts_negative` AFTER UPDATE OF negative ON `issue_events`
	WHEN OLD.negative IS NOT NEW.negative AND OLD.issue_id IS NEW.issue_id AND OLD.day IS NEW.day AND OLD.user_id IS NEW.user_id BEGIN
	UPDATE issue_days SET negative_events = negative_events + NEW.negative - OLD.negative WHERE issue_id = NEW.issue_id AND day = NEW.day;
END;--> statement-breakpoint
-- Negative feedback that arrives after the event joined its issues. A flagged event's issue rows
-- carry the signals of its detections (primary key project, signal, event: a seek each).
CREATE TRIGGER `signals_mark_negative` AFTER INSERT ON `signals`
	WHEN NEW.signal IN ('thumbs_down', 'regenerate', 'edit', 'code_error') AND NEW.event_id IS NOT NULL BEGIN
	UPDATE issue_events SET negative = 1 WHERE negative = 0 AND project_id = NEW.project_id AND event_id = NEW.event_id
		AND signal IN (SELECT signal FROM detections WHERE project_id = NEW.project_id AND event_id = NEW.event_id);
END;--> statement-breakpoint
-- User frustration marks the conversation's flagged events up to it (the frustrated turn included).
CREATE TRIGGER `detections_mark_negative` AFTER INSERT ON `detections`
	WHEN NEW.signal = 'user_frustration' AND NEW.convo_id IS NOT NULL BEGIN
	UPDATE issue_events SET negative = 1 WHERE negative = 0 AND (project_id, signal, event_id) IN (
		SELECT project_id, signal, event_id FROM detections WHERE project_id = NEW.project_id AND convo_id = NEW.convo_id AND timestamp <= NEW.timestamp);
END;--> statement-breakpoint
-- An issue deleted (empty, merged away) takes its rows: counts held through retention included.
CREATE TRIGGER `issues_delete_counts` AFTER DELETE ON `issues` BEGIN
	DELETE FROM issue_days WHERE issue_id = OLD.id;
	DELETE FROM issue_user_days WHERE issue_id = OLD.id;
END;
