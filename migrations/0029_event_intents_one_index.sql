-- The conversation-level intent list walks the window's events (events_project_time_idx) and seeks each one's
-- intent by primary key: this index had no other reader, and cost a row written per event.
DROP INDEX `event_intents_project_day_idx`;
