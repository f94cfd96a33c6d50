// The parts of a user's console page that show what the user is doing:
// their live sessions (revoke one, or all), the applications they have
// consented to (revoke), and their latest audit events (page on for more).
import { useState } from "preact/hooks";
import { graphql } from "../gql";
import type { AdminUserEventsQuery } from "../gql/graphql";
import { request } from "../lib/graphql";
import { actionLabel } from "./events";
import { nodes } from "./options";
import { href } from "./router";
import { ErrorAlert, Loading, Table, useAction, useLoad, when } from "./ui";

const AdminUserSessions = graphql(`
  query AdminUserSessions($id: ID!) {
    node(id: $id) {
      ... on User {
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
  }
`);

const AdminRevokeUserSessions = graphql(`
  mutation AdminRevokeUserSessions($id: ID!, $keys: [ID!]) {
    revokeUserSessions(userID: $id, keys: $keys)
  }
`);

const AdminUserConsents = graphql(`
  query AdminUserConsents($id: ID!) {
    node(id: $id) {
      ... on User {
        consents {
          application {
            name
            slug
          }
          scopes
          consentedAt
          expiresAt
        }
      }
    }
  }
`);

const AdminRevokeUserConsent = graphql(`
  mutation AdminRevokeUserConsent($id: ID!, $slug: String!) {
    revokeUserConsent(userID: $id, applicationSlug: $slug)
  }
`);

