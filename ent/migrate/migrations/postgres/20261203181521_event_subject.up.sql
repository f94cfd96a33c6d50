-- modify "events" table
ALTER TABLE "events" ADD COLUMN "subject_id" bigint NULL;
-- create index "event_subject_id" to table: "events"
CREATE INDEX "event_subject_id" ON "events" ("subject_id");
