// A strict validator over the server's introspection (graphql-js, as
// graphql-core and code generators rebuild it): the result builds a
// client schema that passes assertValidSchema, reports @oneOf inputs, and
// says the same as the SDL file /graphql/schema.graphql.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertValidSchema,
  buildClientSchema,
  buildSchema,
  DirectiveLocation,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
} from "graphql";
import { GraphQLClient } from "graphql-request";

import { token, url } from "./lib/gatehouse.js";

test("introspection is a valid schema, the same as the SDL file", async () => {
  // Introspection is for superusers (and everyone in development mode).
  const authorization = { Authorization: `Bearer ${token}` };
  const client = new GraphQLClient(url, { headers: authorization });
  const introspection = await client.request(getIntrospectionQuery({ oneOf: true, specifiedByUrl: true }));
  const schema = buildClientSchema(introspection);
  assertValidSchema(schema);
  // buildClientSchema copies directive locations unchecked; graphql-core
  // refuses any that the specification does not define.
  const locations = new Set(Object.values(DirectiveLocation));
  for (const directive of introspection.__schema.directives) {
    for (const location of directive.locations) assert.ok(locations.has(location), `@${directive.name} on ${location}`);
  }
  assert.equal(schema.getType("ChallengeResponseInput").isOneOf, true, "@oneOf is introspected");

  const response = await fetch(url.replace(/\/graphql$/, "/graphql/schema.graphql"), { headers: authorization });
  assert.equal(response.status, 200);
  const sdl = buildSchema(await response.text());
  assertValidSchema(sdl);
  // Introspection also lists gqlgen's binding directives (@goField,
  // @goModel) and @defer, which the SDL file leaves out (docs/decisions.md);
  // the types, fields and arguments are the same.
  const knownExtra = new Set(["defer", "goField", "goModel"]);
  const missingFromSDL = findBreakingChanges(schema, sdl).filter(
    (change) => !(change.type === "DIRECTIVE_REMOVED" && knownExtra.has(change.description.replace(/ was removed\.$/, ""))),
  );
  assert.deepEqual(missingFromSDL, []);
  assert.deepEqual(findBreakingChanges(sdl, schema), []);
  assert.deepEqual(findDangerousChanges(sdl, schema), []);
  assert.deepEqual(findDangerousChanges(schema, sdl), []);
});
