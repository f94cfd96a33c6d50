// The GraphQL operations of the flow executor. codegen turns each into a
// typed document (src/gql); every challenge type's fields are listed once:
// the engine's own in the ExecutionFields fragment, each stage kind's in
// StageChallengeFields, next to its component (challenges.tsx).
import { graphql } from "../gql";

export const ExecutionFields = graphql(`
  fragment ExecutionFields on FlowExecution {
    id
    completed
    step
    revision
    flow {
      slug
      title
      designation
      layout
      background
    }
    challenge {
      __typename
      ... on FlowChallenge {
        pendingUser
        errors {
          field
          message
          code
        }
      }
      ...StageChallengeFields
      ... on RedirectChallenge {
        to
        executionId
      }
      ... on AccessDeniedChallenge {
        errorMessage
      }
      ... on FlowErrorChallenge {
        requestId
      }
    }
  }
`);

export const StartFlow = graphql(`
  mutation StartFlow($slug: String!, $query: String) {
    startFlow(slug: $slug, query: $query) {
      ...ExecutionFields
    }
  }
`);

export const SubmitChallenge = graphql(`
  mutation SubmitChallenge($executionId: ID!, $response: ChallengeResponseInput!, $step: Int) {
    submitChallenge(executionId: $executionId, response: $response, step: $step) {
      ...ExecutionFields
    }
  }
`);

export const RestartFlow = graphql(`
  mutation RestartFlow($executionId: ID!) {
    restartFlow(executionId: $executionId) {
      ...ExecutionFields
    }
  }
`);

export const FlowExecutionQuery = graphql(`
  query FlowExecution($id: ID!) {
    flowExecution(id: $id) {
      ...ExecutionFields
    }
  }
`);

export const FlowExecutionChanges = graphql(`
  subscription FlowExecutionChanges($id: ID!) {
    flowExecution(id: $id) {
      ...ExecutionFields
    }
  }
`);
