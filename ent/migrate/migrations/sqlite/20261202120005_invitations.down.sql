-- reverse: create index "invitation_expires" to table: "invitations"
DROP INDEX `invitation_expires`;
-- reverse: create index "invitations_key_hash_key" to table: "invitations"
DROP INDEX `invitations_key_hash_key`;
-- reverse: create index "invitations_name_key" to table: "invitations"
DROP INDEX `invitations_name_key`;
-- reverse: set sequence for "invitations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "invitations";
-- reverse: create "invitations" table
DROP TABLE `invitations`;
