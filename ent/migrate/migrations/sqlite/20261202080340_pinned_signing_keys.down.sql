-- reverse: add column "signing_key_id" to table: "oauth2providers" (SQLite
-- cannot drop a column with a foreign key: clear it and leave it)
UPDATE `oauth2providers` SET `signing_key_id` = NULL;
-- reverse: add column "unpinned_at" to table: "signing_keys"
ALTER TABLE `signing_keys` DROP COLUMN `unpinned_at`;
