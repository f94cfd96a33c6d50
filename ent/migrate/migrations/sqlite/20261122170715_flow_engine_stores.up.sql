-- create "counters" table
CREATE TABLE `counters` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `value` integer NOT NULL, `expires_at` datetime NULL);
-- set sequence for "counters" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("counters", 51539607552);
-- create index "counters_key_key" to table: "counters"
CREATE UNIQUE INDEX `counters_key_key` ON `counters` (`key`);
-- create index "counter_expires_at" to table: "counters"
CREATE INDEX `counter_expires_at` ON `counters` (`expires_at`);
-- create "flow_executions" table
CREATE TABLE `flow_executions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key_hash` text NOT NULL, `version` integer NOT NULL, `document` blob NOT NULL, `expires_at` datetime NOT NULL);
-- set sequence for "flow_executions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flow_executions", 55834574848);
-- create index "flow_executions_key_hash_key" to table: "flow_executions"
CREATE UNIQUE INDEX `flow_executions_key_hash_key` ON `flow_executions` (`key_hash`);
-- create index "flowexecution_expires_at" to table: "flow_executions"
CREATE INDEX `flowexecution_expires_at` ON `flow_executions` (`expires_at`);
-- create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key_hash` text NOT NULL, `scope` text NOT NULL, `created_at` datetime NOT NULL, `last_seen_at` datetime NOT NULL, `idle_timeout_seconds` integer NOT NULL, `expires_at` datetime NOT NULL, `idle_expires_at` datetime NOT NULL, `client_ip` text NOT NULL DEFAULT (''), `user_agent` text NOT NULL DEFAULT (''), `data` blob NOT NULL, `user_id` integer NULL, CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 60129542144);
-- create index "sessions_key_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_key_hash_key` ON `sessions` (`key_hash`);
-- create index "session_user_id" to table: "sessions"
CREATE INDEX `session_user_id` ON `sessions` (`user_id`);
-- create index "session_expires_at" to table: "sessions"
CREATE INDEX `session_expires_at` ON `sessions` (`expires_at`);
-- create index "session_idle_expires_at" to table: "sessions"
CREATE INDEX `session_idle_expires_at` ON `sessions` (`idle_expires_at`);
