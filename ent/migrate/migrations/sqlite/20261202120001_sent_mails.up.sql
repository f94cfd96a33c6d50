-- create "sent_mails" table
CREATE TABLE `sent_mails` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `template` text NOT NULL, `recipient` text NOT NULL, `message_id` text NOT NULL, `attempts` integer NOT NULL DEFAULT (0), `sent_at` datetime NULL, `created_at` datetime NOT NULL);
-- set sequence for "sent_mails" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sent_mails", 103079215104);
-- create index "sent_mails_key_key" to table: "sent_mails"
CREATE UNIQUE INDEX `sent_mails_key_key` ON `sent_mails` (`key`);
-- create index "sentmail_created_at" to table: "sent_mails"
CREATE INDEX `sentmail_created_at` ON `sent_mails` (`created_at`);
