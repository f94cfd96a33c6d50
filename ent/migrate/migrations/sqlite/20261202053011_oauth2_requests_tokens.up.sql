-- create "oauth2auth_requests" table
CREATE TABLE `oauth2auth_requests` (`id` text NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `provider_id` integer NOT NULL, `client_id` text NOT NULL, `redirect_uri` text NOT NULL, `scopes` json NOT NULL, `state` text NOT NULL DEFAULT (''), `nonce` text NOT NULL DEFAULT (''), `response_type` text NOT NULL, `response_mode` text NOT NULL DEFAULT (''), `code_challenge` text NOT NULL DEFAULT (''), `code_challenge_method` text NOT NULL DEFAULT (''), `prompt` json NULL, `max_age` integer NULL, `login_hint` text NOT NULL DEFAULT (''), `user_id` integer NULL, `auth_time` datetime NULL, `amr` json NULL, `granted_scopes` json NULL, `session_key` text NULL, `authorized_at` datetime NULL, `code_hash` text NULL, `redeemed_at` datetime NULL, `replayed_at` datetime NULL, PRIMARY KEY (`id`));
-- set sequence for "oauth2auth_requests" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("oauth2auth_requests", 81604378624);
-- create index "oauth2auth_requests_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX `oauth2auth_requests_code_hash_key` ON `oauth2auth_requests` (`code_hash`);
-- create index "oauth2authrequest_expires_at" to table: "oauth2auth_requests"
CREATE INDEX `oauth2authrequest_expires_at` ON `oauth2auth_requests` (`expires_at`);
-- create "oauth2tokens" table
CREATE TABLE `oauth2tokens` (`id` text NOT NULL, `kind` text NOT NULL, `family` text NOT NULL, `provider_id` integer NOT NULL, `client_id` text NOT NULL, `user_id` integer NULL, `scopes` json NOT NULL, `auth_time` datetime NULL, `amr` json NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `rotated_at` datetime NULL, `revoked_at` datetime NULL, PRIMARY KEY (`id`));
-- set sequence for "oauth2tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("oauth2tokens", 85899345920);
-- create index "oauth2token_family" to table: "oauth2tokens"
CREATE INDEX `oauth2token_family` ON `oauth2tokens` (`family`);
-- create index "oauth2token_user_id" to table: "oauth2tokens"
CREATE INDEX `oauth2token_user_id` ON `oauth2tokens` (`user_id`);
-- create index "oauth2token_expires_at" to table: "oauth2tokens"
CREATE INDEX `oauth2token_expires_at` ON `oauth2tokens` (`expires_at`);
