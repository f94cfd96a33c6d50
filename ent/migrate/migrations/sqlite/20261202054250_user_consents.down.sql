-- reverse: create index "userconsent_user_id_application_id" to table: "user_consents"
DROP INDEX `userconsent_user_id_application_id`;
-- reverse: set sequence for "user_consents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "user_consents";
-- reverse: create "user_consents" table
DROP TABLE `user_consents`;
-- reverse: add column "denied_at" to table: "oauth2auth_requests"
ALTER TABLE `oauth2auth_requests` DROP COLUMN `denied_at`;
