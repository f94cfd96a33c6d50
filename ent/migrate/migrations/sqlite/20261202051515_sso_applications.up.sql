-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- (the new tables come first: inside golang-migrate's transaction the
-- foreign keys stay on, and copying rows into a table whose foreign keys
-- name a missing table fails)
-- create "applications" table
CREATE TABLE `applications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `launch_url` text NOT NULL DEFAULT (''), `description` text NOT NULL DEFAULT (''), `icon` text NOT NULL DEFAULT (''), `group` text NOT NULL DEFAULT (''), `policy_engine_mode` text NOT NULL DEFAULT ('any'), `provider_id` integer NULL, CONSTRAINT `applications_oauth2providers_application` FOREIGN KEY (`provider_id`) REFERENCES `oauth2providers` (`id`) ON DELETE SET NULL);
-- set sequence for "applications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("applications", 68719476736);
-- create index "applications_slug_key" to table: "applications"
CREATE UNIQUE INDEX `applications_slug_key` ON `applications` (`slug`);
-- create index "applications_provider_id_key" to table: "applications"
CREATE UNIQUE INDEX `applications_provider_id_key` ON `applications` (`provider_id`);
-- create "oauth2providers" table
CREATE TABLE `oauth2providers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `client_type` text NOT NULL DEFAULT ('confidential'), `client_id` text NOT NULL, `client_secret_hash` text NOT NULL DEFAULT (''), `redirect_uris` json NOT NULL, `post_logout_redirect_uris` json NOT NULL, `scopes` json NOT NULL, `signing_algorithm` text NOT NULL DEFAULT ('rs256'), `access_token_validity` integer NOT NULL DEFAULT (600), `id_token_validity` integer NOT NULL DEFAULT (600), `refresh_token_validity` integer NOT NULL DEFAULT (2592000), `subject_mode` text NOT NULL DEFAULT ('hashed_user_id'), `include_claims_in_id_token` bool NOT NULL DEFAULT (true), `authorization_flow_id` integer NOT NULL, `invalidation_flow_id` integer NULL, CONSTRAINT `oauth2providers_flows_authorization_providers` FOREIGN KEY (`authorization_flow_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `oauth2providers_flows_invalidation_providers` FOREIGN KEY (`invalidation_flow_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT);
-- set sequence for "oauth2providers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("oauth2providers", 73014444032);
-- create index "oauth2providers_name_key" to table: "oauth2providers"
CREATE UNIQUE INDEX `oauth2providers_name_key` ON `oauth2providers` (`name`);
-- create index "oauth2providers_client_id_key" to table: "oauth2providers"
CREATE UNIQUE INDEX `oauth2providers_client_id_key` ON `oauth2providers` (`client_id`);
-- create "new_policy_bindings" table
CREATE TABLE `new_policy_bindings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `negate` bool NOT NULL DEFAULT (false), `order` integer NOT NULL DEFAULT (0), `timeout` integer NOT NULL DEFAULT (30), `failure_result` bool NOT NULL DEFAULT (false), `application_id` integer NULL, `flow_id` integer NULL, `flow_stage_binding_id` integer NULL, `group_id` integer NULL, `policy_id` integer NULL, `user_id` integer NULL, CONSTRAINT `policy_bindings_applications_policy_bindings` FOREIGN KEY (`application_id`) REFERENCES `applications` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_flows_policy_bindings` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_flow_stage_bindings_policy_bindings` FOREIGN KEY (`flow_stage_binding_id`) REFERENCES `flow_stage_bindings` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_groups_policy_bindings` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_policies_bindings` FOREIGN KEY (`policy_id`) REFERENCES `policies` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_users_policy_bindings` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_binding_one_subject` CHECK (((CASE WHEN policy_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)) = 1), CONSTRAINT `policy_binding_one_target` CHECK (((CASE WHEN flow_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN flow_stage_binding_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)) = 1));
-- set sequence for "new_policy_bindings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_policy_bindings", 30064771072);
-- copy rows from old table "policy_bindings" to new temporary table "new_policy_bindings"
INSERT INTO `new_policy_bindings` (`id`, `created_at`, `updated_at`, `enabled`, `negate`, `order`, `timeout`, `failure_result`, `flow_id`, `flow_stage_binding_id`, `group_id`, `policy_id`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `enabled`, `negate`, `order`, `timeout`, `failure_result`, `flow_id`, `flow_stage_binding_id`, `group_id`, `policy_id`, `user_id` FROM `policy_bindings`;
-- drop "policy_bindings" table after copying rows
DROP TABLE `policy_bindings`;
-- rename temporary table "new_policy_bindings" to "policy_bindings"
ALTER TABLE `new_policy_bindings` RENAME TO `policy_bindings`;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
