-- modify "users" table (hand-written: Atlas would rebuild the table, and
-- dropping the old one inside golang-migrate's transaction, where PRAGMA
-- foreign_keys cannot be turned off, would cascade to every row that points
-- at a user; see TestSQLiteKeepsReferencingRows)
ALTER TABLE `users` ADD COLUMN `webauthn_user_handle` blob NULL;
-- create index "users_webauthn_user_handle_key" to table: "users"
CREATE UNIQUE INDEX `users_webauthn_user_handle_key` ON `users` (`webauthn_user_handle`);
-- create "webauthn_devices" table
CREATE TABLE `webauthn_devices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `credential_id` blob NOT NULL, `public_key` blob NOT NULL, `attestation_type` text NOT NULL DEFAULT (''), `attestation_format` text NOT NULL DEFAULT (''), `aaguid` blob NULL, `sign_count` integer NOT NULL DEFAULT (0), `transports` json NOT NULL, `attachment` text NOT NULL DEFAULT (''), `backup_eligible` bool NOT NULL DEFAULT (false), `backup_state` bool NOT NULL DEFAULT (false), `user_verified` bool NOT NULL DEFAULT (false), `last_used_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `webauthn_devices_users_webauthn_devices` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "webauthn_devices" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webauthn_devices", 115964116992);
-- create index "webauthn_devices_credential_id_key" to table: "webauthn_devices"
CREATE UNIQUE INDEX `webauthn_devices_credential_id_key` ON `webauthn_devices` (`credential_id`);
-- create index "webauthndevice_user_id" to table: "webauthn_devices"
CREATE INDEX `webauthndevice_user_id` ON `webauthn_devices` (`user_id`);
