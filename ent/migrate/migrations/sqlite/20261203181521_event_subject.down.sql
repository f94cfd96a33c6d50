-- reverse: create index "event_subject_id" to table: "events"
DROP INDEX `event_subject_id`;
-- reverse: add column "subject_id" to table: "events"
ALTER TABLE `events` DROP COLUMN `subject_id`;
