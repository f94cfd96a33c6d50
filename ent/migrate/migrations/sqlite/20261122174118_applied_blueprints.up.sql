-- create "applied_blueprints" table
CREATE TABLE `applied_blueprints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `digest` text NOT NULL, `applied_at` datetime NOT NULL);
-- set sequence for "applied_blueprints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("applied_blueprints", 64424509440);
-- create index "applied_blueprints_name_key" to table: "applied_blueprints"
CREATE UNIQUE INDEX `applied_blueprints_name_key` ON `applied_blueprints` (`name`);
