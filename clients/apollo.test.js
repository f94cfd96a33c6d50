// Apollo Client 4: HttpLink for queries and mutations, GraphQLWsLink for
// subscriptions, the persisted-query link, and possibleTypes (generated
// from the schema, possible-types.json) so that fragments on the
// FlowChallenge interface match the members of the Challenge union.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

import { password, url, username, wsUrl } from "./lib/gatehouse.js";
import { FLOW_EXECUTION, START_FLOW, SUBMIT_CHALLENGE, VIEWER } from "./lib/operations.js";

const possibleTypes = JSON.parse(readFileSync(new URL("./possible-types.json", import.meta.url), "utf8"));

test("Apollo Client logs in, follows a flow and persists queries", async (t) => {
  let session;
  const keep = (execution) => {
    if (execution.sessionToken) session = execution.sessionToken;
    return execution;
  };
  const headers = () => (session ? { "Gatehouse-Session": session } : {});

  // Observes what goes over HTTP (the persisted-query check below); Apollo
  // itself uses the global fetch by default.
  const sent = [];
  const fetchAndRecord = (input, init) => {
    sent.push(JSON.parse(init.body));
    return fetch(input, init);
  };

  const ws = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: headers });
  t.after(() => ws.dispose());
  const http = ApolloLink.from([
    new SetContextLink(() => ({ headers: headers() })),
    createPersistedQueryLink({ sha256: (query) => createHash("sha256").update(query).digest("hex") }),
    new HttpLink({ uri: url, fetch: fetchAndRecord }),
  ]);
  const client = new ApolloClient({
    link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), http),
    cache: new InMemoryCache({ possibleTypes }),
  });
  t.after(() => client.stop());
  const mutate = async (mutation, variables) => (await client.mutate({ mutation: gql(mutation), variables })).data;
  const submit = async (execution, response) =>
    keep((await mutate(SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response })).submitChallenge);

  let execution = keep((await mutate(START_FLOW, { slug: "default-authentication-flow" })).startFlow);
  assert.ok(session, "the first call returns the session");
  // The errors come from a fragment on the FlowChallenge interface inside
  // the Challenge union: possibleTypes lets the cache match it.
  execution = await submit(execution, { identification: { uidField: "" } });
  assert.deepEqual(execution.challenge.errors.map((e) => [e.field, e.code]), [["uidField", "required"]]);

  // The subscription pushes the execution at once, then on every change.
  const pushes = [];
  let wake;
  const subscription = client.subscribe({ query: gql(FLOW_EXECUTION), variables: { id: execution.id } }).subscribe({
    next: ({ data, error }) => {
      assert.equal(error, undefined);
      pushes.push(data.flowExecution);
      wake?.();
    },
    error: (err) => assert.fail(err),
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
  const viewer = async () => (await client.query({ query: gql(VIEWER), fetchPolicy: "network-only" })).data.viewer;
  assert.equal((await viewer()).user?.username, username);

  // Persisted queries: the link sends the hash alone; the server knows the
  // query from the first time (after one PERSISTED_QUERY_NOT_FOUND round).
  sent.length = 0;
  assert.equal((await viewer()).user?.username, username);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].query, undefined, "only the hash was sent");
  assert.equal(sent[0].extensions.persistedQuery.version, 1);

  // A refused operation: Apollo rejects with CombinedGraphQLErrors.
  const refused = await mutate(SUBMIT_CHALLENGE, { id: "no-such-execution", response: { password: { password } } }).then(
    () => assert.fail("an unknown execution is refused"),
    (err) => err,
  );
  assert.ok(CombinedGraphQLErrors.is(refused), String(refused));
  assert.equal(refused.errors[0].extensions.code, "NOT_FOUND");
});
