// The live flow inspector: follows one flow execution over a subscription
// and shows what is left to run (the current stage first), what ran, the
// context, the last errors and how it ended, as they change.
import { useEffect, useState } from "preact/hooks";
import { TextInput } from "../flow/fields";
import type { AdminFlowInspectorSubscription } from "../gql/graphql";
import { codes, subscribe, type RequestError } from "../lib/graphql";
import { AdminFlowInspector } from "./operations";
import { href, navigate } from "./router";
import { ErrorAlert, PageHeader, Table, when } from "./ui";

type Inspection = AdminFlowInspectorSubscription["flowInspector"];

/** The execution ID in text: an ID, or a flow page's address with ?execution=. */
function executionOf(text: string): string {
  const t = text.trim();
  const m = /[?&]execution=([^&#\s]+)/.exec(t);
  return m?.[1] ? decodeURIComponent(m[1]) : t;
}

export function Inspector({ executionId }: { executionId?: string }) {
  const [input, setInput] = useState(executionId ?? "");
  useEffect(() => setInput(executionId ?? ""), [executionId]);
  return (
    <>
      <PageHeader title="Flow inspector" />
      <form
        class="admin-inline-form admin-inspector-form"
        data-testid="inspector-form"
        onSubmit={(e) => {
          e.preventDefault();
          const id = executionOf(input);
          if (id) navigate(`/inspector/${encodeURIComponent(id)}`);
        }}
      >
        <TextInput
          id="inspector-execution"
          name="executionId"
          label="Execution ID"
          value={input}
          onValue={setInput}
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          help="The ID of a running flow execution, or the address of a flow page (it ends in ?execution=…)."
        />
        <button type="submit" class="button button--primary">
          Inspect
        </button>
      </form>
      {executionId ? <Live key={executionId} executionId={executionId} /> : <p class="admin-muted">Paste an execution ID to follow it live.</p>}
    </>
  );
}

function Live({ executionId }: { executionId: string }) {
  const [inspection, setInspection] = useState<Inspection | undefined>();
  const [error, setError] = useState<RequestError | undefined>();
  const [updates, setUpdates] = useState(0);
  useEffect(
    () =>
      subscribe(
        AdminFlowInspector,
        { executionId },
        {
          next: (d) => {
            setInspection(d.flowInspector);
            setError(undefined);
            setUpdates((n) => n + 1);
          },
          error: setError,
        },
      ),
    [executionId],
  );

  const status = error
    ? "Not following"
    : !inspection
      ? "Connecting…"
      : inspection.completed
        ? "Ended"
        : "Live: updates appear as the execution changes";

  return (
    <section class="admin-inspection" data-testid="inspection" data-completed={inspection?.completed ?? false} aria-labelledby="inspection-title">
      <h2 id="inspection-title" class="visually-hidden">
        Execution {executionId}
      </h2>
      <p class="admin-live" role="status" data-testid="inspector-status">
        <span class={`admin-live__dot${inspection && !inspection.completed && !error ? " admin-live__dot--on" : ""}`} aria-hidden="true" />
        {status}
        {updates > 1 && <span class="admin-muted"> · {updates} updates</span>}
      </p>
      {error?.code === codes.notFound ? (
        <p class="alert alert--error" role="alert" data-testid="error">
          There is no running execution with this ID: it may have ended or expired.
        </p>
      ) : (
        <ErrorAlert error={error} title="The inspector lost the execution." />
      )}
      {inspection && <InspectionView inspection={inspection} />}
    </section>
  );
}

function InspectionView({ inspection: i }: { inspection: Inspection }) {
  return (
    <>
      <dl class="admin-facts">
        <div>
          <dt>Flow</dt>
          <dd data-testid="inspector-flow">{i.flowSlug}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{when(i.createdAt)}</dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd>{when(i.updatedAt)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{i.completed ? "Ended" : "Running"}</dd>
        </div>
      </dl>
      {i.outcome && (
        <div class={`alert ${i.outcome.denied ? "alert--error" : "alert--success"}`} data-testid="inspector-outcome">
          <p>
            <strong>{i.outcome.denied ? "Denied" : "Completed"}</strong>
            {i.outcome.message && `: ${i.outcome.message}`}
          </p>
          {i.outcome.to && (
            <p>
              Sent to <code>{i.outcome.to}</code>
            </p>
          )}
        </div>
      )}
      {i.errors.length > 0 && (
        <div class="alert alert--error" data-testid="inspector-errors">
          <p>
            <strong>Errors of the last response</strong>
          </p>
          <ul>
            {i.errors.map((e, n) => (
              <li key={n}>
                {e.field && <code>{e.field}</code>} {e.message} <span class="admin-muted">({e.code})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div class="admin-columns">
        <section class="card" aria-labelledby="plan-title">
          <h3 id="plan-title" class="card__title">
            Plan
          </h3>
          {i.plan.length === 0 ? (
            <p>Nothing left to run.</p>
          ) : (
            <ol class="admin-plan" data-testid="inspector-plan">
              {i.plan.map((s, n) => (
                <li key={`${s.position}-${s.name}`} class={n === 0 ? "admin-plan__current" : undefined} data-testid="plan-stage" data-stage-name={s.name}>
                  {s.stageId ? <a href={href(`/stages/${s.stageId}`)}>{s.name}</a> : s.name} <span class="badge">{s.kind}</span>
                  {n === 0 && !i.completed && <strong class="admin-plan__now"> current</strong>}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section class="card" aria-labelledby="history-title">
          <h3 id="history-title" class="card__title">
            History
          </h3>
          {i.history.length === 0 ? (
            <p>No stage has run yet.</p>
          ) : (
            <Table caption="Stages passed, oldest first" testid="inspector-history" head={["Stage", "Result", "At"]}>
              {i.history.map((h, n) => (
                <tr key={n}>
                  <th scope="row">
                    {h.name} <span class="badge">{h.kind}</span>
                  </th>
                  <td>{h.result}</td>
                  <td>{when(h.at)}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="context-title">
        <h3 id="context-title" class="card__title">
          Context
        </h3>
        <pre class="admin-pre" data-testid="inspector-context" tabIndex={0} aria-label="Execution context as JSON">
          {JSON.stringify(i.context, null, 2)}
        </pre>
      </section>
    </>
  );
}
