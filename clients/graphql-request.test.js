// graphql-request: the cookieless login, a field error, a refused
// operation's extensions.code. docs/clients.md shows this code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ClientError, GraphQLClient } from "graphql-request";

import { password, url, username } from "./lib/gatehouse.js";
import { START_FLOW, SUBMIT_CHALLENGE, VIEWER } from "./lib/operations.js";

test("graphql-request logs in without cookies", async () => {
  const client = new GraphQLClient(url);
  // Keep the sessionToken whenever one is returned; send it from then on.
  const keep = (execution) => {
    if (execution.sessionToken) client.setHeader("Gatehouse-Session", execution.sessionToken);
    return execution;
  };
  const submit = async (execution, response) =>
    keep((await client.request(SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response })).submitChallenge);

  let execution = keep((await client.request(START_FLOW, { slug: "default-authentication-flow" })).startFlow);
  assert.equal(execution.challenge.__typename, "IdentificationChallenge");

  // A rejected response comes back as the same challenge with field errors.
  execution = await submit(execution, { identification: { uidField: "" } });
  assert.equal(execution.challenge.__typename, "IdentificationChallenge");
  assert.deepEqual(execution.challenge.errors.map((e) => [e.field, e.code]), [["uidField", "required"]]);

  execution = await submit(execution, { identification: { uidField: username } });
  assert.equal(execution.challenge.__typename, "PasswordChallenge");
  const stale = execution;
  execution = await submit(execution, { password: { password } });
  assert.equal(execution.completed, true);
  assert.equal(execution.challenge.__typename, "RedirectChallenge");

  const { viewer } = await client.request(VIEWER);
  assert.equal(viewer.authMethod, "SESSION");
  assert.equal(viewer.user.username, username);

  // A refused operation: graphql-request throws a ClientError holding the
  // response; its errors carry extensions.code.
  const refused = await client
    .request(SUBMIT_CHALLENGE, { id: stale.id, step: stale.step, response: { password: { password } } })
    .then(() => assert.fail("a stale step is refused"), (err) => err);
  assert.ok(refused instanceof ClientError, String(refused));
  assert.equal(refused.response.errors[0].extensions.code, "WRONG_STAGE");
});
