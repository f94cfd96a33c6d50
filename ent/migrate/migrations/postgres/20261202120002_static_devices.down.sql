-- reverse: create index "statictoken_device_id" to table: "static_tokens"
DROP INDEX "statictoken_device_id";
-- reverse: create index "static_tokens_code_hash_key" to table: "static_tokens"
DROP INDEX "static_tokens_code_hash_key";
-- reverse: create "static_tokens" table
DROP TABLE "static_tokens";
-- reverse: create index "staticdevice_user_id" to table: "static_devices"
DROP INDEX "staticdevice_user_id";
-- reverse: create "static_devices" table
DROP TABLE "static_devices";
