-- Hand-written (drizzle-kit does not express virtual tables or triggers): full-text search over every
-- stored event's input and output, for GET /api/events/search?mode=text and the event list's `q`.
-- External content (content='events'): the index holds only tokens and positions, the text stays in
-- events, which is a rowid table (migration 0018 kept it one), so the index is keyed by events' rowid.
-- unicode61 with remove_diacritics 2 folds case and accents; no porter stemming: events hold code,
-- ids and many languages, where English stems surprise more than they help, and `word*` asks for
-- variants explicitly. secure-delete: a deleted event's tokens leave the index's pages at once,
-- not at some later merge (a user's deletion and retention must not leave their text on disk).
CREATE VIRTUAL TABLE `events_fts` USING fts5(
	input, output,
	content='events', content_rowid='rowid',
	tokenize='unicode61 remove_diacritics 2'
);--> statement-breakpoint
INSERT INTO `events_fts`(`events_fts`, `rank`) VALUES ('secure-delete', 1);--> statement-breakpoint
INSERT INTO `events_fts`(`events_fts`) VALUES ('rebuild');--> statement-breakpoint
-- Kept by triggers: an event with neither input nor output has nothing to index (and nothing to delete).
CREATE TRIGGER `events_fts_insert` AFTER INSERT ON `events` WHEN NEW.input IS NOT NULL OR NEW.output IS NOT NULL BEGIN
	INSERT INTO events_fts(rowid, input, output) VALUES (NEW.rowid, NEW.input, NEW.output);
END;--> statement-breakpoint
CREATE TRIGGER `events_fts_delete` AFTER DELETE ON `events` WHEN OLD.input IS NOT NULL OR OLD.output IS NOT NULL BEGIN
	INSERT INTO events_fts(events_fts, rowid, input, output) VALUES ('delete', OLD.rowid, OLD.input, OLD.output);
END;--> statement-breakpoint
CREATE TRIGGER `events_fts_update_delete` AFTER UPDATE OF input, output ON `events` WHEN OLD.input IS NOT NULL OR OLD.output IS NOT NULL BEGIN
	INSERT INTO events_fts(events_fts, rowid, input, output) VALUES ('delete', OLD.rowid, OLD.input, OLD.output);
END;--> statement-breakpoint
CREATE TRIGGER `events_fts_update_insert` AFTER UPDATE OF input, output ON `events` WHEN NEW.input IS NOT NULL OR NEW.output IS NOT NULL BEGIN
	INSERT INTO events_fts(rowid, input, output) VALUES (NEW.rowid, NEW.input, NEW.output);
END;
