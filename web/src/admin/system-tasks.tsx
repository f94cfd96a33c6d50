// System tasks: the background jobs the worker runs (cleanups, the signing
// key rotation, mail), newest first, with their state, attempts and
// errors. An administrator can run a job again (a mail that went out is
// never sent twice) or cancel one that has not finished. A job's
// arguments are never shown: a mail's are sealed.
import { useState } from "preact/hooks";
import { graphql } from "../gql";
import type { AdminJobsQuery, JobState } from "../gql/graphql";
import { request } from "../lib/graphql";
import { ErrorAlert, Loading, PageHeader, SelectInput, Table, useAction, useLoad, when } from "./ui";

const AdminJobs = graphql(`
  query AdminJobs($first: Int!, $after: String, $states: [JobState!]) {
    jobs(first: $first, after: $after, states: $states) {
      edges {
        cursor
        node {
          ...AdminJobFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The fields the list shows of a job; the mutations answer with them too. */
export const AdminJobFields = graphql(`
  fragment AdminJobFields on Job {
    id
    kind
    state
    attempt
    maxAttempts
    createdAt
    scheduledAt
    finalizedAt
    errors {
      attempt
      at
      message
    }
  }
`);

const AdminRetryJob = graphql(`
  mutation AdminRetryJob($id: ID!) {
    retryJob(id: $id) {
      ...AdminJobFields
    }
  }
`);

const AdminCancelJob = graphql(`
  mutation AdminCancelJob($id: ID!) {
    cancelJob(id: $id) {
      ...AdminJobFields
    }
  }
`);

type Job = NonNullable<AdminJobsQuery["jobs"]["edges"][number]>["node"];

const pageSize = 50;

/** What each job kind does, in words. */
const kindLabels: Record<string, string> = {
  delete_expired_tokens: "Delete expired tokens",
  delete_expired_events: "Delete expired audit events",
  delete_expired_state: "Delete expired sessions and flow state",
  rotate_signing_keys: "Rotate signing keys",
  send_mail: "Send mail",
};

const stateLabels: Record<JobState, string> = {
  AVAILABLE: "Waiting",
  CANCELLED: "Cancelled",
  COMPLETED: "Completed",
  DISCARDED: "Failed",
  PENDING: "Pending",
  RETRYABLE: "Retrying",
  RUNNING: "Running",
  SCHEDULED: "Scheduled",
};

/** The filters of the list, by the states they show. */
const filters: Record<string, { label: string; states: JobState[] | null }> = {
  all: { label: "All tasks", states: null },
  failing: { label: "Failing (retrying or failed)", states: ["RETRYABLE", "DISCARDED"] },
  waiting: { label: "Waiting or running", states: ["AVAILABLE", "SCHEDULED", "PENDING", "RUNNING"] },
  done: { label: "Completed", states: ["COMPLETED"] },
  cancelled: { label: "Cancelled", states: ["CANCELLED"] },
};

const finished: JobState[] = ["COMPLETED", "CANCELLED", "DISCARDED"];

export function SystemTasks() {
  const [filter, setFilter] = useState("all");
  const [more, setMore] = useState<Job[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const states = filters[filter].states;
  const first = useLoad(async () => {
    const d = await request(AdminJobs, { first: pageSize, states });
    setMore([]);
    setNext(d.jobs.pageInfo.hasNextPage ? (d.jobs.pageInfo.endCursor ?? null) : null);
    return d.jobs.edges.map((e) => e.node);
  }, [filter]);
  const action = useAction();
  const [changed, setChanged] = useState<Record<string, Job>>({});
  const jobs = [...(first.data ?? []), ...more].map((j) => changed[j.id] ?? j);

  const loadMore = () =>
    action.run(async () => {
      const d = await request(AdminJobs, { first: pageSize, after: next, states });
      setMore((m) => [...m, ...d.jobs.edges.map((e) => e.node)]);
      setNext(d.jobs.pageInfo.hasNextPage ? (d.jobs.pageInfo.endCursor ?? null) : null);
    });
  const retry = (j: Job) =>
    action.run(async () => {
      const d = await request(AdminRetryJob, { id: j.id });
      setChanged((c) => ({ ...c, [j.id]: d.retryJob }));
    });
  const cancel = (j: Job) =>
    action.run(async () => {
      const d = await request(AdminCancelJob, { id: j.id });
      setChanged((c) => ({ ...c, [j.id]: d.cancelJob }));
    });

  return (
    <>
      <PageHeader title="System tasks">
        <button type="button" class="button" onClick={() => void first.reload()}>
          Refresh
        </button>
      </PageHeader>
      <p class="admin-intro">
        Background jobs the worker runs: clean-ups every few minutes, the hourly signing key rotation, and every mail. A failed job is retried
        with a growing delay; after its last attempt it stays failed until you run it again. Running a mail again never sends it twice.
      </p>
      <SelectInput
        id="jobs-filter"
        label="Show"
        value={filter}
        onValue={setFilter}
        options={Object.entries(filters).map(([value, f]) => ({ value, label: f.label }))}
      />
      <ErrorAlert error={first.error} title="The system tasks could not be loaded." />
      <ErrorAlert error={action.error} />
      {!first.data && !first.error && <Loading what="system tasks" />}
      {first.data && jobs.length === 0 && <p data-testid="no-jobs">No tasks to show.</p>}
      {jobs.length > 0 && (
        <Table caption="System tasks" testid="jobs" head={["Task", "State", "Attempts", "Scheduled", "Finished", "Last error", "Actions"]}>
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} busy={action.busy} retry={retry} cancel={cancel} />
          ))}
        </Table>
      )}
      {next && (
        <button type="button" class="button" disabled={action.busy} onClick={() => void loadMore()}>
          Show older tasks
        </button>
      )}
    </>
  );
}

function JobRow({ job: j, busy, retry, cancel }: { job: Job; busy: boolean; retry: (j: Job) => void; cancel: (j: Job) => void }) {
  const last = j.errors.length > 0 ? j.errors[j.errors.length - 1] : undefined;
  return (
    <tr data-testid="job-row" data-job-id={j.id} data-state={j.state}>
      <th scope="row">
        {kindLabels[j.kind] ?? j.kind}
        <div class="admin-muted">#{j.id}</div>
      </th>
      <td>
        <span class={`badge badge--${j.state.toLowerCase()}`} data-testid="job-state">
          {stateLabels[j.state]}
        </span>
      </td>
      <td>
        {j.attempt} of {j.maxAttempts}
      </td>
      <td>{when(j.scheduledAt)}</td>
      <td>{j.finalizedAt ? when(j.finalizedAt) : <span class="admin-muted">Not yet</span>}</td>
      <td data-testid="job-error">
        {last ? (
          <details>
            <summary>
              Attempt {last.attempt}, {when(last.at)}
            </summary>
            <ol class="admin-job-errors">
              {j.errors.map((e) => (
                <li key={e.attempt}>
                  <code>{e.message}</code>
                </li>
              ))}
            </ol>
          </details>
        ) : (
          <span class="admin-muted">None</span>
        )}
      </td>
      <td>
        <div class="actions actions--row">
          {j.state !== "RUNNING" && (
            <button type="button" class="button" disabled={busy} onClick={() => retry(j)} aria-label={`Run task ${j.id} again`}>
              {finished.includes(j.state) ? "Run again" : "Run now"}
            </button>
          )}
          {!finished.includes(j.state) && (
            <button type="button" class="button" disabled={busy} onClick={() => cancel(j)} aria-label={`Cancel task ${j.id}`}>
              Cancel
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
