// graphql-sse with its defaults (distinct connections mode): the cookieless
// login, a field error, a subscription that receives the execution now and
// when it changes, a refused operation's extensions.code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createClient } from "graphql-sse";

import { password, url, username } from "./lib/gatehouse.js";
import { FLOW_EXECUTION, START_FLOW, SUBMIT_CHALLENGE, VIEWER } from "./lib/operations.js";

test("graphql-sse logs in and follows a flow", async (t) => {
  let session;
  const keep = (execution) => {
    if (execution.sessionToken) session = execution.sessionToken;
    return execution;
  };
  const client = createClient({
    url,
    headers: () => (session ? { "Gatehouse-Session": session } : {}),
  });
  t.after(() => client.dispose());
  // iterate() runs any operation; a query or mutation yields one result.
  const request = async (query, variables) => {
    for await (const result of client.iterate({ query, variables })) return result;
    assert.fail("no result");
  };
  const submit = async (execution, response) => {
    const { data, errors } = await request(SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response });
    assert.equal(errors, undefined);
    return keep(data.submitChallenge);
  };

  let execution = keep((await request(START_FLOW, { slug: "default-authentication-flow" })).data.startFlow);
  assert.ok(session, "the first call returns the session");
  execution = await submit(execution, { identification: { uidField: "" } });
  assert.deepEqual(execution.challenge.errors.map((e) => [e.field, e.code]), [["uidField", "required"]]);

  // The subscription pushes the execution at once, then on every change.
  const pushes = client.iterate({ query: FLOW_EXECUTION, variables: { id: execution.id } });
  t.after(() => pushes.return());
  const next = async () => {
    const { value, done } = await pushes.next();
    assert.equal(done, false);
    assert.equal(value.errors, undefined);
    return value.data.flowExecution;
  };
  assert.equal((await next()).challenge.__typename, "IdentificationChallenge");
  execution = await submit(execution, { identification: { uidField: username } });
  assert.equal((await next()).challenge.__typename, "PasswordChallenge", "the subscription saw the change");

  execution = await submit(execution, { password: { password } });
  assert.equal(execution.completed, true);
  const { data } = await request(VIEWER);
  assert.equal(data.viewer.user?.username, username);

  const refused = await request(SUBMIT_CHALLENGE, { id: "no-such-execution", response: { password: { password } } });
  assert.equal(refused.errors[0].extensions.code, "NOT_FOUND");
});
