-- create "scope_mappings" table
CREATE TABLE `scope_mappings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `scope_name` text NOT NULL, `description` text NOT NULL, `expression` text NOT NULL);
-- set sequence for "scope_mappings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("scope_mappings", 94489280512);
-- create index "scope_mappings_name_key" to table: "scope_mappings"
CREATE UNIQUE INDEX `scope_mappings_name_key` ON `scope_mappings` (`name`);
-- create index "scope_mappings_scope_name_key" to table: "scope_mappings"
CREATE UNIQUE INDEX `scope_mappings_scope_name_key` ON `scope_mappings` (`scope_name`);
