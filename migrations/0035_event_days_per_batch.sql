-- event_days is counted per queue batch, not per event (issue 20): the trigger of migration 0030 updated the
-- same (project, day) row once for every stored event, a row written each. The consumer now adds a batch's
-- new events per day in one statement that runs first in the batch's transaction and counts only the events
-- not stored yet, so a redelivered event still adds nothing (workers/detect/src/ingest-batch/message-writes.ts,
-- eventDaysWrite). A deleted event still takes 1 away by trigger (deletions are not per batch).
DROP TRIGGER IF EXISTS `events_days_insert`;
