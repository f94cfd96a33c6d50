// The console's home page: logins and failed logins per hour over the last
// 24 hours and per day over 30 days (drawn from eventStats, a server-side
// aggregate; events are never fetched one by one), how many users there
// are and how many sessions are signed in, the applications used most over
// the same 30 days (topApplications), the system tasks and notification
// transports that are failing, and the server's version. The login charts
// and counters follow eventCreated and count each new login or failed
// login into its bucket at once, then load the counts again a little later
// (reconcileAfter) to take in what the subscription missed while it
// started; a login, logout or
// revoked session counts the active sessions again (one number; a session
// that merely expires shows at the next one or a refresh), and a system
// task's failure (SYSTEM_TASK_EXCEPTION) joins the failing tasks from the
// event itself (River records it before the job's new state is written,
// so listing the tasks again could still miss it).
// Failing notification transports show at a refresh: their failures are
// deliberately not events (a rule could match them and loop).
//
// Loaded lazily (AdminPage): Chart.js is in this chunk only.
import { useEffect, useMemo, useState } from "preact/hooks";
import { graphql } from "../gql";
import type { DashboardCountsFragment, EventAction } from "../gql/graphql";
import { request, subscribe } from "../lib/graphql";
import "./dashboard.css";
import { BarChart, type Series } from "./bar-chart";
import { nodes } from "./options";
import { href } from "./router";
import { ErrorAlert, Loading, PageHeader, Table, useLoad } from "./ui";

// The login counts of the charts, loaded with the page and again to
// reconcile the live counting (AdminDashboardCounts).
graphql(`
  fragment DashboardCounts on Query {
    hourly: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $hoursSince, bucket: HOUR) {
      start
      action
      count
    }
    daily: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $daysSince, bucket: DAY) {
      start
      action
      count
    }
  }
`);

const AdminDashboardCounts = graphql(`
  query AdminDashboardCounts($hoursSince: Time!, $daysSince: Time!) {
    ...DashboardCounts
  }
`);

const AdminDashboardStats = graphql(`
  query AdminDashboardStats($hoursSince: Time!, $daysSince: Time!) {
    ...DashboardCounts
    users {
      totalCount
    }
    topApplications(since: $daysSince, first: 5) {
      slug
      count
      application {
        id
        name
      }
    }
    serverInfo {
      version
    }
    failingTransports: notificationTransports(where: { failing: true }, first: 20) {
      totalCount
      edges {
        node {
          id
          name
          lastError
        }
      }
    }
  }
`);

