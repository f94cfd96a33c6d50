-- reverse: create index "oauth2token_user_id" to table: "oauth2tokens"
DROP INDEX "oauth2token_user_id";
-- reverse: create index "oauth2token_family" to table: "oauth2tokens"
DROP INDEX "oauth2token_family";
-- reverse: create index "oauth2token_expires_at" to table: "oauth2tokens"
DROP INDEX "oauth2token_expires_at";
-- reverse: create "oauth2tokens" table
DROP TABLE "oauth2tokens";
-- reverse: create index "oauth2authrequest_expires_at" to table: "oauth2auth_requests"
DROP INDEX "oauth2authrequest_expires_at";
-- reverse: create index "oauth2auth_requests_code_hash_key" to table: "oauth2auth_requests"
DROP INDEX "oauth2auth_requests_code_hash_key";
-- reverse: create "oauth2auth_requests" table
DROP TABLE "oauth2auth_requests";
