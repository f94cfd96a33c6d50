-- modify "signing_keys" table
ALTER TABLE "signing_keys" ADD COLUMN "unpinned_at" timestamptz NULL;
-- modify "oauth2providers" table
ALTER TABLE "oauth2providers" ADD COLUMN "signing_key_id" bigint NULL, ADD CONSTRAINT "oauth2providers_signing_keys_pinned_by" FOREIGN KEY ("signing_key_id") REFERENCES "signing_keys" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT;
