-- reverse: create index "invitations_name_key" to table: "invitations"
DROP INDEX "invitations_name_key";
-- reverse: create index "invitations_key_hash_key" to table: "invitations"
DROP INDEX "invitations_key_hash_key";
-- reverse: create index "invitation_expires" to table: "invitations"
DROP INDEX "invitation_expires";
-- reverse: create "invitations" table
DROP TABLE "invitations";
