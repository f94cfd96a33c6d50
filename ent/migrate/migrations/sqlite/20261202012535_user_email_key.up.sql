-- modify "users" table (hand-written: Atlas would rebuild the table, and
-- dropping the old one inside golang-migrate's transaction, where PRAGMA
-- foreign_keys cannot be turned off, would cascade to every row that points
-- at a user; see TestSQLiteKeepsReferencingRows)
ALTER TABLE `users` ADD COLUMN `email_key` text NULL;
-- backfill "email_key" (hand-written; see docs/decisions.md, "Email addresses"):
-- for an ASCII address, the address lowered (SQLite's lower folds A-Z only),
-- which is its emailkey.Of. Addresses with other characters are keyed in Go
-- by database.Migrate right after this migration, oldest first. When several
-- accounts share a key, only the oldest (lowest id) gets it; the others keep
-- their address but no key, so they cannot log in by email until an
-- administrator gives them another address.
UPDATE `users` SET `email_key` = lower(`email`)
WHERE `id` IN (
  SELECT min(`id`) FROM `users`
  WHERE `email` <> '' AND length(CAST(`email` AS BLOB)) = length(`email`)
  GROUP BY lower(`email`)
);
-- create index "users_email_key_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key_key` ON `users` (`email_key`);
