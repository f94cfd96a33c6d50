-- reverse: create index "emaildevice_user_id" to table: "email_devices"
DROP INDEX "emaildevice_user_id";
-- reverse: create "email_devices" table
DROP TABLE "email_devices";
