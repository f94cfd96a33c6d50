-- reverse: create index "applied_blueprints_name_key" to table: "applied_blueprints"
DROP INDEX `applied_blueprints_name_key`;
-- reverse: set sequence for "applied_blueprints" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "applied_blueprints";
-- reverse: create "applied_blueprints" table
DROP TABLE `applied_blueprints`;
