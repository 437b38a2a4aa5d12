CREATE TABLE `intent_signal_days` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`intent_id` text NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`project_id`, `day`, `intent_id`, `signal`, `user_id`)
);
--> statement-breakpoint
-- Hand-written below (drizzle-kit does not express WITHOUT ROWID or triggers): the table rebuilt
-- WITHOUT ROWID (one b-tree, one row written per change), filled from what is stored, then kept by triggers.
DROP TABLE `intent_signal_days`;--> statement-breakpoint
CREATE TABLE `intent_signal_days` (
	`project_id` text NOT NULL,
	`day` integer NOT NULL,
	`intent_id` text NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`project_id`, `day`, `intent_id`, `signal`, `user_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `intent_signal_days` (project_id, day, intent_id, signal, user_id, events)
	SELECT ei.project_id, ei.day, ei.intent_id, x.signal, ei.user_id, count(*) FROM event_intents ei
	JOIN (SELECT project_id, event_id, signal FROM detections UNION ALL SELECT project_id, event_id, signal FROM signals) x ON x.project_id = ei.project_id AND x.event_id = ei.event_id
	GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- A detection or explicit signal adds to its event's intent (if the event has one yet).
CREATE TRIGGER `detections_intent_signal_insert` AFTER INSERT ON `detections` BEGIN
	INSERT INTO intent_signal_days (project_id, day, intent_id, signal, user_id, events)
		SELECT ei.project_id, ei.day, ei.intent_id, NEW.signal, ei.user_id, 1 FROM event_intents ei WHERE ei.project_id = NEW.project_id AND ei.event_id = NEW.event_id
		ON CONFLICT DO UPDATE SET events = events + 1;
END;--> statement-breakpoint
CREATE TRIGGER `signals_intent_signal_insert` AFTER INSERT ON `signals` BEGIN
	INSERT INTO intent_signal_days (project_id, day, intent_id, signal, user_id, events)
		SELECT ei.project_id, ei.day, ei.intent_id, NEW.signal, ei.user_id, 1 FROM event_intents ei WHERE ei.project_id = NEW.project_id AND ei.event_id = NEW.event_id
		ON CONFLICT DO UPDATE SET events = events + 1;
END;--> statement-breakpoint
-- ...and leaves it when deleted (a user's deletion, retention).
CREATE TRIGGER `detections_intent_signal_delete` AFTER DELETE ON `detections` BEGIN
	UPDATE intent_signal_days SET events = events - 1 WHERE (project_id, day, intent_id, signal, user_id) IN (
		SELECT ei.project_id, ei.day, ei.intent_id, OLD.signal, ei.user_id FROM event_intents ei WHERE ei.project_id = OLD.project_id AND ei.event_id = OLD.event_id);
	DELETE FROM intent_signal_days WHERE events <= 0 AND (project_id, day, intent_id, signal, user_id) IN (
		SELECT ei.project_id, ei.day, ei.intent_id, OLD.signal, ei.user_id FROM event_intents ei WHERE ei.project_id = OLD.project_id AND ei.event_id = OLD.event_id);
END;--> statement-breakpoint
CREATE TRIGGER `signals_intent_signal_delete` AFTER DELETE ON `signals` BEGIN
	UPDATE intent_signal_days SET events = events - 1 WHERE (project_id, day, intent_id, signal, user_id) IN (
		SELECT ei.project_id, ei.day, ei.intent_id, OLD.signal, ei.user_id FROM event_intents ei WHERE ei.project_id = OLD.project_id AND ei.event_id = OLD.event_id);
	DELETE FROM intent_signal_days WHERE events <= 0 AND (project_id, day, intent_id, signal, user_id) IN (
		SELECT ei.project_id, ei.day, ei.intent_id, OLD.signal, ei.user_id FROM event_intents ei WHERE ei.project_id = OLD.project_id AND ei.event_id = OLD.event_id);
END;--> statement-breakpoint
-- An event given its intent after its signals adds them; an intent moved (merge, split) or deleted moves or takes them.
CREATE TRIGGER `event_intents_signal_insert` AFTER INSERT ON `event_intents` BEGIN
	INSERT INTO intent_signal_days (project_id, day, intent_id, signal, user_id, events)
		SELECT NEW.project_id, NEW.day, NEW.intent_id, x.signal, NEW.user_id, count(*) FROM (
			SELECT signal FROM detections WHERE project_id = NEW.project_id AND event_id = NEW.event_id
			UNION ALL SELECT signal FROM signals WHERE project_id = NEW.project_id AND event_id = NEW.event_id) x
		WHERE true GROUP BY x.signal
		ON CONFLICT DO UPDATE SET events = events + excluded.events;
END;--> statement-breakpoint
CREATE TRIGGER `event_intents_signal_delete` AFTER DELETE ON `event_intents` BEGIN
	UPDATE intent_signal_days SET events = events - (
			SELECT count(*) FROM (SELECT signal FROM detections WHERE project_id = OLD.project_id AND event_id = OLD.event_id
				UNION ALL SELECT signal FROM signals WHERE project_id = OLD.project_id AND event_id = OLD.event_id) x WHERE x.signal = intent_signal_days.signal)
		WHERE project_id = OLD.project_id AND day = OLD.day AND intent_id = OLD.intent_id AND user_id = OLD.user_id;
	DELETE FROM intent_signal_days WHERE project_id = OLD.project_id AND day = OLD.day AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND events <= 0;
END;--> statement-breakpoint
CREATE TRIGGER `event_intents_signal_move` AFTER UPDATE OF intent_id, day, user_id ON `event_intents`
	WHEN OLD.intent_id IS NOT NEW.intent_id OR OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE intent_signal_days SET events = events - (
			SELECT count(*) FROM (SELECT signal FROM detections WHERE project_id = OLD.project_id AND event_id = OLD.event_id
				UNION ALL SELECT signal FROM signals WHERE project_id = OLD.project_id AND event_id = OLD.event_id) x WHERE x.signal = intent_signal_days.signal)
		WHERE project_id = OLD.project_id AND day = OLD.day AND intent_id = OLD.intent_id AND user_id = OLD.user_id;
	DELETE FROM intent_signal_days WHERE project_id = OLD.project_id AND day = OLD.day AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND events <= 0;
	INSERT INTO intent_signal_days (project_id, day, intent_id, signal, user_id, events)
		SELECT NEW.project_id, NEW.day, NEW.intent_id, x.signal, NEW.user_id, count(*) FROM (
			SELECT signal FROM detections WHERE project_id = NEW.project_id AND event_id = NEW.event_id
			UNION ALL SELECT signal FROM signals WHERE project_id = NEW.project_id AND event_id = NEW.event_id) x
		WHERE true GROUP BY x.signal
		ON CONFLICT DO UPDATE SET events = events + excluded.events;
END;
