-- reverse: create index "event_subject_id" to table: "events"
DROP INDEX "event_subject_id";
-- reverse: modify "events" table
ALTER TABLE "events" DROP COLUMN "subject_id";
