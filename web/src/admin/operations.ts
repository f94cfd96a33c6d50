// The GraphQL operations of the admin console. Config fragments alias each
// reference (e.g. `passwordStageID: passwordStage { id }`) so that a read
// config has the keys of its kind's input type (see config-kinds.ts).
import { graphql } from "../gql";

// ---- Flows and their stage bindings ----

export const AdminFlows = graphql(`
  query AdminFlows {
    flows(first: 500, orderBy: { field: SLUG }) {
      totalCount
      edges {
        node {
          id
          slug
          name
          title
          designation
        }
      }
    }
  }
`);

export const AdminFlow = graphql(`
  query AdminFlow($id: ID!) {
    node(id: $id) {
      __typename
      ... on Flow {
        ...AdminFlowFields
        bindings(first: 200, orderBy: { field: ORDER }) {
          edges {
            node {
              ...AdminBinding
            }
          }
        }
      }
    }
  }
  fragment AdminFlowFields on Flow {
    id
    slug
    name
    title
    designation
    layout
    background
    compatibilityMode
    deniedAction
    authentication
    policyEngineMode
  }
  fragment AdminBinding on FlowStageBinding {
    id
    order
    evaluateOnPlan
    reEvaluatePolicies
    invalidResponseAction
    policyEngineMode
    stage {
      id
      name
      kind
    }
  }
`);

export const AdminCreateFlow = graphql(`
  mutation AdminCreateFlow($input: CreateFlowInput!) {
    createFlow(input: $input) {
      id
    }
  }
`);

export const AdminUpdateFlow = graphql(`
  mutation AdminUpdateFlow($id: ID!, $input: UpdateFlowInput!) {
    updateFlow(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteFlow = graphql(`
  mutation AdminDeleteFlow($id: ID!) {
    deleteFlow(id: $id)
  }
`);

export const AdminExportFlow = graphql(`
  query AdminExportFlow($slug: String!) {
    exportFlow(slug: $slug)
  }
`);

export const AdminCreateBinding = graphql(`
  mutation AdminCreateBinding($input: CreateFlowStageBindingInput!) {
    createFlowStageBinding(input: $input) {
      id
    }
  }
`);

export const AdminUpdateBinding = graphql(`
  mutation AdminUpdateBinding($id: ID!, $input: UpdateFlowStageBindingInput!) {
    updateFlowStageBinding(id: $id, input: $input) {
      id
    }
  }
`);

/** Swaps two bindings' orders in one transaction. */
export const AdminSwapBindingOrders = graphql(`
  mutation AdminSwapBindingOrders($a: ID!, $aOrder: Int!, $b: ID!, $bOrder: Int!) {
    a: updateFlowStageBinding(id: $a, input: { order: $aOrder }) {
      id
    }
    b: updateFlowStageBinding(id: $b, input: { order: $bOrder }) {
      id
    }
  }
`);

export const AdminDeleteBinding = graphql(`
  mutation AdminDeleteBinding($id: ID!) {
    deleteFlowStageBinding(id: $id)
  }
`);

// ---- Stages ----

export const AdminStages = graphql(`
  query AdminStages {
    stages(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          kind
          bindings(first: 5) {
            totalCount
            edges {
              node {
                id
                flow {
                  id
                  slug
                }
              }
            }
          }
        }
      }
    }
  }
`);

export const AdminStage = graphql(`
  query AdminStage($id: ID!) {
    node(id: $id) {
      __typename
      ... on Stage {
        id
        name
        kind
        config {
          ...AdminStageConfig
        }
        bindings(first: 100) {
          totalCount
          edges {
            node {
              id
              flow {
                id
                slug
                name
              }
            }
          }
        }
      }
    }
  }
`);

export const AdminCreateStage = graphql(`
  mutation AdminCreateStage($input: CreateStageInput!) {
    createStage(input: $input) {
      id
    }
  }
