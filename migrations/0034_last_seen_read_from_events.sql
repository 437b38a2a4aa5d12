-- Last seen is read from events (the newest on the user's and the conversation's index), no longer kept on
-- these rows: keeping it rewrote a users row and a conversations row for every event, two of the ~23 rows
-- written per event (issue 20). Retention deletes conversations and users with no events left instead.
ALTER TABLE `conversations` DROP COLUMN `last_seen`;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `last_seen`;