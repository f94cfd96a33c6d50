-- reverse: create index "signingkey_algorithm_retired_at" to table: "signing_keys"
DROP INDEX `signingkey_algorithm_retired_at`;
-- reverse: create index "signing_keys_kid_key" to table: "signing_keys"
DROP INDEX `signing_keys_kid_key`;
-- reverse: set sequence for "signing_keys" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "signing_keys";
-- reverse: create "signing_keys" table
DROP TABLE `signing_keys`;
