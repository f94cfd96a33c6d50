-- reverse: modify "oauth2providers" table
ALTER TABLE "oauth2providers" DROP COLUMN "device_authorization";
-- reverse: create index "oauth2auth_requests_user_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX "oauth2auth_requests_user_code_hash_key";
-- reverse: create index "oauth2auth_requests_device_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX "oauth2auth_requests_device_code_hash_key";
-- reverse: modify "oauth2auth_requests" table
ALTER TABLE "oauth2auth_requests" DROP COLUMN "polled_at", DROP COLUMN "device_user_id", DROP COLUMN "user_code_hash", DROP COLUMN "device_code_hash";
