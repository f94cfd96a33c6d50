-- reverse: create index "scope_mappings_scope_name_key" to table: "scope_mappings"
DROP INDEX "scope_mappings_scope_name_key";
-- reverse: create index "scope_mappings_name_key" to table: "scope_mappings"
DROP INDEX "scope_mappings_name_key";
-- reverse: create "scope_mappings" table
DROP TABLE "scope_mappings";
