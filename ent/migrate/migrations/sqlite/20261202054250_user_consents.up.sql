-- add column "denied_at" to table: "oauth2auth_requests"
ALTER TABLE `oauth2auth_requests` ADD COLUMN `denied_at` datetime NULL;
-- create "user_consents" table
CREATE TABLE `user_consents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `scopes` json NOT NULL, `expires_at` datetime NULL, `application_id` integer NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `user_consents_applications_consents` FOREIGN KEY (`application_id`) REFERENCES `applications` (`id`) ON DELETE CASCADE, CONSTRAINT `user_consents_users_consents` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "user_consents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("user_consents", 90194313216);
-- create index "userconsent_user_id_application_id" to table: "user_consents"
CREATE UNIQUE INDEX `userconsent_user_id_application_id` ON `user_consents` (`user_id`, `application_id`);