const AdminUserEvents = graphql(`
  query AdminUserEvents($id: ID!, $first: Int!, $after: Cursor) {
    events(
      where: { or: [{ userID: $id }, { subjectID: $id }] }
      first: $first
      after: $after
      orderBy: { field: CREATED_AT, direction: DESC }
    ) {
      edges {
        node {
          id
          action
          userID
          username
          app
          clientIP
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

type UserProps = { userId: string; username: string; onFlash: (m: string) => void };

export function UserSessions({ userId, username, onFlash }: UserProps) {
  const sessions = useLoad(async () => {
    const d = await request(AdminUserSessions, { id: userId });
    return d.node && "sessions" in d.node ? d.node.sessions : [];
  }, [userId]);
  const revoke = useAction();
  if (sessions.error) return <ErrorAlert error={sessions.error} title="The sessions could not be loaded." />;
  if (sessions.data === undefined) return <Loading what="the sessions" />;
  const end = (keys: string[] | null, what: string) => {
    if (!window.confirm(`End ${what}? ${keys && keys.length === 1 ? "That browser or device" : "Every browser and device"} is logged out at once.`)) return;
    void revoke.run(async () => {
      const d = await request(AdminRevokeUserSessions, { id: userId, keys });
      await sessions.reload();
      onFlash(d.revokeUserSessions === 1 ? `1 session of ${username} was ended.` : `${d.revokeUserSessions} sessions of ${username} were ended.`);
    });
  };
  return (
    <>
      <ErrorAlert error={revoke.error} title="The sessions were not ended." />
      {sessions.data.length === 0 ? (
        <p data-testid="user-sessions-empty">{username} is not logged in anywhere.</p>
      ) : (
        <>
          <Table caption={`Sessions of ${username}`} testid="user-sessions" head={["Browser or device", "Address", "Logged in", "Last used", "Ends", ""]}>
            {sessions.data.map((s) => (
              <tr key={s.key} data-testid="user-session">
                <td>
                  {s.userAgent || "Unknown"}
                  {s.current && <span class="badge">this session</span>}
                </td>
                <td>{s.clientIp || "—"}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>{when(s.expiresAt)}</td>
                <td>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    disabled={revoke.busy}
                    aria-label={`End the session of ${username} from ${s.clientIp || "an unknown address"}, last used ${when(s.lastSeenAt)}`}
                    onClick={() => end([s.key], `this session of ${username}`)}
                  >
                    End
                  </button>
                </td>
              </tr>
            ))}
          </Table>
          <div class="admin-form-actions">
            <button type="button" class="button button--danger" disabled={revoke.busy} onClick={() => end(null, `every session of ${username}`)}>
              End all sessions
            </button>
          </div>
        </>
      )}
    </>
  );
}

export function UserConsents({ userId, username, onFlash }: UserProps) {
  const consents = useLoad(async () => {
    const d = await request(AdminUserConsents, { id: userId });
    return d.node && "consents" in d.node ? d.node.consents : [];
  }, [userId]);
  const revoke = useAction();
  if (consents.error) return <ErrorAlert error={consents.error} title="The consents could not be loaded." />;
  if (consents.data === undefined) return <Loading what="the consents" />;
  if (consents.data.length === 0) return <p>{username} has not consented to any application.</p>;
  return (
    <>
      <ErrorAlert error={revoke.error} title="The consent was not revoked." />
      <Table caption={`Applications ${username} has consented to`} testid="user-consents" head={["Application", "Scopes", "Consented", "Lapses", ""]}>
        {consents.data.map((c) => (
          <tr key={c.application.slug}>
            <td>{c.application.name}</td>
            <td>{c.scopes.join(" ")}</td>
            <td>{when(c.consentedAt)}</td>
            <td>{c.expiresAt ? when(c.expiresAt) : "Never"}</td>
            <td>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={revoke.busy}
                aria-label={`Revoke the consent of ${username} to ${c.application.name}`}
                onClick={() => {
                  if (!window.confirm(`Revoke the consent of ${username} to ${c.application.name}? Its tokens stop working and the next sign-in asks again.`)) return;
                  void revoke.run(async () => {
                    await request(AdminRevokeUserConsent, { id: userId, slug: c.application.slug });
                    await consents.reload();
                    onFlash(`The consent of ${username} to ${c.application.name} was revoked.`);
                  });
                }}
              >
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </Table>
    </>
  );
}

type UserEvent = NonNullable<NonNullable<NonNullable<AdminUserEventsQuery["events"]["edges"]>[number]>["node"]>;

const eventPage = 10;

/**
 * What the user did and what was done about them (a failed login naming
 * them, an admin's change), newest first: the latest events, then more on
 * demand.
 */
export function UserEvents({ userId, username }: { userId: string; username: string }) {
  const [more, setMore] = useState<{ events: UserEvent[]; cursor: string | null | undefined; hasNext: boolean } | undefined>();
  const page = useAction();
  const first = useLoad(async () => (await request(AdminUserEvents, { id: userId, first: eventPage })).events, [userId]);
  if (first.error) return <ErrorAlert error={first.error} title="The events could not be loaded." />;
  if (first.data === undefined) return <Loading what="the events" />;
  const shown = [...nodes(first.data.edges), ...(more?.events ?? [])];
  const hasNext = more ? more.hasNext : first.data.pageInfo.hasNextPage;
  const cursor = more ? more.cursor : first.data.pageInfo.endCursor;
  if (shown.length === 0) return <p>No events by or about {username} are recorded.</p>;
  return (
    <>
      <Table caption={`Latest events by or about ${username}`} testid="user-events" head={["When", "Action", "By", "Address", "Recorded by"]}>
        {shown.map((e) => (
          <tr key={e.id} data-testid="user-event">
            <td>{when(e.createdAt)}</td>
            <td>{actionLabel(e.action)}</td>
            <td>{e.userID === userId ? username : e.userID ? <a href={href(`/users/${e.userID}`)}>{e.username}</a> : "nobody signed in"}</td>
            <td>{e.clientIP || "—"}</td>
            <td>{e.app}</td>
          </tr>
        ))}
      </Table>
      <ErrorAlert error={page.error} title="More events could not be loaded." />
      {hasNext && (
        <button
          type="button"
          class="button"
          disabled={page.busy}
          onClick={() =>
            void page.run(async () => {
              const d = (await request(AdminUserEvents, { id: userId, first: eventPage, after: cursor ?? null })).events;
              setMore({ events: [...(more?.events ?? []), ...nodes(d.edges)], cursor: d.pageInfo.endCursor, hasNext: d.pageInfo.hasNextPage });
            })
          }
        >
          Show older events
        </button>
      )}
    </>
  );
}
