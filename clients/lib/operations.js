// The operations every client test sends: the cookieless login sequence of
// docs/clients.md, a field error, a refused operation, a subscription.

/** What a client needs of a FlowExecution to drive a flow. */
const execution = /* GraphQL */ `
  fragment Execution on FlowExecution {
    id
    completed
    step
    sessionToken
    challenge {
      __typename
      ... on FlowChallenge {
        errors { field code message }
      }
      ... on RedirectChallenge { to }
    }
  }
`;

/** Starts a flow; the first call also creates the session (sessionToken). */
export const START_FLOW = /* GraphQL */ `
  mutation StartFlow($slug: String!) {
    startFlow(slug: $slug) { ...Execution }
  }
  ${execution}
`;

/** Answers the current challenge; `step` guards against double submits. */
export const SUBMIT_CHALLENGE = /* GraphQL */ `
  mutation SubmitChallenge($id: ID!, $response: ChallengeResponseInput!, $step: Int) {
    submitChallenge(executionId: $id, response: $response, step: $step) { ...Execution }
  }
  ${execution}
`;

/** Who the caller is. */
export const VIEWER = /* GraphQL */ `
  query Viewer {
    viewer { authMethod user { username } }
  }
`;

/** Pushes the execution now and whenever it changes. */
export const FLOW_EXECUTION = /* GraphQL */ `
  subscription FlowExecution($id: ID!) {
    flowExecution(id: $id) { ...Execution }
  }
  ${execution}
`;
