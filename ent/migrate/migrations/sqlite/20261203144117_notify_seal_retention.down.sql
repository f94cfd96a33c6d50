-- reverse: add column "secret_binding" to table: "notification_transports"
ALTER TABLE `notification_transports` DROP COLUMN `secret_binding`;
-- reverse: create index "notification_expires" to table: "notifications"
DROP INDEX `notification_expires`;
-- reverse: create index "notification_user_id_seen_created_at" to table: "notifications"
DROP INDEX `notification_user_id_seen_created_at`;
-- reverse: create index "notifications_key_key" to table: "notifications"
DROP INDEX `notifications_key_key`;
-- reverse: set sequence for "new_notifications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_notifications";
-- reverse: create "new_notifications" table
DROP TABLE `new_notifications`;
