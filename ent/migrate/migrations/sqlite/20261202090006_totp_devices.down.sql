-- reverse: create index "totpdevice_user_id" to table: "totp_devices"
DROP INDEX `totpdevice_user_id`;
-- reverse: set sequence for "totp_devices" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "totp_devices";
-- reverse: create "totp_devices" table
DROP TABLE `totp_devices`;
