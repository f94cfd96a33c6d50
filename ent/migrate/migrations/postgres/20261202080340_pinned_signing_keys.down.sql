-- reverse: modify "oauth2providers" table
ALTER TABLE "oauth2providers" DROP CONSTRAINT "oauth2providers_signing_keys_pinned_by", DROP COLUMN "signing_key_id";
-- reverse: modify "signing_keys" table
ALTER TABLE "signing_keys" DROP COLUMN "unpinned_at";
