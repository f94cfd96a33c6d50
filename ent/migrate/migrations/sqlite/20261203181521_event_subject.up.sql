-- add column "subject_id" to table: "events"
-- (hand-written: ADD COLUMN instead of atlas' table rebuild, which would
-- copy the whole audit log on upgrade; the column is nullable and new)
ALTER TABLE `events` ADD COLUMN `subject_id` integer NULL;
-- create index "event_subject_id" to table: "events"
CREATE INDEX `event_subject_id` ON `events` (`subject_id`);
