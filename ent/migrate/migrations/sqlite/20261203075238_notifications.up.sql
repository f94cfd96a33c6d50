-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "notifications" table
CREATE TABLE `notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `event_id` integer NOT NULL, `rule` text NOT NULL, `severity` text NOT NULL, `action` text NOT NULL, `body` text NOT NULL, `event` json NOT NULL, `seen` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `notifications_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notifications", 146028888064);
-- create index "notifications_key_key" to table: "notifications"
CREATE UNIQUE INDEX `notifications_key_key` ON `notifications` (`key`);
-- create index "notification_user_id_seen_created_at" to table: "notifications"
CREATE INDEX `notification_user_id_seen_created_at` ON `notifications` (`user_id`, `seen`, `created_at`);
-- create "notification_rules" table
CREATE TABLE `notification_rules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `severity` text NOT NULL DEFAULT ('notice'), `policy_engine_mode` text NOT NULL DEFAULT ('any'), `destination_group_id` integer NULL, CONSTRAINT `notification_rules_groups_destination_group` FOREIGN KEY (`destination_group_id`) REFERENCES `groups` (`id`) ON DELETE SET NULL);
-- set sequence for "notification_rules" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notification_rules", 137438953472);
-- create index "notification_rules_name_key" to table: "notification_rules"
CREATE UNIQUE INDEX `notification_rules_name_key` ON `notification_rules` (`name`);
-- create "notification_transports" table
CREATE TABLE `notification_transports` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `mode` text NOT NULL, `webhook_url` text NOT NULL DEFAULT (''), `webhook_secret` text NOT NULL DEFAULT (''), `webhook_mapping` text NOT NULL DEFAULT (''), `webhook_timeout` integer NOT NULL DEFAULT (10), `send_once` bool NOT NULL DEFAULT (false), `failing` bool NOT NULL DEFAULT (false), `last_error` text NOT NULL DEFAULT (''), `last_failure_at` datetime NULL);
-- set sequence for "notification_transports" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notification_transports", 141733920768);
-- create index "notification_transports_name_key" to table: "notification_transports"
CREATE UNIQUE INDEX `notification_transports_name_key` ON `notification_transports` (`name`);
-- create "notification_rule_transports" table
CREATE TABLE `notification_rule_transports` (`notification_rule_id` integer NOT NULL, `notification_transport_id` integer NOT NULL, PRIMARY KEY (`notification_rule_id`, `notification_transport_id`), CONSTRAINT `notification_rule_transports_notification_rule_id` FOREIGN KEY (`notification_rule_id`) REFERENCES `notification_rules` (`id`) ON DELETE CASCADE, CONSTRAINT `notification_rule_transports_notification_transport_id` FOREIGN KEY (`notification_transport_id`) REFERENCES `notification_transports` (`id`) ON DELETE CASCADE);
-- create "new_policy_bindings" table
CREATE TABLE `new_policy_bindings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `negate` bool NOT NULL DEFAULT (false), `order` integer NOT NULL DEFAULT (0), `timeout` integer NOT NULL DEFAULT (30), `failure_result` bool NOT NULL DEFAULT (false), `application_id` integer NULL, `flow_id` integer NULL, `flow_stage_binding_id` integer NULL, `group_id` integer NULL, `notification_rule_id` integer NULL, `policy_id` integer NULL, `user_id` integer NULL, CONSTRAINT `policy_bindings_applications_policy_bindings` FOREIGN KEY (`application_id`) REFERENCES `applications` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_flows_policy_bindings` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_flow_stage_bindings_policy_bindings` FOREIGN KEY (`flow_stage_binding_id`) REFERENCES `flow_stage_bindings` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_groups_policy_bindings` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_notification_rules_policy_bindings` FOREIGN KEY (`notification_rule_id`) REFERENCES `notification_rules` (`id`) ON DELETE CASCADE, CONSTRAINT `policy_bindings_policies_bindings` FOREIGN KEY (`policy_id`) REFERENCES `policies` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_bindings_users_policy_bindings` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT, CONSTRAINT `policy_binding_one_subject` CHECK (((CASE WHEN policy_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)) = 1), CONSTRAINT `policy_binding_one_target` CHECK (((CASE WHEN flow_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN flow_stage_binding_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN notification_rule_id IS NULL THEN 0 ELSE 1 END)) = 1));
-- set sequence for "new_policy_bindings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_policy_bindings", 30064771072);
-- copy rows from old table "policy_bindings" to new temporary table "new_policy_bindings"
INSERT INTO `new_policy_bindings` (`id`, `created_at`, `updated_at`, `enabled`, `negate`, `order`, `timeout`, `failure_result`, `application_id`, `flow_id`, `flow_stage_binding_id`, `group_id`, `policy_id`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `enabled`, `negate`, `order`, `timeout`, `failure_result`, `application_id`, `flow_id`, `flow_stage_binding_id`, `group_id`, `policy_id`, `user_id` FROM `policy_bindings`;
-- drop "policy_bindings" table after copying rows
DROP TABLE `policy_bindings`;
-- rename temporary table "new_policy_bindings" to "policy_bindings"
ALTER TABLE `new_policy_bindings` RENAME TO `policy_bindings`;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
