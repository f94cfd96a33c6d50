-- reverse: create "outpost_providers" table
DROP TABLE `outpost_providers`;
-- reverse: create index "proxy_providers_oauth2_provider_id_key" to table: "proxy_providers"
DROP INDEX `proxy_providers_oauth2_provider_id_key`;
-- reverse: create index "proxy_providers_host_key" to table: "proxy_providers"
DROP INDEX `proxy_providers_host_key`;
-- reverse: create index "proxy_providers_name_key" to table: "proxy_providers"
DROP INDEX `proxy_providers_name_key`;
-- reverse: set sequence for "proxy_providers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "proxy_providers";
-- reverse: create "proxy_providers" table
DROP TABLE `proxy_providers`;
-- reverse: create index "outposts_token_hash_key" to table: "outposts"
DROP INDEX `outposts_token_hash_key`;
-- reverse: create index "outposts_name_key" to table: "outposts"
DROP INDEX `outposts_name_key`;
-- reverse: set sequence for "outposts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "outposts";
-- reverse: create "outposts" table
DROP TABLE `outposts`;
