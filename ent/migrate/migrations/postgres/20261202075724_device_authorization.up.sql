-- modify "oauth2auth_requests" table
ALTER TABLE "oauth2auth_requests" ADD COLUMN "device_code_hash" character varying NULL, ADD COLUMN "user_code_hash" character varying NULL, ADD COLUMN "device_user_id" bigint NULL, ADD COLUMN "polled_at" timestamptz NULL;
-- create index "oauth2auth_requests_device_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX "oauth2auth_requests_device_code_hash_key" ON "oauth2auth_requests" ("device_code_hash");
-- create index "oauth2auth_requests_user_code_hash_key" to table: "oauth2auth_requests"
CREATE UNIQUE INDEX "oauth2auth_requests_user_code_hash_key" ON "oauth2auth_requests" ("user_code_hash");
-- modify "oauth2providers" table
ALTER TABLE "oauth2providers" ADD COLUMN "device_authorization" boolean NOT NULL DEFAULT false;
