-- reverse: create index "sentmail_created_at" to table: "sent_mails"
DROP INDEX "sentmail_created_at";
-- reverse: create index "sent_mails_key_key" to table: "sent_mails"
DROP INDEX "sent_mails_key_key";
-- reverse: create "sent_mails" table
DROP TABLE "sent_mails";
