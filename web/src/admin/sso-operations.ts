// The GraphQL operations of the applications, OAuth2 providers, signing
// keys and scope mappings pages (kept apart from operations.ts, which holds
// the flow, stage, policy, user and group pages' operations).
import { graphql } from "../gql";

// ---- Applications ----

export const AdminApplications = graphql(`
  query AdminApplications {
    applications(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          slug
          group
          provider {
            id
            name
          }
        }
      }
    }
  }
`);

export const AdminApplication = graphql(`
  query AdminApplication($id: ID!) {
    node(id: $id) {
      __typename
      ... on Application {
        id
        name
        slug
        launchUrl
        description
        icon
        group
        policyEngineMode
        provider {
          id
          name
        }
        policyBindings(first: 200, orderBy: { field: ORDER }) {
          edges {
            node {
              ...AdminPolicyBinding
            }
          }
        }
      }
    }
  }
  fragment AdminPolicyBinding on PolicyBinding {
    id
    order
    enabled
    negate
    policy {
      id
      name
      kind
    }
    group {
      id
      name
    }
    user {
      id
      username
    }
  }
`);

export const AdminCreateApplication = graphql(`
  mutation AdminCreateApplication($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      id
    }
  }
`);

export const AdminUpdateApplication = graphql(`
  mutation AdminUpdateApplication($id: ID!, $input: UpdateApplicationInput!) {
    updateApplication(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteApplication = graphql(`
  mutation AdminDeleteApplication($id: ID!) {
    deleteApplication(id: $id)
  }
`);

// ---- Policy bindings of an application ----

export const AdminCreatePolicyBinding = graphql(`
  mutation AdminCreatePolicyBinding($input: CreatePolicyBindingInput!) {
    createPolicyBinding(input: $input) {
      id
    }
  }
`);

export const AdminUpdatePolicyBinding = graphql(`
  mutation AdminUpdatePolicyBinding($id: ID!, $input: UpdatePolicyBindingInput!) {
    updatePolicyBinding(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeletePolicyBinding = graphql(`
  mutation AdminDeletePolicyBinding($id: ID!) {
    deletePolicyBinding(id: $id)
  }
`);

// ---- OAuth2 providers ----

export const AdminProviders = graphql(`
  query AdminProviders {
    oauth2Providers(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          clientType
          clientId
          application {
            id
            name
          }
        }
      }
    }
  }
`);

export const AdminProvider = graphql(`
  query AdminProvider($id: ID!) {
    node(id: $id) {
      __typename
      ... on OAuth2Provider {
        ...AdminProviderFields
      }
    }
  }
  fragment AdminProviderFields on OAuth2Provider {
    id
    name
    clientType
    clientId
    hasClientSecret
    redirectUris {
      url
      matchingMode
    }
    postLogoutRedirectUris {
      url
      matchingMode
    }
    scopes
    authorizationFlow {
      id
    }
    invalidationFlow {
      id
    }
    signingAlgorithm
    signingKey {
      id
    }
    accessTokenValidity
    idTokenValidity
    refreshTokenValidity
    subjectMode
    includeClaimsInIdToken
    deviceAuthorization
    application {
      id
      name
    }
  }
`);

/** Creates a provider; the answer holds its client secret, once. */
export const AdminCreateProvider = graphql(`
  mutation AdminCreateProvider($input: CreateOAuth2ProviderInput!) {
    createOAuth2Provider(input: $input) {
      provider {
        id
      }
      clientSecret
    }
  }
`);

export const AdminUpdateProvider = graphql(`
  mutation AdminUpdateProvider($id: ID!, $input: UpdateOAuth2ProviderInput!) {
    updateOAuth2Provider(id: $id, input: $input) {
      id
    }
  }
`);

/** Gives a provider a new secret, returned once. */
export const AdminRotateClientSecret = graphql(`
  mutation AdminRotateClientSecret($id: ID!) {
    rotateClientSecret(id: $id) {
      provider {
        id
      }
      clientSecret
    }
  }
`);

export const AdminDeleteProvider = graphql(`
  mutation AdminDeleteProvider($id: ID!) {
    deleteOAuth2Provider(id: $id)
  }
`);

export const AdminProviderOptions = graphql(`
  query AdminProviderOptions {
    oauth2Providers(first: 1000, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
          application {
            id
            name
          }
        }
      }
    }
  }
`);

// ---- Signing keys ----

/** Every signing key, newest first: the page and the provider form's key select. */
export const AdminSigningKeys = graphql(`
  query AdminSigningKeys {
    signingKeys(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          id
          kid
          algorithm
          createdAt
          retiredAt
          expiresAt
          current
          pinnedBy {
            id
            name
          }
        }
      }
    }
  }
`);

// ---- Scope mappings (custom scopes) ----

export const AdminScopeMappings = graphql(`
  query AdminScopeMappings {
    scopeMappings(first: 500, orderBy: { field: SCOPE_NAME }) {
      totalCount
      edges {
        node {
          id
          name
          scopeName
          description
        }
      }
    }
  }
`);

export const AdminScopeMapping = graphql(`
  query AdminScopeMapping($id: ID!) {
    node(id: $id) {
      __typename
      ... on ScopeMapping {
        id
        name
        scopeName
        description
        expression
      }
    }
  }
`);

export const AdminCreateScopeMapping = graphql(`
  mutation AdminCreateScopeMapping($input: CreateScopeMappingInput!) {
    createScopeMapping(input: $input) {
      id
    }
  }
`);

export const AdminUpdateScopeMapping = graphql(`
  mutation AdminUpdateScopeMapping($id: ID!, $input: UpdateScopeMappingInput!) {
    updateScopeMapping(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteScopeMapping = graphql(`
  mutation AdminDeleteScopeMapping($id: ID!) {
    deleteScopeMapping(id: $id)
  }
`);

/** What a scope mapping gives a user: the claims, or why it failed. */
export const AdminTestScopeMapping = graphql(`
  query AdminTestScopeMapping($id: ID!, $userID: ID!) {
    testScopeMapping(id: $id, userID: $userID) {
      claims
      droppedClaims
      error
    }
  }
`);
