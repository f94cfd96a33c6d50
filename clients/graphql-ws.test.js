// graphql-ws with its defaults: the cookieless login over websockets (the
// session in connection_init), a subscription that receives the execution
// now and when it changes, a refused operation's extensions.code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

import { password, username, wsUrl } from "./lib/gatehouse.js";
import { FLOW_EXECUTION, START_FLOW, SUBMIT_CHALLENGE, VIEWER } from "./lib/operations.js";

/** Runs one query or mutation on client and returns its data. */
function request(client, query, variables) {
  return new Promise((resolve, reject) => {
    let result;
    client.subscribe(
      { query, variables },
      {
        next: (value) => (result = value),
        error: reject,
        complete: () => (result.errors ? reject(Object.assign(new Error(result.errors[0].message), result)) : resolve(result.data)),
      },
    );
  });
}

test("graphql-ws logs in and follows a flow with the session in connection_init", async (t) => {
  // graphql-ws is lazy by default: it connects for the first operation and
  // closes the socket when none is left, so every connection_init sends the
  // session stored last (connectionParams is called on each connect).
  let session;
  const keep = (execution) => {
    if (execution.sessionToken) session = execution.sessionToken;
    return execution;
  };
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: () => (session ? { "Gatehouse-Session": session } : {}),
  });
  t.after(() => client.dispose());
  const submit = async (execution, response) =>
    keep((await request(client, SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response })).submitChallenge);

  let execution = keep((await request(client, START_FLOW, { slug: "default-authentication-flow" })).startFlow);
  assert.ok(session, "the first call returns the session");
  execution = await submit(execution, { identification: { uidField: "" } });
  assert.deepEqual(execution.challenge.errors.map((e) => [e.field, e.code]), [["uidField", "required"]]);

  // The subscription pushes the execution at once, then on every change.
  const pushes = [];
  let wake;
  const unsubscribe = client.subscribe(
    { query: FLOW_EXECUTION, variables: { id: execution.id } },
    {
      next: ({ data, errors }) => {
        assert.equal(errors, undefined);
        pushes.push(data.flowExecution);
        wake?.();
      },
      error: (err) => assert.fail(err),
      complete: () => {},
    },
  );
  t.after(() => unsubscribe());
  const next = async (n) => {
    while (pushes.length < n) await new Promise((resolve) => (wake = resolve));
    return pushes[n - 1];
  };
  assert.equal((await next(1)).challenge.__typename, "IdentificationChallenge");

  execution = await submit(execution, { identification: { uidField: username } });
  assert.equal(execution.challenge.__typename, "PasswordChallenge");
  assert.equal((await next(2)).challenge.__typename, "PasswordChallenge", "the subscription saw the change");

  execution = await submit(execution, { password: { password } });
  assert.equal(execution.completed, true);
  unsubscribe();
  const { viewer } = await request(client, VIEWER);
  assert.equal(viewer.user?.username, username, "the socket runs as the logged-in session");

  // A refused operation carries extensions.code.
  const refused = await request(client, SUBMIT_CHALLENGE, { id: "no-such-execution", response: { password: { password } } }).then(
    () => assert.fail("an unknown execution is refused"),
    (err) => err,
  );
  assert.equal(refused.errors[0].extensions.code, "NOT_FOUND");
});
