-- Each user's last active day per project and key (migration from db/schema/last-active.ts; WITHOUT ROWID,
-- the triggers and the fill below are hand-written: drizzle-kit expresses neither).
CREATE TABLE `intent_signal_user_last_days` (
	`project_id` text NOT NULL,
	`intent_id` text NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `intent_id`, `signal`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `intent_user_last_days` (
	`project_id` text NOT NULL,
	`intent_id` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `intent_id`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `signal_user_last_days` (
	`project_id` text NOT NULL,
	`signal` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `signal`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `user_last_days` (
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`project_id`, `user_id`)
) WITHOUT ROWID;--> statement-breakpoint
-- user_last_days follows user_days (user_days: primary key (project_id, day, user_id), walked back from OLD.day).
CREATE TRIGGER `user_days_last_insert` AFTER INSERT ON `user_days` BEGIN
	INSERT INTO user_last_days (project_id, user_id, day) VALUES (NEW.project_id, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
CREATE TRIGGER `user_days_last_delete` AFTER DELETE ON `user_days` BEGIN
	UPDATE user_last_days SET day = coalesce((SELECT day FROM user_days WHERE project_id = OLD.project_id AND day <= OLD.day AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM user_last_days WHERE project_id = OLD.project_id AND user_id = OLD.user_id AND day = -1;
END;--> statement-breakpoint
CREATE TRIGGER `user_days_last_move` AFTER UPDATE OF day, user_id ON `user_days` WHEN OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE user_last_days SET day = coalesce((SELECT day FROM user_days WHERE project_id = OLD.project_id AND day <= OLD.day AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM user_last_days WHERE project_id = OLD.project_id AND user_id = OLD.user_id AND day = -1;
	INSERT INTO user_last_days (project_id, user_id, day) VALUES (NEW.project_id, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
INSERT INTO user_last_days (project_id, user_id, day) SELECT project_id, user_id, max(day) FROM user_days WHERE true GROUP BY project_id, user_id;--> statement-breakpoint
-- signal_user_last_days follows user_signal_days (user_signal_days: primary key (project_id, signal, day, user_id), walked back from OLD.day).
CREATE TRIGGER `user_signal_days_last_insert` AFTER INSERT ON `user_signal_days` BEGIN
	INSERT INTO signal_user_last_days (project_id, signal, user_id, day) VALUES (NEW.project_id, NEW.signal, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
CREATE TRIGGER `user_signal_days_last_delete` AFTER DELETE ON `user_signal_days` BEGIN
	UPDATE signal_user_last_days SET day = coalesce((SELECT day FROM user_signal_days WHERE project_id = OLD.project_id AND signal = OLD.signal AND day <= OLD.day AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM signal_user_last_days WHERE project_id = OLD.project_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = -1;
END;--> statement-breakpoint
CREATE TRIGGER `user_signal_days_last_move` AFTER UPDATE OF signal, day, user_id ON `user_signal_days` WHEN OLD.signal IS NOT NEW.signal OR OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE signal_user_last_days SET day = coalesce((SELECT day FROM user_signal_days WHERE project_id = OLD.project_id AND signal = OLD.signal AND day <= OLD.day AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM signal_user_last_days WHERE project_id = OLD.project_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = -1;
	INSERT INTO signal_user_last_days (project_id, signal, user_id, day) VALUES (NEW.project_id, NEW.signal, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
INSERT INTO signal_user_last_days (project_id, signal, user_id, day) SELECT project_id, signal, user_id, max(day) FROM user_signal_days WHERE true GROUP BY project_id, signal, user_id;--> statement-breakpoint
-- intent_user_last_days follows event_intents (event_intents: index (intent_id, day, user_id), walked back from OLD.day).
CREATE TRIGGER `event_intents_last_insert` AFTER INSERT ON `event_intents` BEGIN
	INSERT INTO intent_user_last_days (project_id, intent_id, user_id, day) VALUES (NEW.project_id, NEW.intent_id, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
CREATE TRIGGER `event_intents_last_delete` AFTER DELETE ON `event_intents` BEGIN
	UPDATE intent_user_last_days SET day = coalesce((SELECT day FROM event_intents WHERE intent_id = OLD.intent_id AND day <= OLD.day AND project_id = OLD.project_id AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM intent_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND day = -1;
END;--> statement-breakpoint
CREATE TRIGGER `event_intents_last_move` AFTER UPDATE OF intent_id, day, user_id ON `event_intents` WHEN OLD.intent_id IS NOT NEW.intent_id OR OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE intent_user_last_days SET day = coalesce((SELECT day FROM event_intents WHERE intent_id = OLD.intent_id AND day <= OLD.day AND project_id = OLD.project_id AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM intent_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND user_id = OLD.user_id AND day = -1;
	INSERT INTO intent_user_last_days (project_id, intent_id, user_id, day) VALUES (NEW.project_id, NEW.intent_id, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
INSERT INTO intent_user_last_days (project_id, intent_id, user_id, day) SELECT project_id, intent_id, user_id, max(day) FROM event_intents WHERE true GROUP BY project_id, intent_id, user_id;--> statement-breakpoint
-- intent_signal_user_last_days follows intent_signal_days (intent_signal_days: primary key (project_id, day, intent_id, signal, user_id), walked back from OLD.day).
CREATE TRIGGER `intent_signal_days_last_insert` AFTER INSERT ON `intent_signal_days` BEGIN
	INSERT INTO intent_signal_user_last_days (project_id, intent_id, signal, user_id, day) VALUES (NEW.project_id, NEW.intent_id, NEW.signal, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
CREATE TRIGGER `intent_signal_days_last_delete` AFTER DELETE ON `intent_signal_days` BEGIN
	UPDATE intent_signal_user_last_days SET day = coalesce((SELECT day FROM intent_signal_days WHERE project_id = OLD.project_id AND day <= OLD.day AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM intent_signal_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = -1;
END;--> statement-breakpoint
CREATE TRIGGER `intent_signal_days_last_move` AFTER UPDATE OF intent_id, signal, day, user_id ON `intent_signal_days` WHEN OLD.intent_id IS NOT NEW.intent_id OR OLD.signal IS NOT NEW.signal OR OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id BEGIN
	UPDATE intent_signal_user_last_days SET day = coalesce((SELECT day FROM intent_signal_days WHERE project_id = OLD.project_id AND day <= OLD.day AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id ORDER BY day DESC LIMIT 1), -1)
		WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = OLD.day;
	DELETE FROM intent_signal_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.intent_id AND signal = OLD.signal AND user_id = OLD.user_id AND day = -1;
	INSERT INTO intent_signal_user_last_days (project_id, intent_id, signal, user_id, day) VALUES (NEW.project_id, NEW.intent_id, NEW.signal, NEW.user_id, NEW.day)
		ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day;
END;--> statement-breakpoint
INSERT INTO intent_signal_user_last_days (project_id, intent_id, signal, user_id, day) SELECT project_id, intent_id, signal, user_id, max(day) FROM intent_signal_days WHERE true GROUP BY project_id, intent_id, signal, user_id;--> statement-breakpoint
-- An intent deleted (empty, merged away) takes its rows.
CREATE TRIGGER `intents_delete_last_days` AFTER DELETE ON `intents` BEGIN
	DELETE FROM intent_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.id;
	DELETE FROM intent_signal_user_last_days WHERE project_id = OLD.project_id AND intent_id = OLD.id;
END;
