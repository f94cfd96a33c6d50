// Type-checked (tsc --noEmit) against the types graphql-codegen generates
// from the schema: @oneOf inputs take exactly one member, and __typename
// narrows challenges to the schema's types.
import { graphql } from "./gql";
import type { ChallengeResponseInput, TypedStartFlowMutation } from "./gql/graphql";

export const TypedStartFlow = graphql(`
  mutation TypedStartFlow($slug: String!) {
    startFlow(slug: $slug) {
      id
      step
      sessionToken
      challenge {
        __typename
        ... on FlowChallenge { errors { field code } }
        ... on RedirectChallenge { to }
      }
    }
  }
`);

export const TypedSubmitChallenge = graphql(`
  mutation TypedSubmitChallenge($id: ID!, $response: ChallengeResponseInput!, $step: Int) {
    submitChallenge(executionId: $id, response: $response, step: $step) { id completed step sessionToken }
  }
`);

export const identify: ChallengeResponseInput = { identification: { uidField: "admin" } };
// @ts-expect-error a @oneOf input takes one member, not two
export const both: ChallengeResponseInput = { identification: { uidField: "admin" }, password: { password: "x" } };

type Challenge = TypedStartFlowMutation["startFlow"]["challenge"];

/** Where a finished flow sends the user; undefined while it runs. */
export function destination(challenge: Challenge): string | undefined {
  // @ts-expect-error __typename is the union of the schema's challenge types
  if (challenge.__typename === "NoSuchChallenge") return undefined;
  return challenge.__typename === "RedirectChallenge" ? challenge.to : undefined;
}

/** The codes of the challenge's field errors. */
export const codes = (challenge: Challenge): string[] => challenge.errors.map((e) => e.code);
