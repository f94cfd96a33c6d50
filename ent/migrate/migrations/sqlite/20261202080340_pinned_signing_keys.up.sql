-- add column "unpinned_at" to table: "signing_keys"
ALTER TABLE `signing_keys` ADD COLUMN `unpinned_at` datetime NULL;
-- add column "signing_key_id" to table: "oauth2providers" (written by hand:
-- Atlas rebuilds the table, which applications and tokens reference; see
-- docs/decisions.md, "SQLite migrations never rebuild a referenced table")
ALTER TABLE `oauth2providers` ADD COLUMN `signing_key_id` integer NULL CONSTRAINT `oauth2providers_signing_keys_pinned_by` REFERENCES `signing_keys` (`id`) ON DELETE RESTRICT;
