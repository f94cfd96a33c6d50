-- reverse: create index "emaildevice_user_id" to table: "email_devices"
DROP INDEX `emaildevice_user_id`;
-- reverse: set sequence for "email_devices" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "email_devices";
-- reverse: create "email_devices" table
DROP TABLE `email_devices`;
