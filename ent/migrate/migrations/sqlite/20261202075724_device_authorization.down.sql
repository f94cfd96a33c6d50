-- reverse: create index "oauth2auth_requests_user_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX `oauth2auth_requests_user_code_hash_key`;
-- reverse: create index "oauth2auth_requests_device_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX `oauth2auth_requests_device_code_hash_key`;
-- reverse: add columns to table: "oauth2auth_requests"
ALTER TABLE `oauth2auth_requests` DROP COLUMN `polled_at`;
ALTER TABLE `oauth2auth_requests` DROP COLUMN `device_user_id`;
ALTER TABLE `oauth2auth_requests` DROP COLUMN `user_code_hash`;
ALTER TABLE `oauth2auth_requests` DROP COLUMN `device_code_hash`;
-- reverse: add columns to table: "oauth2providers"
ALTER TABLE `oauth2providers` DROP COLUMN `device_authorization`;
