-- create "static_devices" table
CREATE TABLE `static_devices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `last_used_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `static_devices_users_static_devices` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "static_devices" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("static_devices", 107374182400);
-- create index "staticdevice_user_id" to table: "static_devices"
CREATE UNIQUE INDEX `staticdevice_user_id` ON `static_devices` (`user_id`);
-- create "static_tokens" table
CREATE TABLE `static_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code_hash` blob NOT NULL, `used_at` datetime NULL, `device_id` integer NOT NULL, CONSTRAINT `static_tokens_static_devices_tokens` FOREIGN KEY (`device_id`) REFERENCES `static_devices` (`id`) ON DELETE CASCADE);
-- set sequence for "static_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("static_tokens", 111669149696);
-- create index "static_tokens_code_hash_key" to table: "static_tokens"
CREATE UNIQUE INDEX `static_tokens_code_hash_key` ON `static_tokens` (`code_hash`);
-- create index "statictoken_device_id" to table: "static_tokens"
CREATE INDEX `statictoken_device_id` ON `static_tokens` (`device_id`);
