-- create "signing_keys" table
CREATE TABLE `signing_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kid` text NOT NULL, `algorithm` text NOT NULL, `public_key` text NOT NULL, `private_key` blob NOT NULL, `retired_at` datetime NULL);
-- set sequence for "signing_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("signing_keys", 77309411328);
-- create index "signing_keys_kid_key" to table: "signing_keys"
CREATE UNIQUE INDEX `signing_keys_kid_key` ON `signing_keys` (`kid`);
-- create index "signingkey_algorithm_retired_at" to table: "signing_keys"
CREATE INDEX `signingkey_algorithm_retired_at` ON `signing_keys` (`algorithm`, `retired_at`);
