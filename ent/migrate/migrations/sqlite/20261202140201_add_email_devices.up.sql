-- create "email_devices" table
CREATE TABLE `email_devices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `confirmed` bool NOT NULL DEFAULT (false), `code_hash` text NULL, `code_expires_at` datetime NULL, `last_used_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `email_devices_users_email_devices` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "email_devices" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("email_devices", 120259084288);
-- create index "emaildevice_user_id" to table: "email_devices"
CREATE INDEX `emaildevice_user_id` ON `email_devices` (`user_id`);
