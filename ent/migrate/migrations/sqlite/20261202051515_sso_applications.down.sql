-- reverse: create index "oauth2providers_client_id_key" to table: "oauth2providers"
DROP INDEX `oauth2providers_client_id_key`;
-- reverse: create index "oauth2providers_name_key" to table: "oauth2providers"
DROP INDEX `oauth2providers_name_key`;
-- reverse: set sequence for "oauth2providers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "oauth2providers";
-- reverse: create "oauth2providers" table
DROP TABLE `oauth2providers`;
-- reverse: create index "applications_provider_id_key" to table: "applications"
DROP INDEX `applications_provider_id_key`;
-- reverse: create index "applications_slug_key" to table: "applications"
DROP INDEX `applications_slug_key`;
-- reverse: set sequence for "applications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "applications";
-- reverse: create "applications" table
DROP TABLE `applications`;
-- reverse: set sequence for "new_policy_bindings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_policy_bindings";
-- reverse: create "new_policy_bindings" table
DROP TABLE `new_policy_bindings`;
