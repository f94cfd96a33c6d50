-- modify "users" table
ALTER TABLE "users" ADD COLUMN "email_key" character varying NULL;
-- backfill "email_key" (hand-written; see docs/decisions.md, "Email addresses"):
-- for an ASCII address, the address with A-Z lowered, which is its
-- emailkey.Of. translate, not lower: lower follows the database's locale (a
-- Turkish one lowers I to dotless ı). Addresses with other characters are
-- keyed in Go by database.Migrate right after this migration, oldest first.
-- When several accounts share a key, only the oldest (lowest id) gets it; the
-- others keep their address but no key, so they cannot log in by email until
-- an administrator gives them another address.
UPDATE "users" SET "email_key" = translate("email", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
WHERE "id" IN (
  SELECT min("id") FROM "users"
  WHERE "email" <> '' AND octet_length("email") = char_length("email")
  GROUP BY translate("email", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
);
-- create index "users_email_key_key" to table: "users"
CREATE UNIQUE INDEX "users_email_key_key" ON "users" ("email_key");
