-- create "totp_devices" table
CREATE TABLE `totp_devices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `digits` integer NOT NULL DEFAULT (6), `period` integer NOT NULL DEFAULT (30), `secret` blob NOT NULL, `confirmed` bool NOT NULL DEFAULT (false), `last_used_at` datetime NULL, `last_step` integer NOT NULL DEFAULT (0), `user_id` integer NOT NULL, CONSTRAINT `totp_devices_users_totp_devices` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "totp_devices" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("totp_devices", 98784247808);
-- create index "totpdevice_user_id" to table: "totp_devices"
CREATE INDEX `totpdevice_user_id` ON `totp_devices` (`user_id`);
