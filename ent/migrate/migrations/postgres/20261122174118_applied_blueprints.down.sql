-- reverse: create index "applied_blueprints_name_key" to table: "applied_blueprints"
DROP INDEX "applied_blueprints_name_key";
-- reverse: create "applied_blueprints" table
DROP TABLE "applied_blueprints";
