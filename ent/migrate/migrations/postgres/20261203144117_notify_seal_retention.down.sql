-- reverse: create index "notification_expires" to table: "notifications"
DROP INDEX "notification_expires";
-- reverse: modify "notifications" table
ALTER TABLE "notifications" DROP COLUMN "expires";
-- reverse: modify "notification_transports" table
ALTER TABLE "notification_transports" DROP COLUMN "secret_binding";
