-- add columns to table: "oauth2providers" (by hand: a rebuild would drop the rows that reference it)
ALTER TABLE `oauth2providers` ADD COLUMN `device_authorization` bool NOT NULL DEFAULT (false);
-- add columns to table: "oauth2auth_requests"
ALTER TABLE `oauth2auth_requests` ADD COLUMN `device_code_hash` text NULL;
ALTER TABLE `oauth2auth_requests` ADD COLUMN `user_code_hash` text NULL;
ALTER TABLE `oauth2auth_requests` ADD COLUMN `device_user_id` integer NULL;
ALTER TABLE `oauth2auth_requests` ADD COLUMN `polled_at` datetime NULL;
-- create index "oauth2auth_requests_device_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX `oauth2auth_requests_device_code_hash_key` ON `oauth2auth_requests` (`device_code_hash`);
-- create index "oauth2auth_requests_user_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX `oauth2auth_requests_user_code_hash_key` ON `oauth2auth_requests` (`user_code_hash`);
