-- reverse: create index "scope_mappings_scope_name_key" to table: "scope_mappings"
DROP INDEX `scope_mappings_scope_name_key`;
-- reverse: create index "scope_mappings_name_key" to table: "scope_mappings"
DROP INDEX `scope_mappings_name_key`;
-- reverse: set sequence for "scope_mappings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "scope_mappings";
-- reverse: create "scope_mappings" table
DROP TABLE `scope_mappings`;
