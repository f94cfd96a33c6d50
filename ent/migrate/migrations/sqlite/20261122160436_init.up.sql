-- create "brands" table
CREATE TABLE `brands` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `domain` text NOT NULL, `is_default` bool NOT NULL DEFAULT (false), `branding_title` text NOT NULL DEFAULT ('Gatehouse'), `branding_logo` text NOT NULL DEFAULT (''), `branding_favicon` text NOT NULL DEFAULT (''), `attributes` json NOT NULL, `flow_authentication_id` integer NULL, `flow_invalidation_id` integer NULL, `flow_recovery_id` integer NULL, `flow_unenrollment_id` integer NULL, `flow_user_settings_id` integer NULL, `flow_device_code_id` integer NULL, CONSTRAINT `brands_flows_authentication_brands` FOREIGN KEY (`flow_authentication_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `brands_flows_invalidation_brands` FOREIGN KEY (`flow_invalidation_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `brands_flows_recovery_brands` FOREIGN KEY (`flow_recovery_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `brands_flows_unenrollment_brands` FOREIGN KEY (`flow_unenrollment_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `brands_flows_user_settings_brands` FOREIGN KEY (`flow_user_settings_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `brands_flows_device_code_brands` FOREIGN KEY (`flow_device_code_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT);
-- create index "brands_domain_key" to table: "brands"
CREATE UNIQUE INDEX `brands_domain_key` ON `brands` (`domain`);
-- create index "brand_is_default" to table: "brands"
CREATE UNIQUE INDEX `brand_is_default` ON `brands` (`is_default`) WHERE is_default;
-- create "config_references" table
CREATE TABLE `config_references` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `field` text NOT NULL, `target_flow_id` integer NULL, `target_group_id` integer NULL, `owner_policy_id` integer NULL, `target_policy_id` integer NULL, `owner_stage_id` integer NULL, `target_stage_id` integer NULL, `target_user_id` integer NULL, CONSTRAINT `config_references_flows_config_referrers` FOREIGN KEY (`target_flow_id`) REFERENCES `flows` (`id`) ON DELETE RESTRICT, CONSTRAINT `config_references_groups_config_referrers` FOREIGN KEY (`target_group_id`) REFERENCES `groups` (`id`) ON DELETE RESTRICT, CONSTRAINT `config_references_policies_config_references` FOREIGN KEY (`owner_policy_id`) REFERENCES `policies` (`id`) ON DELETE CASCADE, CONSTRAINT `config_references_policies_config_referrers` FOREIGN KEY (`target_policy_id`) REFERENCES `policies` (`id`) ON DELETE RESTRICT, CONSTRAINT `config_references_stages_config_references` FOREIGN KEY (`owner_stage_id`) REFERENCES `stages` (`id`) ON DELETE CASCADE, CONSTRAINT `config_references_stages_config_referrers` FOREIGN KEY (`target_stage_id`) REFERENCES `stages` (`id`) ON DELETE RESTRICT, CONSTRAINT `config_references_users_config_referrers` FOREIGN KEY (`target_user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT);
-- set sequence for "config_references" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("config_references", 4294967296);
-- create "events" table
CREATE TABLE `events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `action` text NOT NULL, `user_id` integer NULL, `username` text NOT NULL DEFAULT (''), `app` text NOT NULL DEFAULT (''), `client_ip` text NOT NULL DEFAULT (''), `context` json NOT NULL, `created_at` datetime NOT NULL, `expires` datetime NOT NULL);
-- set sequence for "events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("events", 8589934592);
-- create index "event_created_at" to table: "events"
CREATE INDEX `event_created_at` ON `events` (`created_at`);
-- create index "event_action_created_at" to table: "events"
CREATE INDEX `event_action_created_at` ON `events` (`action`, `created_at`);
-- create index "event_user_id" to table: "events"
CREATE INDEX `event_user_id` ON `events` (`user_id`);
-- create index "event_expires" to table: "events"
CREATE INDEX `event_expires` ON `events` (`expires`);
-- create "flows" table
CREATE TABLE `flows` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `slug` text NOT NULL, `name` text NOT NULL, `title` text NOT NULL, `designation` text NOT NULL, `layout` text NOT NULL DEFAULT ('stacked'), `background` text NOT NULL DEFAULT (''), `compatibility_mode` bool NOT NULL DEFAULT (false), `denied_action` text NOT NULL DEFAULT ('message_continue'), `authentication` text NOT NULL DEFAULT ('none'), `policy_engine_mode` text NOT NULL DEFAULT ('any'));
-- set sequence for "flows" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flows", 12884901888);
-- create index "flows_slug_key" to table: "flows"
CREATE UNIQUE INDEX `flows_slug_key` ON `flows` (`slug`);
-- create "flow_stage_bindings" table
CREATE TABLE `flow_stage_bindings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `order` integer NOT NULL, `evaluate_on_plan` bool NOT NULL DEFAULT (false), `re_evaluate_policies` bool NOT NULL DEFAULT (true), `invalid_response_action` text NOT NULL DEFAULT ('retry'), `policy_engine_mode` text NOT NULL DEFAULT ('any'), `flow_id` integer NOT NULL, `stage_id` integer NOT NULL, CONSTRAINT `flow_stage_bindings_flows_bindings` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `flow_stage_bindings_stages_bindings` FOREIGN KEY (`stage_id`) REFERENCES `stages` (`id`) ON DELETE RESTRICT);
-- set sequence for "flow_stage_bindings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flow_stage_bindings", 17179869184);
-- create index "flowstagebinding_flow_id_stage_id_order" to table: "flow_stage_bindings"
CREATE UNIQUE INDEX `flowstagebinding_flow_id_stage_id_order` ON `flow_stage_bindings` (`flow_id`, `stage_id`, `order`);
-- create index "flowstagebinding_flow_id_order" to table: "flow_stage_bindings"
CREATE INDEX `flowstagebinding_flow_id_order` ON `flow_stage_bindings` (`flow_id`, `order`);
-- create "flow_tokens" table
CREATE TABLE `flow_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key_hash` text NOT NULL, `intent` text NOT NULL DEFAULT ('verification'), `execution` json NOT NULL, `revoke_on_execution` bool NOT NULL DEFAULT (true), `expires` datetime NOT NULL, `created_at` datetime NOT NULL, `flow_id` integer NOT NULL, `user_id` integer NULL, CONSTRAINT `flow_tokens_flows_flow_tokens` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `flow_tokens_users_flow_tokens` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "flow_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flow_tokens", 21474836480);
-- create index "flow_tokens_key_hash_key" to table: "flow_tokens"
CREATE UNIQUE INDEX `flow_tokens_key_hash_key` ON `flow_tokens` (`key_hash`);
-- create index "flowtoken_expires" to table: "flow_tokens"
CREATE INDEX `flowtoken_expires` ON `flow_tokens` (`expires`);
-- create "groups" table
CREATE TABLE `groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `is_superuser` bool NOT NULL DEFAULT (false), `attributes` json NOT NULL);
-- set sequence for "groups" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("groups", 25769803776);
-- create index "groups_name_key" to table: "groups"
CREATE UNIQUE INDEX `groups_name_key` ON `groups` (`name`);
-- create "policy_bindings" table
CREATE TABLE `policy_bindings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `negate` bool NOT NULL DEFAULT (false), `order` integer NOT NULL DEFAULT (0), `timeout` integer NOT NULL DEFAULT (30), `failure_result` bool NOT NULL DEFAULT (false), `flow_id` integer NULL, `flow_stage_binding_id` integer NULL, `group_id` integer NULL, `policy_id` integer NULL, `user_id` integer NULL, CONSTRAINT `policy_bindings_flows_policy_bindings` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_flow_stage_bindings_policy_bindings` FOREIGN KEY (`flow_stage_binding_id`) REFERENCES `flow_stage_bindings` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_groups_policy_bindings` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_policies_bindings` FOREIGN KEY (`policy_id`) REFERENCES `policies` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_users_policy_bindings` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_binding_one_subject` CHECK (((CASE WHEN policy_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)) = 1), CONSTRAINT `policy_binding_one_target` CHECK (((CASE WHEN flow_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN flow_stage_binding_id IS NULL THEN 0 ELSE 1 END)) = 1));
-- set sequence for "policy_bindings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("policy_bindings", 30064771072);
-- create "policies" table
CREATE TABLE `policies` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `config` json NOT NULL, `execution_logging` bool NOT NULL DEFAULT (false));
-- set sequence for "policies" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("policies", 34359738368);
-- create index "policies_name_key" to table: "policies"
CREATE UNIQUE INDEX `policies_name_key` ON `policies` (`name`);
-- create "stages" table
CREATE TABLE `stages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `config` json NOT NULL);
-- set sequence for "stages" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("stages", 38654705664);
-- create index "stages_name_key" to table: "stages"
CREATE UNIQUE INDEX `stages_name_key` ON `stages` (`name`);
-- create "tokens" table
CREATE TABLE `tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `identifier` text NOT NULL, `key_hash` text NOT NULL, `intent` text NOT NULL DEFAULT ('api'), `description` text NOT NULL DEFAULT (''), `expiring` bool NOT NULL DEFAULT (true), `expires` datetime NULL, `last_used_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `tokens_users_tokens` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("tokens", 42949672960);
-- create index "tokens_identifier_key" to table: "tokens"
CREATE UNIQUE INDEX `tokens_identifier_key` ON `tokens` (`identifier`);
-- create index "tokens_key_hash_key" to table: "tokens"
CREATE UNIQUE INDEX `tokens_key_hash_key` ON `tokens` (`key_hash`);
-- create index "token_expiring_expires" to table: "tokens"
CREATE INDEX `token_expiring_expires` ON `tokens` (`expiring`, `expires`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `username` text NOT NULL, `name` text NOT NULL DEFAULT (''), `email` text NOT NULL DEFAULT (''), `is_active` bool NOT NULL DEFAULT (true), `type` text NOT NULL DEFAULT ('internal'), `password_hash` text NOT NULL DEFAULT (''), `password_changed_at` datetime NULL, `last_login` datetime NULL, `attributes` json NOT NULL);
-- set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 47244640256);
-- create index "users_username_key" to table: "users"
CREATE UNIQUE INDEX `users_username_key` ON `users` (`username`);
-- create "group_users" table
CREATE TABLE `group_users` (`group_id` integer NOT NULL, `user_id` integer NOT NULL, PRIMARY KEY (`group_id`, `user_id`), CONSTRAINT `group_users_group_id` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE CASCADE, CONSTRAINT `group_users_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create "group_children" table
CREATE TABLE `group_children` (`group_id` integer NOT NULL, `parent_id` integer NOT NULL, PRIMARY KEY (`group_id`, `parent_id`), CONSTRAINT `group_children_group_id` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE CASCADE, CONSTRAINT `group_children_parent_id` FOREIGN KEY (`parent_id`) REFERENCES `groups` (`id`) ON DELETE CASCADE);
