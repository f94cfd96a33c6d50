// urql (@urql/core) with its default exchanges over HTTP and graphql-ws
// for subscriptions: the cookieless login, a field error, a subscription,
// a refused operation's extensions.code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWSClient } from "graphql-ws";
import WebSocket from "ws";

import { password, url, username, wsUrl } from "./lib/gatehouse.js";
import { FLOW_EXECUTION, START_FLOW, SUBMIT_CHALLENGE, VIEWER } from "./lib/operations.js";

test("urql logs in and follows a flow", async (t) => {
  let session;
  const keep = (execution) => {
    if (execution.sessionToken) session = execution.sessionToken;
    return execution;
  };
  const headers = () => (session ? { "Gatehouse-Session": session } : {});
  const ws = createWSClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: headers });
  t.after(() => ws.dispose());
  const client = new Client({
    url,
    fetchOptions: () => ({ headers: headers() }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
        },
      }),
    ],
  });
  const submit = async (execution, response) => {
    const { data, error } = await client.mutation(SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response }).toPromise();
    assert.equal(error, undefined);
    return keep(data.submitChallenge);
  };

  let execution = keep((await client.mutation(START_FLOW, { slug: "default-authentication-flow" }).toPromise()).data.startFlow);
  assert.ok(session, "the first call returns the session");
  execution = await submit(execution, { identification: { uidField: "" } });
  assert.deepEqual(execution.challenge.errors.map((e) => [e.field, e.code]), [["uidField", "required"]]);

  // The subscription pushes the execution at once, then on every change.
  const pushes = [];
  let wake;
  const subscription = client.subscription(FLOW_EXECUTION, { id: execution.id }).subscribe((result) => {
    assert.equal(result.error, undefined);
    pushes.push(result.data.flowExecution);
    wake?.();
  });
  t.after(() => subscription.unsubscribe());
  const next = async (n) => {
    while (pushes.length < n) await new Promise((resolve) => (wake = resolve));
    return pushes[n - 1];
  };
  assert.equal((await next(1)).challenge.__typename, "IdentificationChallenge");
  execution = await submit(execution, { identification: { uidField: username } });
  assert.equal((await next(2)).challenge.__typename, "PasswordChallenge", "the subscription saw the change");
  subscription.unsubscribe();

  execution = await submit(execution, { password: { password } });
  assert.equal(execution.completed, true);
  const { data } = await client.query(VIEWER, {}).toPromise();
  assert.equal(data.viewer.user?.username, username);

  // A refused operation: urql's CombinedError lists the GraphQL errors.
  const { error } = await client.mutation(SUBMIT_CHALLENGE, { id: "no-such-execution", response: { password: { password } } }).toPromise();
  assert.equal(error.graphQLErrors[0].extensions.code, "NOT_FOUND");
});