`);

export const AdminUpdateStage = graphql(`
  mutation AdminUpdateStage($id: ID!, $input: UpdateStageInput!) {
    updateStage(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteStage = graphql(`
  mutation AdminDeleteStage($id: ID!) {
    deleteStage(id: $id)
  }
`);

// ---- Policies ----

export const AdminPolicies = graphql(`
  query AdminPolicies {
    policies(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          kind
          executionLogging
          bindings(first: 0) {
            totalCount
          }
        }
      }
    }
  }
`);

export const AdminPolicy = graphql(`
  query AdminPolicy($id: ID!) {
    node(id: $id) {
      __typename
      ... on PolicyDefinition {
        id
        name
        kind
        executionLogging
        config {
          ...AdminPolicyConfig
        }
        bindings(first: 100) {
          totalCount
          edges {
            node {
              id
              enabled
              flow {
                id
                slug
              }
              flowStageBinding {
                id
                flow {
                  id
                  slug
                }
                stage {
                  id
                  name
                }
              }
              application {
                id
                name
              }
            }
          }
        }
      }
    }
  }
`);

export const AdminCreatePolicy = graphql(`
  mutation AdminCreatePolicy($input: CreatePolicyInput!) {
    createPolicy(input: $input) {
      id
    }
  }
`);

export const AdminUpdatePolicy = graphql(`
  mutation AdminUpdatePolicy($id: ID!, $input: UpdatePolicyInput!) {
    updatePolicy(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeletePolicy = graphql(`
  mutation AdminDeletePolicy($id: ID!) {
    deletePolicy(id: $id)
  }
`);

export const AdminTestPolicy = graphql(`
  query AdminTestPolicy($input: PolicyTestInput!) {
    testPolicy(input: $input) {
      passing
      messages
      context
      trace {
        bindingId
        subject
        name
        passing
        negated
        timedOut
        error
        messages
        durationMs
      }
    }
  }
`);

// ---- Options for reference selects ----

export const AdminStageOptions = graphql(`
  query AdminStageOptions {
    stages(first: 1000, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
          kind
        }
      }
    }
  }
`);

export const AdminPolicyOptions = graphql(`
  query AdminPolicyOptions {
    policies(first: 1000, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
          kind
        }
      }
    }
  }
`);

export const AdminGroupOptions = graphql(`
  query AdminGroupOptions {
    groups(first: 1000, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

// ---- Users ----

export const AdminUsers = graphql(`
  query AdminUsers($where: UserWhereInput, $first: Int!, $after: Cursor) {
    users(first: $first, after: $after, where: $where, orderBy: { field: USERNAME }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          username
          name
          email
          isActive
          type
          isSuperuser
          lastLogin
        }
      }
    }
  }
`);

export const AdminUser = graphql(`
  query AdminUser($id: ID!) {
    node(id: $id) {
      __typename
      ... on User {
        id
        username
        name
        email
        isActive
        type
        isSuperuser
        createdAt
        lastLogin
        passwordChangedAt
        groups {
          id
          name
        }
      }
    }
  }
`);

export const AdminCreateUser = graphql(`
  mutation AdminCreateUser($input: CreateUserInput!, $password: String) {
    createUser(input: $input, password: $password) {
      id
    }
  }
`);

export const AdminUpdateUser = graphql(`
  mutation AdminUpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminSetUserPassword = graphql(`
  mutation AdminSetUserPassword($id: ID!, $password: String) {
    setUserPassword(id: $id, password: $password) {
      id
      passwordChangedAt
    }
  }
`);

export const AdminDeleteUser = graphql(`
  mutation AdminDeleteUser($id: ID!) {
    deleteUser(id: $id)
  }
`);

// ---- Groups ----

export const AdminGroups = graphql(`
  query AdminGroups {
    groups(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          isSuperuser
          parents {
            id
            name
          }
          users(first: 0) {
            totalCount
          }
        }
      }
    }
  }
`);

export const AdminGroup = graphql(`
  query AdminGroup($id: ID!) {
    node(id: $id) {
      __typename
      ... on Group {
        id
        name
        isSuperuser
        parents {
          id
          name
        }
        children {
          id
          name
        }
        users(first: 1000, orderBy: { field: USERNAME }) {
          totalCount
          edges {
            node {
              id
              username
              name
            }
          }
        }
      }
    }
  }
`);

export const AdminCreateGroup = graphql(`
  mutation AdminCreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      id
    }
  }
`);

export const AdminUpdateGroup = graphql(`
  mutation AdminUpdateGroup($id: ID!, $input: UpdateGroupInput!) {
    updateGroup(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteGroup = graphql(`
  mutation AdminDeleteGroup($id: ID!) {
    deleteGroup(id: $id)
  }
`);

// ---- Flow inspector ----

export const AdminFlowInspector = graphql(`
  subscription AdminFlowInspector($executionId: ID!) {
    flowInspector(executionId: $executionId) {
      executionId
      flowSlug
      completed
      plan {
        position
        kind
        name
        stageId
        bindingId
      }
      history {
        position
        kind
        name
        result
        at
      }
      context
      errors {
        field
        message
        code
      }
      outcome {
        denied
        message
        to
      }
      createdAt
      updatedAt
    }
  }
`);
