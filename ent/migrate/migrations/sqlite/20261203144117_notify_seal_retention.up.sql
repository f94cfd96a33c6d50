-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_notifications" table
CREATE TABLE `new_notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `event_id` integer NOT NULL, `rule` text NOT NULL, `severity` text NOT NULL, `action` text NOT NULL, `body` text NOT NULL, `event` json NOT NULL, `seen` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `expires` datetime NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `notifications_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "new_notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_notifications", 146028888064);
-- copy rows from old table "notifications" to new temporary table "new_notifications"
-- (hand-written; see docs/decisions.md, "Stored notifications expire"): a
-- notification expires with its event; one whose event is gone already, a
-- year after it was stored (audit.DefaultRetention). Nothing references
-- notifications, so rebuilding it loses nothing.
INSERT INTO `new_notifications` (`id`, `key`, `event_id`, `rule`, `severity`, `action`, `body`, `event`, `seen`, `created_at`, `expires`, `user_id`) SELECT `id`, `key`, `event_id`, `rule`, `severity`, `action`, `body`, `event`, `seen`, `created_at`, COALESCE((SELECT `events`.`expires` FROM `events` WHERE `events`.`id` = `notifications`.`event_id`), datetime(`created_at`, '+365 days')), `user_id` FROM `notifications`;
-- drop "notifications" table after copying rows
DROP TABLE `notifications`;
-- rename temporary table "new_notifications" to "notifications"
ALTER TABLE `new_notifications` RENAME TO `notifications`;
-- create index "notifications_key_key" to table: "notifications"
CREATE UNIQUE INDEX `notifications_key_key` ON `notifications` (`key`);
-- create index "notification_user_id_seen_created_at" to table: "notifications"
CREATE INDEX `notification_user_id_seen_created_at` ON `notifications` (`user_id`, `seen`, `created_at`);
-- create index "notification_expires" to table: "notifications"
CREATE INDEX `notification_expires` ON `notifications` (`expires`);
-- add column "secret_binding" to table: "notification_transports"
ALTER TABLE `notification_transports` ADD COLUMN `secret_binding` text NULL;
-- backfill (hand-written; see docs/decisions.md, "The webhook secret is sealed"):
-- every transport gets a random secret_binding; a plaintext secret (only
-- unreleased builds stored one) is replaced by a value that does not open,
-- so its deliveries fail with "set it again" instead of going out unsigned.
-- (An ADD COLUMN, not Atlas's rebuild: notification_rule_transports
-- references this table; see TestSQLiteKeepsReferencingRows.)
UPDATE `notification_transports` SET `secret_binding` = lower(hex(randomblob(16))),
  `webhook_secret` = CASE WHEN `webhook_secret` = '' THEN '' ELSE 'plaintext-removed' END;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
