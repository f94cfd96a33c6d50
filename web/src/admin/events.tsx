// The audit log: events newest first, filtered by action, user, client IP
// and time range (the events query's EventWhereInput), a page at a time;
// "Follow live" adds new events matching the filters as they are written
// (eventCreated); once the first arrives, the events written between the
// page's load and the subscription's start (which it missed) are fetched
// once and merged in. An event's page shows its context as a key/value table;
// events never hold secrets (audit.Recorder records field names, not
// values).
import { useEffect, useState } from "preact/hooks";
import { TextInput } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminEventFieldsFragment, EventAction, EventWhereInput } from "../gql/graphql";
import { request, subscribe } from "../lib/graphql";
import { nodes } from "./options";
import { eventActions } from "./labels";
import { href } from "./router";
import { Checkbox, ErrorAlert, Loading, notFoundAsNull, PageHeader, SelectInput, Table, useAction, useLoad, when } from "./ui";
import { NotFound } from "./flows";

export const AdminEventFields = graphql(`
  fragment AdminEventFields on Event {
    id
    action
    userID
    username
    clientIP
    app
    createdAt
    context
  }
`);

const AdminEvents = graphql(`
  query AdminEvents($first: Int!, $after: Cursor, $where: EventWhereInput) {
    events(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {
      edges {
        node {
          ...AdminEventFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const AdminEventsLive = graphql(`
  subscription AdminEventsLive($where: EventWhereInput) {
    eventCreated(where: $where) {
      ...AdminEventFields
    }
  }
`);

const AdminEvent = graphql(`
  query AdminEvent($id: ID!) {
    node(id: $id) {
      __typename
      ... on Event {
        ...AdminEventFields
      }
    }
  }
`);

/** An action in words: LOGIN_FAILED → "Login failed" (the raw name for one this console does not know). */
export function actionLabel(a: string): string {
  return eventActions[a as EventAction] ?? a;
}

type Event = AdminEventFieldsFragment;

interface Filters {
  action: string;
  user: string;
  ip: string;
  /** datetime-local values (the browser's time zone), or "". */
  from: string;
  to: string;
}

const noFilters: Filters = { action: "", user: "", ip: "", from: "", to: "" };

/** The filters as the API's where input; withTime false leaves out the range (the live stream). */
function whereOf(f: Filters, withTime = true): EventWhereInput {
  const w: EventWhereInput = {};
  if (f.action) w.action = f.action as EventAction;
  if (f.user.trim()) w.usernameContainsFold = f.user.trim();
  if (f.ip.trim()) w.clientIPHasPrefix = f.ip.trim();
  if (withTime && f.from) w.createdAtGTE = new Date(f.from).toISOString();
  if (withTime && f.to) w.createdAtLT = new Date(f.to).toISOString();
  return w;
}

const pageSize = 50;

/** events without repeats, newest first (by ID: IDs grow as events are written). */
function newestFirst(events: Event[]): Event[] {
  const seen = new Set<string>();
  return events
    .filter((e) => !seen.has(e.id) && seen.add(e.id))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0));
}

export function EventList() {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [live, setLive] = useState(false);
  const [added, setAdded] = useState<Event[]>([]);
  const [more, setMore] = useState<Event[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [liveError, setLiveError] = useState<unknown>();
  const action = useAction();
  const first = useLoad(async () => {
    const d = await request(AdminEvents, { first: pageSize, where: whereOf(filters) });
    setAdded([]);
    setMore([]);
    setNext(d.events.pageInfo.hasNextPage ? (d.events.pageInfo.endCursor ?? null) : null);
    return nodes(d.events.edges);
  }, [filters]);

  // Following live makes sense only for a range open towards now.
  const canFollow = !filters.to;
  useEffect(() => {
    if (!live || !canFollow || !first.data) return;
    setLiveError(undefined);
    // The newest event the page loaded; with the first live event the
    // subscription is known to be up, and what came after the load but
    // before it is fetched once.
    const loaded = first.data.reduce((max, e) => (BigInt(e.id) > max ? BigInt(e.id) : max), 0n);
    let caughtUp = false;
    let ended = false;
    const catchUp = () => {
      caughtUp = true;
      const where: EventWhereInput = { ...whereOf(filters, false), ...(loaded > 0n ? { idGT: loaded.toString() } : {}) };
      request(AdminEvents, { first: pageSize, where }).then(
        (d) => {
          if (ended) return;
          const missed = nodes(d.events.edges);
          setAdded((a) => newestFirst([...a, ...missed]));
        },
        (err: unknown) => {
          if (!ended) setLiveError(err);
        },
      );
    };
    const stop = subscribe(
      AdminEventsLive,
      { where: whereOf(filters, false) },
      {
        next: (d) => {
          setAdded((a) => newestFirst([d.eventCreated, ...a]));
          if (!caughtUp) catchUp();
        },
        error: setLiveError,
      },
    );
    return () => {
      ended = true;
      stop();
    };
  }, [live, canFollow, filters, first.data]);

  const loadMore = () =>
    action.run(async () => {
      const d = await request(AdminEvents, { first: pageSize, after: next, where: whereOf(filters) });
      setMore((m) => [...m, ...nodes(d.events.edges)]);
      setNext(d.events.pageInfo.hasNextPage ? (d.events.pageInfo.endCursor ?? null) : null);
    });
  const shown = [...added, ...(first.data ?? []).filter((e) => !added.some((a) => a.id === e.id)), ...more];

  return (
    <>
      <PageHeader title="Audit log" />
      <p class="admin-intro">
        What happened, newest first: logins and failed logins, changes to the configuration, mail sent, and more. Events never hold passwords,
        tokens or codes; a change names the fields it wrote, not their values.
      </p>
      <form
        class="admin-filters"
        role="search"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <SelectInput
          id="events-action"
          label="Action"
          value={draft.action}
          onValue={(a) => setDraft({ ...draft, action: a })}
          options={[{ value: "", label: "Any action" }, ...Object.keys(eventActions).map((a) => ({ value: a, label: actionLabel(a) }))]}
        />
        <TextInput id="events-user" label="User" value={draft.user} onValue={(user) => setDraft({ ...draft, user })} autoCapitalize="none" spellcheck={false} />
        <TextInput id="events-ip" label="Client IP" help="An address or its beginning (10.0.)" value={draft.ip} onValue={(ip) => setDraft({ ...draft, ip })} spellcheck={false} />
        <TextInput id="events-from" type="datetime-local" label="From" value={draft.from} onValue={(from) => setDraft({ ...draft, from })} />
        <TextInput id="events-to" type="datetime-local" label="Until" value={draft.to} onValue={(to) => setDraft({ ...draft, to })} />
        <div class="actions actions--row">
          <button type="submit" class="button button--primary">
            Apply filters
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <Checkbox
        id="events-live"
        label="Follow live"
        help={canFollow ? "New events that match the filters appear at the top as they happen." : "Clear “Until” to follow new events."}
        checked={live && canFollow}
        onChecked={setLive}
      />
      <ErrorAlert error={first.error} title="The audit log could not be loaded." />
      <ErrorAlert error={liveError} title="Following live stopped." />
      <ErrorAlert error={action.error} />
      {!first.data && !first.error && <Loading what="events" />}
      {first.data && shown.length === 0 && <p data-testid="no-events">No events match.</p>}
      {shown.length > 0 && (
        <Table caption="Audit events" testid="event-list" head={["When", "Action", "User", "Client IP", "Recorded by"]}>
          {shown.map((e) => (
            <tr key={e.id} data-testid="event-row" data-action={e.action}>
              <th scope="row">
                <a href={href(`/audit-log/${e.id}`)}>{when(e.createdAt)}</a>
              </th>
              <td>{actionLabel(e.action)}</td>
              <td>
                <Who event={e} />
              </td>
              <td>{e.clientIP || <span class="admin-muted">None</span>}</td>
              <td>{e.app}</td>
            </tr>
          ))}
        </Table>
      )}
      {next && (
        <button type="button" class="button" disabled={action.busy} onClick={() => void loadMore()}>
          Show older events
        </button>
      )}
    </>
  );
}

/**
 * Who acted: the signed-in user, or for an anonymous caller (a failed
 * login) the identifier typed, which the event's context holds.
 */
function Who({ event: e }: { event: Event }) {
  if (e.username) return <>{e.username}</>;
  const typed = (e.context as Record<string, unknown> | null)?.["username"];
  if (typeof typed === "string" && typed) return <span title="Typed at a login; not signed in">{typed} (typed)</span>;
  return <span class="admin-muted">None</span>;
}

/** A context value as text: strings as they are, anything else as JSON. */
function valueText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function EventDetail({ id }: { id: string }) {
  const ev = useLoad(async () => {
    const d = await request(AdminEvent, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Event" ? d.node : null;
  }, [id]);
  if (ev.data === null) return <NotFound what="event" back="/audit-log" />;
  const e = ev.data;
  const context = Object.entries((e?.context ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <PageHeader title={e ? actionLabel(e.action) : "Event"} back={{ to: "/audit-log", label: "Audit log" }} />
      <ErrorAlert error={ev.error} title="The event could not be loaded." />
      {!e && !ev.error && <Loading what="the event" />}
      {e && (
        <>
          <dl class="admin-facts" data-testid="event-facts">
            <dt>When</dt>
            <dd>{when(e.createdAt)}</dd>
            <dt>User</dt>
            <dd>{e.userID ? <a href={href(`/users/${e.userID}`)}>{e.username}</a> : <Who event={e} />}</dd>
            <dt>Client IP</dt>
            <dd>{e.clientIP || "None"}</dd>
            <dt>Recorded by</dt>
            <dd>{e.app}</dd>
          </dl>
          <h2>Context</h2>
          {context.length === 0 ? (
            <p>No context.</p>
          ) : (
            <Table caption="Context" testid="event-context" head={["Key", "Value"]}>
              {context.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>
                    <code>{valueText(v)}</code>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}
    </>
  );
}
