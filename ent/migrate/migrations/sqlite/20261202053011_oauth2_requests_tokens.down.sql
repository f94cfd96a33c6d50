-- reverse: create index "oauth2token_expires_at" to table: "oauth2tokens"
DROP INDEX `oauth2token_expires_at`;
-- reverse: create index "oauth2token_user_id" to table: "oauth2tokens"
DROP INDEX `oauth2token_user_id`;
-- reverse: create index "oauth2token_family" to table: "oauth2tokens"
DROP INDEX `oauth2token_family`;
-- reverse: set sequence for "oauth2tokens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "oauth2tokens";
-- reverse: create "oauth2tokens" table
DROP TABLE `oauth2tokens`;
-- reverse: create index "oauth2authrequest_expires_at" to table: "oauth2auth_requests"
DROP INDEX `oauth2authrequest_expires_at`;
-- reverse: create index "oauth2auth_requests_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX `oauth2auth_requests_code_hash_key`;
-- reverse: set sequence for "oauth2auth_requests" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "oauth2auth_requests";
-- reverse: create "oauth2auth_requests" table
DROP TABLE `oauth2auth_requests`;