const AdminDashboardJobs = graphql(`
  query AdminDashboardJobs {
    jobs(first: 50, states: [RETRYABLE, DISCARDED]) {
      edges {
        node {
          id
          kind
          state
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const AdminDashboardSessions = graphql(`
  query AdminDashboardSessions {
    activeSessions
  }
`);

/** The events that change the number of signed-in sessions. */
const sessionEvents: EventAction[] = ["LOGIN", "LOGOUT", "SESSION_REVOKED"];

const AdminDashboardEvents = graphql(`
  subscription AdminDashboardEvents {
    eventCreated(where: { actionIn: [LOGIN, LOGIN_FAILED, LOGOUT, SESSION_REVOKED, SYSTEM_TASK_EXCEPTION] }) {
      id
      action
      createdAt
      context
    }
  }
`);

/** A failing system task as the dashboard lists it. */
type FailingTask = { id: string; kind: string; state: string };

/**
 * The task a SYSTEM_TASK_EXCEPTION event's context names (jobs/failures.go:
 * task, job_id, attempt, max_attempts), or undefined if it names none.
 */
function failedTask(context: unknown): FailingTask | undefined {
  if (typeof context !== "object" || context === null) return undefined;
  const c = context as Record<string, unknown>;
  if (typeof c.job_id !== "string" || typeof c.task !== "string") return undefined;
  const final = typeof c.attempt === "number" && typeof c.max_attempts === "number" && c.attempt >= c.max_attempts;
  return { id: c.job_id, kind: c.task, state: final ? "DISCARDED" : "RETRYABLE" };
}

const hour = 3600_000;
const day = 24 * hour;
/** The buckets the charts show: the last 24 hours, the last 30 days (UTC). */
const hours = 24;
const days = 30;

/** The start of the UTC bucket of size that contains ms. */
function bucketOf(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}

/** Counts by bucket size, bucket start (ms) and action. */
type Counts = Record<string, number>;

function key(size: number, start: number, action: EventAction): string {
  return `${size}|${start}|${action}`;
}

/** counts with one event at ms added to its hour and its day. */
function withEvent(counts: Counts, ms: number, action: EventAction): Counts {
  const next = { ...counts };
  for (const size of [hour, day]) {
    const k = key(size, bucketOf(ms, size), action);
    next[k] = (next[k] ?? 0) + 1;
  }
  return next;
}

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** The series of the n buckets of size ending with now's. */
function chartData(counts: Counts, now: number, size: number, n: number, label: Intl.DateTimeFormat) {
  const last = bucketOf(now, size);
  const starts = Array.from({ length: n }, (_, i) => last - (n - 1 - i) * size);
  const values = (a: EventAction) => starts.map((s) => counts[key(size, s, a)] ?? 0);
  const series: Series[] = [
    { label: "Logins", color: "#2f6fde", values: values("LOGIN") },
    { label: "Failed logins", color: "#d4351c", values: values("LOGIN_FAILED") },
  ];
  return { labels: starts.map((s) => label.format(s)), series };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The query variables of the charts' buckets at ms. */
function countsSince(ms: number) {
  return {
    hoursSince: new Date(bucketOf(ms, hour) - (hours - 1) * hour).toISOString(),
    daysSince: new Date(bucketOf(ms, day) - (days - 1) * day).toISOString(),
  };
}

/** Counts as the server's buckets give them. */
function countsOf(d: DashboardCountsFragment): Counts {
  const c: Counts = {};
  for (const b of d.hourly) c[key(hour, Date.parse(b.start), b.action)] = b.count;
  for (const b of d.daily) c[key(day, Date.parse(b.start), b.action)] = b.count;
  return c;
}

/**
 * How long after a live login the counts are loaded again, to take in the
 * events the live counting missed: those written between the page's load
 * and the subscription's start (which the client cannot observe).
 */
const reconcileAfter = 5000;

export function Dashboard() {
  const [now, setNow] = useState(() => Date.now());
  const [counts, setCounts] = useState<Counts | undefined>();
  const stats = useLoad(async () => {
    const at = Date.now();
    const d = await request(AdminDashboardStats, countsSince(at));
    setCounts(countsOf(d));
    setNow(at);
    return d;
  }, []);
  const jobs = useLoad(() => request(AdminDashboardJobs), []);
  const sessions = useLoad(() => request(AdminDashboardSessions), []);
  const reloadSessions = sessions.reload;
  /** Tasks whose failure arrived live, by job ID, until the next refresh. */
  const [liveFailed, setLiveFailed] = useState<FailingTask[]>([]);
  const [liveError, setLiveError] = useState<unknown>();

  // Live: once the numbers are loaded, each new login or failed login is
  // counted into its hour and day at once, and reconcileAfter later the
  // counts are loaded again (one small query however many arrive), which
  // takes in any the subscription missed while it started.
  const loaded = counts !== undefined;
  /** A reconciliation is due or running: the login counts may still change. */
  const [reconciling, setReconciling] = useState(false);
  useEffect(() => {
    if (!loaded) return;
    let ended = false;
    let timer: number | undefined;
    let inFlight = false;
    let again = false; // a login arrived while the counts were loading
    const reconcile = () => {
      timer = undefined;
      inFlight = true;
      const at = Date.now();
      request(AdminDashboardCounts, countsSince(at))
        .then(
          (d) => {
            if (ended) return;
            setCounts(countsOf(d));
            setNow((n) => Math.max(n, at));
          },
          (err: unknown) => {
            if (!ended) setLiveError(err);
          },
        )
        .finally(() => {
          inFlight = false;
          if (again) {
            again = false;
            scheduleReconcile();
          } else if (!ended) {
            setReconciling(false);
          }
        });
    };
    const scheduleReconcile = () => {
      if (ended) return;
      setReconciling(true);
      if (inFlight) again = true;
      else if (timer === undefined) timer = window.setTimeout(reconcile, reconcileAfter);
    };
    const stop = subscribe(
      AdminDashboardEvents,
      {},
      {
        next: (d) => {
          const { action } = d.eventCreated;
          if (sessionEvents.includes(action)) void reloadSessions();
          if (action === "SYSTEM_TASK_EXCEPTION") {
            const task = failedTask(d.eventCreated.context);
            if (task) setLiveFailed((l) => [...l.filter((t) => t.id !== task.id), task]);
          }
          if (action !== "LOGIN" && action !== "LOGIN_FAILED") return;
          const ms = Date.parse(d.eventCreated.createdAt);
          setCounts((c) => (c ? withEvent(c, ms, action) : c));
          setNow((n) => Math.max(n, Date.now(), ms));
          scheduleReconcile();
        },
        error: setLiveError,
      },
    );
    return () => {
      ended = true;
      stop();
      window.clearTimeout(timer);
    };
  }, [loaded, reloadSessions]);

  const hourly = useMemo(() => chartData(counts ?? {}, now, hour, hours, hourLabel), [counts, now]);
  const daily = useMemo(() => chartData(counts ?? {}, now, day, days, dayLabel), [counts, now]);
  const listed: FailingTask[] = jobs.data?.jobs.edges.map((e) => e.node) ?? [];
  const failing = [...listed, ...liveFailed.filter((t) => !listed.some((j) => j.id === t.id))];

  return (
    <>
      <PageHeader title="Dashboard">
        <button type="button" class="button" onClick={() => {
            setLiveFailed([]);
            void Promise.all([stats.reload(), jobs.reload(), sessions.reload()]);
          }}>
          Refresh
        </button>
      </PageHeader>
      <ErrorAlert error={stats.error} title="The login statistics could not be loaded." />
      <ErrorAlert error={liveError} title="Live updates stopped; refresh to see new logins." />
      {!stats.data && !stats.error && <Loading what="the dashboard" />}
      {stats.data && (
        <>
          <dl class="admin-stats" aria-busy={reconciling}>
            <div>
              <dt>Logins, last 24 hours</dt>
              <dd data-testid="logins-24h">{sum(hourly.series[0].values)}</dd>
            </div>
            <div>
              <dt>Failed logins, last 24 hours</dt>
              <dd data-testid="failed-logins-24h">{sum(hourly.series[1].values)}</dd>
            </div>
            <div>
              <dt>Users</dt>
              <dd data-testid="users-count">
                <a href={href("/users")}>{stats.data.users.totalCount}</a>
              </dd>
            </div>
            <div>
              <dt>Active sessions</dt>
              <dd data-testid="active-sessions">{sessions.error ? "?" : sessions.data ? sessions.data.activeSessions : "…"}</dd>
            </div>
            <div>
              <dt>Failing system tasks</dt>
              <dd data-testid="failing-tasks">
                {jobs.error ? "?" : jobs.data ? <a href={href("/system-tasks")}>{failing.length + (jobs.data.jobs.pageInfo.hasNextPage ? "+" : "")}</a> : "…"}
              </dd>
            </div>
            <div>
              <dt>Failing notification transports</dt>
              <dd data-testid="failing-transports">{stats.data.failingTransports.totalCount}</dd>
            </div>
          </dl>
          <div class="admin-charts">
            <BarChart title="Logins per hour, last 24 hours" testid="chart-hourly" labels={hourly.labels} series={hourly.series} />
            <BarChart title="Logins per day, last 30 days (UTC)" testid="chart-daily" labels={daily.labels} series={daily.series} />
          </div>
        </>
      )}
      {stats.data && (
        <section aria-labelledby="top-apps-heading">
          <h2 id="top-apps-heading">Applications used most, last 30 days</h2>
          {stats.data.topApplications.length === 0 ? (
            <p data-testid="no-top-apps">No one was sent to an application.</p>
          ) : (
            <Table caption="Applications used most" testid="top-apps" head={["Application", "Logins into it"]}>
              {stats.data.topApplications.map((a) => (
                <tr key={a.slug} data-testid="top-app-row">
                  <th scope="row">{a.application ? <a href={href(`/applications/${a.application.id}`)}>{a.application.name}</a> : `${a.slug} (deleted)`}</th>
                  <td>{a.count}</td>
                </tr>
              ))}
            </Table>
          )}
          <p class="admin-muted" data-testid="server-version">Server: {stats.data.serverInfo.version}</p>
        </section>
      )}
      {stats.data && stats.data.failingTransports.totalCount > 0 && (
        <section aria-labelledby="failing-transports-heading">
          <h2 id="failing-transports-heading">Failing notification transports</h2>
          <ul data-testid="failing-transport-list">
            {nodes(stats.data.failingTransports.edges).map((t) => (
              <li key={t.id}>
                {t.name}: {t.lastError}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ErrorAlert error={jobs.error} title="The system tasks could not be loaded." />
      {failing.length > 0 && (
        <section aria-labelledby="failing-tasks-heading">
          <h2 id="failing-tasks-heading">Failing system tasks</h2>
          <ul data-testid="failing-task-list">
            {failing.map((j) => (
              <li key={j.id}>
                {j.kind} #{j.id} ({j.state === "DISCARDED" ? "failed" : "retrying"})
              </li>
            ))}
          </ul>
          <p>
            <a href={href("/system-tasks")}>Open the system tasks</a>
          </p>
        </section>
      )}
    </>
  );
}
