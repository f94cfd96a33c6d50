-- reverse: create index "tokens_key_hash_key" to table: "tokens"
DROP INDEX "tokens_key_hash_key";
-- reverse: create index "tokens_identifier_key" to table: "tokens"
DROP INDEX "tokens_identifier_key";
-- reverse: create index "token_expiring_expires" to table: "tokens"
DROP INDEX "token_expiring_expires";
-- reverse: create "tokens" table
DROP TABLE "tokens";
-- reverse: create "policy_bindings" table
DROP TABLE "policy_bindings";
-- reverse: create "group_users" table
DROP TABLE "group_users";
-- reverse: create "group_children" table
DROP TABLE "group_children";
-- reverse: create index "flowtoken_expires" to table: "flow_tokens"
DROP INDEX "flowtoken_expires";
-- reverse: create index "flow_tokens_key_hash_key" to table: "flow_tokens"
DROP INDEX "flow_tokens_key_hash_key";
-- reverse: create "flow_tokens" table
DROP TABLE "flow_tokens";
-- reverse: create index "flowstagebinding_flow_id_stage_id_order" to table: "flow_stage_bindings"
DROP INDEX "flowstagebinding_flow_id_stage_id_order";
-- reverse: create index "flowstagebinding_flow_id_order" to table: "flow_stage_bindings"
DROP INDEX "flowstagebinding_flow_id_order";
-- reverse: create "flow_stage_bindings" table
DROP TABLE "flow_stage_bindings";
-- reverse: create "config_references" table
DROP TABLE "config_references";
-- reverse: create index "users_username_key" to table: "users"
DROP INDEX "users_username_key";
-- reverse: create "users" table
DROP TABLE "users";
-- reverse: create index "stages_name_key" to table: "stages"
DROP INDEX "stages_name_key";
-- reverse: create "stages" table
DROP TABLE "stages";
-- reverse: create index "policies_name_key" to table: "policies"
DROP INDEX "policies_name_key";
-- reverse: create "policies" table
DROP TABLE "policies";
-- reverse: create index "groups_name_key" to table: "groups"
DROP INDEX "groups_name_key";
-- reverse: create "groups" table
DROP TABLE "groups";
-- reverse: create index "brands_domain_key" to table: "brands"
DROP INDEX "brands_domain_key";
-- reverse: create index "brand_is_default" to table: "brands"
DROP INDEX "brand_is_default";
-- reverse: create "brands" table
DROP TABLE "brands";
-- reverse: create index "event_user_id" to table: "events"
DROP INDEX "event_user_id";
-- reverse: create index "event_expires" to table: "events"
DROP INDEX "event_expires";
-- reverse: create index "event_created_at" to table: "events"
DROP INDEX "event_created_at";
-- reverse: create index "event_action_created_at" to table: "events"
DROP INDEX "event_action_created_at";
-- reverse: create "events" table
DROP TABLE "events";
-- reverse: create index "flows_slug_key" to table: "flows"
DROP INDEX "flows_slug_key";
-- reverse: create "flows" table
DROP TABLE "flows";
