-- reverse: create index "userconsent_user_id_application_id" to table: "user_consents"
DROP INDEX "userconsent_user_id_application_id";
-- reverse: create "user_consents" table
DROP TABLE "user_consents";
-- reverse: modify "oauth2auth_requests" table
ALTER TABLE "oauth2auth_requests" DROP COLUMN "denied_at";
