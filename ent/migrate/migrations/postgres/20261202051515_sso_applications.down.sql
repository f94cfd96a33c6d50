-- reverse: modify "policy_bindings" table: the one-target check without applications
ALTER TABLE "policy_bindings" DROP CONSTRAINT "policy_binding_one_target", ADD CONSTRAINT "policy_binding_one_target" CHECK (((CASE WHEN flow_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN flow_stage_binding_id IS NULL THEN 0 ELSE 1 END)) = 1);
-- reverse: modify "policy_bindings" table
ALTER TABLE "policy_bindings" DROP CONSTRAINT "policy_bindings_applications_policy_bindings", DROP COLUMN "application_id";
-- reverse: create index "applications_slug_key" to table: "applications"
DROP INDEX "applications_slug_key";
-- reverse: create index "applications_provider_id_key" to table: "applications"
DROP INDEX "applications_provider_id_key";
-- reverse: create "applications" table
DROP TABLE "applications";
-- reverse: create index "oauth2providers_name_key" to table: "oauth2providers"
DROP INDEX "oauth2providers_name_key";
-- reverse: create index "oauth2providers_client_id_key" to table: "oauth2providers"
DROP INDEX "oauth2providers_client_id_key";
-- reverse: create "oauth2providers" table
DROP TABLE "oauth2providers";
