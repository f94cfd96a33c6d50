-- create "outposts" table
CREATE TABLE `outposts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `type` text NOT NULL DEFAULT ('proxy'), `embedded` bool NOT NULL DEFAULT (false), `token_hash` text NOT NULL, `last_seen_at` datetime NULL);
-- set sequence for "outposts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("outposts", 128849018880);
-- create index "outposts_name_key" to table: "outposts"
CREATE UNIQUE INDEX `outposts_name_key` ON `outposts` (`name`);
-- create index "outposts_token_hash_key" to table: "outposts"
CREATE UNIQUE INDEX `outposts_token_hash_key` ON `outposts` (`token_hash`);
-- create "proxy_providers" table
CREATE TABLE `proxy_providers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `external_host` text NOT NULL, `host` text NOT NULL, `internal_host` text NOT NULL DEFAULT (''), `internal_host_tls_verify` bool NOT NULL DEFAULT (true), `mode` text NOT NULL DEFAULT ('proxy'), `cookie_domain` text NOT NULL DEFAULT (''), `skip_path_regex` json NOT NULL, `basic_auth_enabled` bool NOT NULL DEFAULT (false), `basic_auth_user_attribute` text NOT NULL DEFAULT (''), `basic_auth_password_attribute` text NOT NULL DEFAULT (''), `send_access_token` bool NOT NULL DEFAULT (false), `access_token_validity` integer NOT NULL DEFAULT (600), `oauth2_provider_id` integer NOT NULL, CONSTRAINT `proxy_providers_oauth2providers_proxy_provider` FOREIGN KEY (`oauth2_provider_id`) REFERENCES `oauth2providers` (`id`) ON DELETE NO ACTION);
-- set sequence for "proxy_providers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("proxy_providers", 133143986176);
-- create index "proxy_providers_name_key" to table: "proxy_providers"
CREATE UNIQUE INDEX `proxy_providers_name_key` ON `proxy_providers` (`name`);
-- create index "proxy_providers_host_key" to table: "proxy_providers"
CREATE UNIQUE INDEX `proxy_providers_host_key` ON `proxy_providers` (`host`);
-- create index "proxy_providers_oauth2_provider_id_key" to table: "proxy_providers"
CREATE UNIQUE INDEX `proxy_providers_oauth2_provider_id_key` ON `proxy_providers` (`oauth2_provider_id`);
-- create "outpost_providers" table
CREATE TABLE `outpost_providers` (`outpost_id` integer NOT NULL, `proxy_provider_id` integer NOT NULL, PRIMARY KEY (`outpost_id`, `proxy_provider_id`), CONSTRAINT `outpost_providers_outpost_id` FOREIGN KEY (`outpost_id`) REFERENCES `outposts` (`id`) ON DELETE CASCADE, CONSTRAINT `outpost_providers_proxy_provider_id` FOREIGN KEY (`proxy_provider_id`) REFERENCES `proxy_providers` (`id`) ON DELETE CASCADE);
