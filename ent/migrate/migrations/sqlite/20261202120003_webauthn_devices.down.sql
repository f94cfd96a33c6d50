-- reverse: create index "webauthndevice_user_id" to table: "webauthn_devices"
DROP INDEX `webauthndevice_user_id`;
-- reverse: create index "webauthn_devices_credential_id_key" to table: "webauthn_devices"
DROP INDEX `webauthn_devices_credential_id_key`;
-- reverse: set sequence for "webauthn_devices" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webauthn_devices";
-- reverse: create "webauthn_devices" table
DROP TABLE `webauthn_devices`;
-- reverse: create index "users_webauthn_user_handle_key" to table: "users"
DROP INDEX `users_webauthn_user_handle_key`;
-- reverse: modify "users" table
ALTER TABLE `users` DROP COLUMN `webauthn_user_handle`;
