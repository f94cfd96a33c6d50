-- reverse: create index "session_idle_expires_at" to table: "sessions"
DROP INDEX `session_idle_expires_at`;
-- reverse: create index "session_expires_at" to table: "sessions"
DROP INDEX `session_expires_at`;
-- reverse: create index "session_user_id" to table: "sessions"
DROP INDEX `session_user_id`;
-- reverse: create index "sessions_key_hash_key" to table: "sessions"
DROP INDEX `sessions_key_hash_key`;
-- reverse: set sequence for "sessions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "sessions";
-- reverse: create "sessions" table
DROP TABLE `sessions`;
-- reverse: create index "flowexecution_expires_at" to table: "flow_executions"
DROP INDEX `flowexecution_expires_at`;
-- reverse: create index "flow_executions_key_hash_key" to table: "flow_executions"
DROP INDEX `flow_executions_key_hash_key`;
-- reverse: set sequence for "flow_executions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "flow_executions";
-- reverse: create "flow_executions" table
DROP TABLE `flow_executions`;
-- reverse: create index "counter_expires_at" to table: "counters"
DROP INDEX `counter_expires_at`;
-- reverse: create index "counters_key_key" to table: "counters"
DROP INDEX `counters_key_key`;
-- reverse: set sequence for "counters" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "counters";
-- reverse: create "counters" table
DROP TABLE `counters`;
