-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_notifications" table
CREATE TABLE `new_notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `event_id` integer NOT NULL, `rule` text NOT NULL, `severity` text NOT NULL, `action` text NOT NULL, `body` text NOT NULL, `event` json NOT NULL, `seen` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `expires` datetime NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `notifications_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "new_notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_notifications", 146028888064);
-- copy rows from old table "notifications" to new temporary table "new_notifications"
-- (hand-written; see docs/decisions.md, "Stored notifications expire"): a
-- notification expires with its event; one whose event is gone already, a
-- year after it was stored (audit.DefaultRetention).
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
-- create "new_notification_transports" table
CREATE TABLE `new_notification_transports` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `mode` text NOT NULL, `webhook_url` text NOT NULL DEFAULT (''), `webhook_secret` text NULL, `secret_binding` text NOT NULL, `webhook_mapping` text NOT NULL DEFAULT (''), `webhook_timeout` integer NOT NULL DEFAULT (10), `send_once` bool NOT NULL DEFAULT (false), `failing` bool NOT NULL DEFAULT (false), `last_error` text NOT NULL DEFAULT (''), `last_failure_at` datetime NULL);
-- set sequence for "new_notification_transports" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_notification_transports", 141733920768);
-- copy rows from old table "notification_transports" to new temporary table "new_notification_transports"
-- (hand-written; see docs/decisions.md, "The webhook secret is sealed"):
-- every transport gets a random secret_binding; a plaintext secret (only
-- unreleased builds stored one) is replaced by a value that does not open,
-- so its deliveries fail with "set it again" instead of going out unsigned.
INSERT INTO `new_notification_transports` (`id`, `created_at`, `updated_at`, `name`, `mode`, `webhook_url`, `webhook_secret`, `secret_binding`, `webhook_mapping`, `webhook_timeout`, `send_once`, `failing`, `last_error`, `last_failure_at`) SELECT `id`, `created_at`, `updated_at`, `name`, `mode`, `webhook_url`, CASE WHEN `webhook_secret` = '' THEN '' ELSE 'plaintext-removed' END, lower(hex(randomblob(16))), `webhook_mapping`, `webhook_timeout`, `send_once`, `failing`, `last_error`, `last_failure_at` FROM `notification_transports`;
-- drop "notification_transports" table after copying rows
DROP TABLE `notification_transports`;
-- rename temporary table "new_notification_transports" to "notification_transports"
ALTER TABLE `new_notification_transports` RENAME TO `notification_transports`;
-- create index "notification_transports_name_key" to table: "notification_transports"
CREATE UNIQUE INDEX `notification_transports_name_key` ON `notification_transports` (`name`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
