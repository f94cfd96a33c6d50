-- reverse: create "notification_rule_transports" table
DROP TABLE `notification_rule_transports`;
-- reverse: create index "notification_transports_name_key" to table: "notification_transports"
DROP INDEX `notification_transports_name_key`;
-- reverse: set sequence for "notification_transports" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notification_transports";
-- reverse: create "notification_transports" table
DROP TABLE `notification_transports`;
-- reverse: create index "notification_rules_name_key" to table: "notification_rules"
DROP INDEX `notification_rules_name_key`;
-- reverse: set sequence for "notification_rules" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notification_rules";
-- reverse: create "notification_rules" table
DROP TABLE `notification_rules`;
-- reverse: create index "notification_user_id_seen_created_at" to table: "notifications"
DROP INDEX `notification_user_id_seen_created_at`;
-- reverse: create index "notifications_key_key" to table: "notifications"
DROP INDEX `notifications_key_key`;
-- reverse: set sequence for "notifications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notifications";
-- reverse: create "notifications" table
DROP TABLE `notifications`;
-- reverse: set sequence for "new_policy_bindings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_policy_bindings";
-- reverse: create "new_policy_bindings" table
DROP TABLE `new_policy_bindings`;
