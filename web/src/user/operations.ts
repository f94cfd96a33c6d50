// The GraphQL operations of the settings page.
import { graphql } from "../gql";

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
