-- create "oauth2auth_requests" table
CREATE TABLE "oauth2auth_requests" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "provider_id" bigint NOT NULL, "client_id" character varying NOT NULL, "redirect_uri" character varying NOT NULL, "scopes" jsonb NOT NULL, "state" character varying NOT NULL DEFAULT '', "nonce" character varying NOT NULL DEFAULT '', "response_type" character varying NOT NULL, "response_mode" character varying NOT NULL DEFAULT '', "code_challenge" character varying NOT NULL DEFAULT '', "code_challenge_method" character varying NOT NULL DEFAULT '', "prompt" jsonb NULL, "max_age" bigint NULL, "login_hint" character varying NOT NULL DEFAULT '', "user_id" bigint NULL, "auth_time" timestamptz NULL, "amr" jsonb NULL, "granted_scopes" jsonb NULL, "session_key" character varying NULL, "authorized_at" timestamptz NULL, "code_hash" character varying NULL, "redeemed_at" timestamptz NULL, "replayed_at" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "oauth2auth_requests_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX "oauth2auth_requests_code_hash_key" ON "oauth2auth_requests" ("code_hash");
-- create index "oauth2authrequest_expires_at" to table: "oauth2auth_requests"
CREATE INDEX "oauth2authrequest_expires_at" ON "oauth2auth_requests" ("expires_at");
-- create "oauth2tokens" table
CREATE TABLE "oauth2tokens" ("id" character varying NOT NULL, "kind" character varying NOT NULL, "family" character varying NOT NULL, "provider_id" bigint NOT NULL, "client_id" character varying NOT NULL, "user_id" bigint NULL, "scopes" jsonb NOT NULL, "auth_time" timestamptz NULL, "amr" jsonb NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "rotated_at" timestamptz NULL, "revoked_at" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "oauth2token_expires_at" to table: "oauth2tokens"
CREATE INDEX "oauth2token_expires_at" ON "oauth2tokens" ("expires_at");
-- create index "oauth2token_family" to table: "oauth2tokens"
CREATE INDEX "oauth2token_family" ON "oauth2tokens" ("family");
-- create index "oauth2token_user_id" to table: "oauth2tokens"
CREATE INDEX "oauth2token_user_id" ON "oauth2tokens" ("user_id");
