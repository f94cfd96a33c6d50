// Where the server under test is and who may log in: clients_node_test.go
// starts the binary and sets these.
import assert from "node:assert/strict";

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run these tests with go test -run TestNodeClients`);
  return value;
}

/** The GraphQL endpoint, e.g. http://127.0.0.1:9000/graphql. */
export const url = `${env("GATEHOUSE_URL")}/graphql`;
/** The same endpoint for websockets (graphql-transport-ws). */
export const wsUrl = url.replace(/^http/, "ws");
/** A superuser's API token (the bootstrap token). */
export const token = env("GATEHOUSE_TOKEN");
/** A superuser who logs in through default-authentication-flow. */
export const username = env("GATEHOUSE_USERNAME");
export const password = env("GATEHOUSE_PASSWORD");
