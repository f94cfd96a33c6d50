-- reverse: notification rules' bindings go with the rules
DELETE FROM "policy_bindings" WHERE "notification_rule_id" IS NOT NULL;
-- reverse: the target check without notification rules
ALTER TABLE "policy_bindings" DROP CONSTRAINT "policy_binding_one_target", ADD CONSTRAINT "policy_binding_one_target" CHECK (((CASE WHEN flow_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN flow_stage_binding_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)) = 1);
-- reverse: modify "policy_bindings" table
ALTER TABLE "policy_bindings" DROP CONSTRAINT "policy_bindings_notification_rules_policy_bindings", DROP COLUMN "notification_rule_id";
-- reverse: create index "notifications_key_key" to table: "notifications"
DROP INDEX "notifications_key_key";
-- reverse: create index "notification_user_id_seen_created_at" to table: "notifications"
DROP INDEX "notification_user_id_seen_created_at";
-- reverse: create "notifications" table
DROP TABLE "notifications";
-- reverse: create "notification_rule_transports" table
DROP TABLE "notification_rule_transports";
-- reverse: create index "notification_transports_name_key" to table: "notification_transports"
DROP INDEX "notification_transports_name_key";
-- reverse: create "notification_transports" table
DROP TABLE "notification_transports";
-- reverse: create index "notification_rules_name_key" to table: "notification_rules"
DROP INDEX "notification_rules_name_key";
-- reverse: create "notification_rules" table
DROP TABLE "notification_rules";
