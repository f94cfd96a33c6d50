-- create "invitations" table
CREATE TABLE `invitations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `key_hash` text NOT NULL, `expires` datetime NULL, `fixed_data` json NOT NULL, `single_use` bool NOT NULL DEFAULT (true), `uses` integer NOT NULL DEFAULT (0), `flow_id` integer NOT NULL, `created_by_id` integer NULL, CONSTRAINT `invitations_flows_invitations` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE CASCADE, CONSTRAINT `invitations_users_invitations_created` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "invitations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("invitations", 124554051584);
-- create index "invitations_name_key" to table: "invitations"
CREATE UNIQUE INDEX `invitations_name_key` ON `invitations` (`name`);
-- create index "invitations_key_hash_key" to table: "invitations"
CREATE UNIQUE INDEX `invitations_key_hash_key` ON `invitations` (`key_hash`);
-- create index "invitation_expires" to table: "invitations"
CREATE INDEX `invitation_expires` ON `invitations` (`expires`);
