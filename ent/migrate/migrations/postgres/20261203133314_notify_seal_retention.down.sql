-- reverse: create index "notification_expires" to table: "notifications"
DROP INDEX "notification_expires";
-- reverse: modify "notifications" table
ALTER TABLE "notifications" DROP COLUMN "expires";
-- reverse: modify "notification_transports" table
-- (hand-written: a cleared secret is NULL, which the old column refuses)
UPDATE "notification_transports" SET "webhook_secret" = '' WHERE "webhook_secret" IS NULL;
ALTER TABLE "notification_transports" DROP COLUMN "secret_binding", ALTER COLUMN "webhook_secret" SET NOT NULL, ALTER COLUMN "webhook_secret" SET DEFAULT '';
