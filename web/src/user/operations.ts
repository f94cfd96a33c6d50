// The GraphQL operations of the settings page.
import { graphql } from "../gql";

// Asked apart from the brand (lib/site): finding the password change flow
// reads the authentication flow's stages, which no other page needs.
export const PasswordChangeFlow = graphql(`
  query PasswordChangeFlow {
    currentBrand {
      passwordChangeFlow
    }
  }
`);

export const MySessions = graphql(`
  query MySessions {
    viewer {
      sessions {
        key
        current
        createdAt
        lastSeenAt
        expiresAt
        clientIp
        userAgent
      }
    }
  }
`);

export const RevokeSession = graphql(`
  mutation RevokeSession($key: ID!) {
    revokeSession(key: $key)
  }
`);

export const RevokeOtherSessions = graphql(`
  mutation RevokeOtherSessions {
    revokeOtherSessions
  }
`);

export const MyApplications = graphql(`
  query MyApplications {
    viewer {
      applications {
        name
        slug
        group
        description
        icon
        launchUrl
      }
    }
  }
`);

export const ConnectedApplications = graphql(`
  query ConnectedApplications {
    viewer {
      connectedApplications {
        application {
          name
          slug
          icon
          launchUrl
        }
        scopes
        consentedAt
        expiresAt
      }
    }
  }
`);

export const RevokeApplicationAccess = graphql(`
  mutation RevokeApplicationAccess($slug: String!) {
    revokeApplicationAccess(slug: $slug)
  }
`);
