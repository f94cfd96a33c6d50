-- reverse: create index "users_email_key_key" to table: "users"
DROP INDEX "users_email_key_key";
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "email_key";
