-- modify "notification_transports" table
ALTER TABLE "notification_transports" ADD COLUMN "secret_binding" character varying NULL;
-- backfill (hand-written; see docs/decisions.md, "The webhook secret is sealed"):
-- every transport gets a random secret_binding; a plaintext secret (only
-- unreleased builds stored one) is replaced by a value that does not open,
-- so its deliveries fail with "set it again" instead of going out unsigned.
UPDATE "notification_transports" SET "secret_binding" = md5(random()::text || clock_timestamp()::text || "id"::text);
UPDATE "notification_transports" SET "webhook_secret" = 'plaintext-removed' WHERE "webhook_secret" <> '';
-- modify "notifications" table
ALTER TABLE "notifications" ADD COLUMN "expires" timestamptz NULL;
-- backfill (hand-written): a notification expires with its event; one whose
-- event is gone already, a year after it was stored (audit.DefaultRetention).
UPDATE "notifications" SET "expires" = COALESCE(
  (SELECT "events"."expires" FROM "events" WHERE "events"."id" = "notifications"."event_id"),
  "created_at" + interval '365 days');
ALTER TABLE "notifications" ALTER COLUMN "expires" SET NOT NULL;
-- create index "notification_expires" to table: "notifications"
CREATE INDEX "notification_expires" ON "notifications" ("expires");
