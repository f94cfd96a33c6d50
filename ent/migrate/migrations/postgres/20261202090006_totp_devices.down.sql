-- reverse: create index "totpdevice_user_id" to table: "totp_devices"
DROP INDEX "totpdevice_user_id";
-- reverse: create "totp_devices" table
DROP TABLE "totp_devices";
