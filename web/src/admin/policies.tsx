// Policies: the list, the form that creates one (pick a kind, fill its
// typed config), and a policy's page (edit, where it is bound, a test for a
// chosen user, delete).
import { useState } from "preact/hooks";
import { uniqueId } from "../flow/fields";
import type { AdminTestPolicyQuery, PolicyConfigInput } from "../gql/graphql";
import { request } from "../lib/graphql";
import { ConfigEditor } from "./config-editor";
import { kindOf, policyKindList } from "./config-kinds";
import { valuesFromConfig } from "./config-forms";
import { NotFound } from "./flows";
import { AdminCreatePolicy, AdminDeletePolicy, AdminPolicies, AdminPolicy, AdminTestPolicy, AdminUpdatePolicy } from "./operations";
import { nodes } from "./options";
import { href, navigate } from "./router";
import { Checkbox, confirmDelete, ErrorAlert, Loading, notFoundAsNull, PageHeader, Table, useAction, useLoad } from "./ui";
import { UserPicker, type PickedUser } from "./users";

export function PolicyList() {
  const policies = useLoad(() => request(AdminPolicies), []);
  return (
    <>
      <PageHeader title="Policies">
        <a class="button button--primary" href={href("/policies/new")}>
          New policy
        </a>
      </PageHeader>
      <p class="admin-intro">A policy decides whether a user may use a flow, a stage or an application, or checks a user's answers.</p>
      <ErrorAlert error={policies.error} title="The policies could not be loaded." />
      {!policies.data && !policies.error && <Loading what="policies" />}
      {policies.data && (
        <Table caption="Policies" testid="policy-list" head={["Name", "Kind", "Bindings", "Logging"]}>
          {nodes(policies.data.policies.edges).map((p) => (
            <tr key={p.id} data-testid="policy-row" data-policy-name={p.name}>
              <th scope="row">
                <a href={href(`/policies/${p.id}`)}>{p.name}</a>
              </th>
              <td>{kindOf(policyKindList, p.kind)?.label ?? p.kind}</td>
              <td>{p.bindings.totalCount}</td>
              <td>{p.executionLogging ? "Every evaluation" : "Failures"}</td>
            </tr>
          ))}
        </Table>
      )}
      {policies.data?.policies.totalCount === 0 && <p>There are no policies yet.</p>}
    </>
  );
}

function LoggingCheckbox({ checked, onChecked }: { checked: boolean; onChecked: (v: boolean) => void }) {
  const [id] = useState(() => uniqueId("policy-logging"));
  return (
    <Checkbox
      id={id}
      label="Log every evaluation"
      help="Record an audit event for every evaluation, not only failures."
      checked={checked}
      onChecked={onChecked}
    />
  );
}

export function PolicyNew() {
  const [logging, setLogging] = useState(false);
  return (
    <>
      <PageHeader title="New policy" back={{ to: "/policies", label: "Policies" }} />
      <section class="card">
        <ConfigEditor<PolicyConfigInput>
          noun="policy"
          kinds={policyKindList}
          name=""
          submit="Create policy"
          cancel="/policies"
          onSubmit={async (name, config) => {
            const input = { name, executionLogging: logging, config };
            const d = await request(AdminCreatePolicy, { input });
            navigate(`/policies/${d.createPolicy.id}`, `The policy ${name} was created.`);
          }}
        >
          <LoggingCheckbox checked={logging} onChecked={setLogging} />
        </ConfigEditor>
      </section>
    </>
  );
}

export function PolicyDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const policy = useLoad(async () => {
    const d = await request(AdminPolicy, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "PolicyDefinition" ? d.node : null;
  }, [id]);
  const [logging, setLogging] = useState<boolean | undefined>();
  const del = useAction();

  if (policy.error) return <ErrorAlert error={policy.error} title="The policy could not be loaded." />;
  if (policy.data === undefined) return <Loading what="the policy" />;
  if (policy.data === null) return <NotFound what="policy" back="/policies" />;
  const p = policy.data;
  const kind = kindOf(policyKindList, p.config.__typename);
  const bindings = nodes(p.bindings.edges);

  return (
    <>
      <PageHeader title={`Policy ${p.name}`} back={{ to: "/policies", label: "Policies" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the policy ${p.name}`)) return;
            void del.run(async () => {
              await request(AdminDeletePolicy, { id: p.id });
              navigate("/policies", `The policy ${p.name} was deleted.`);
            });
          }}
        >
          Delete policy
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The policy was not deleted." />
      <section class="card" aria-labelledby="policy-settings-title">
        <h2 id="policy-settings-title" class="card__title">
          Settings
        </h2>
        {kind ? (
          <ConfigEditor<PolicyConfigInput>
            key={p.id}
            noun="policy"
            kinds={policyKindList}
            kind={kind}
            name={p.name}
            values={valuesFromConfig(kind.fields, p.config as Record<string, unknown>)}
            submit="Save policy"
            onSubmit={async (name, config) => {
              const input = { name, executionLogging: logging ?? p.executionLogging, config };
              await request(AdminUpdatePolicy, { id: p.id, input });
              await policy.reload();
              onFlash(`The policy ${name} was saved.`);
            }}
          >
            <LoggingCheckbox checked={logging ?? p.executionLogging} onChecked={setLogging} />
          </ConfigEditor>
        ) : (
          <p class="alert alert--error">This console does not know policies of kind {p.kind}.</p>
        )}
      </section>
      <section class="card" aria-labelledby="policy-test-title">
        <h2 id="policy-test-title" class="card__title">
          Test
        </h2>
        <PolicyTest target={{ policyId: p.id }} question="Would this policy pass?" />
      </section>
      <section class="card" aria-labelledby="policy-bindings-title">
        <h2 id="policy-bindings-title" class="card__title">
          Bound to
        </h2>
        {bindings.length === 0 ? (
          <p>This policy is not bound to any flow, stage or application.</p>
        ) : (
          <ul data-testid="policy-bindings">
            {bindings.map((b) => (
              <li key={b.id}>
                {b.flow && (
                  <>
                    The flow <a href={href(`/flows/${b.flow.id}`)}>{b.flow.slug}</a>
                  </>
                )}
                {b.flowStageBinding && (
                  <>
                    The stage <a href={href(`/stages/${b.flowStageBinding.stage.id}`)}>{b.flowStageBinding.stage.name}</a> in the flow{" "}
                    <a href={href(`/flows/${b.flowStageBinding.flow.id}`)}>{b.flowStageBinding.flow.slug}</a>
                  </>
                )}
                {b.application && (
                  <>
                    The application <a href={href(`/applications/${b.application.id}`)}>{b.application.name}</a>
                  </>
                )}
                {!b.enabled && <span class="badge">disabled</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

type TestResult = AdminTestPolicyQuery["testPolicy"];

/**
 * Evaluates a policy, or an application's bindings, for a chosen user (or
 * an anonymous request).
 */
export function PolicyTest({ target, question }: { target: { policyId: string } | { applicationId: string }; question: string }) {
  const [user, setUser] = useState<PickedUser | undefined>();
  const [result, setResult] = useState<TestResult | undefined>();
  const action = useAction();
  return (
    <div class="admin-policy-test" data-testid="policy-test">
      <p>{question} Nothing is changed by a test.</p>
      <UserPicker label="Test for user" picked={user ? [user] : []} onPicked={(u) => setUser(u.at(-1))} single />
      <div>
        <button
          type="button"
          class="button button--primary"
          disabled={action.busy}
          onClick={() =>
            action.run(async () => {
              setResult(undefined);
              const d = await request(AdminTestPolicy, { input: { ...target, userId: user?.id ?? null } });
              setResult(d.testPolicy);
            })
          }
        >
          Test {user ? `for ${user.username}` : "for an anonymous request"}
        </button>
      </div>
      <ErrorAlert error={action.error} title="The test failed." />
      <div aria-live="polite">
        {result && (
          <div class="admin-test-result" data-testid="policy-test-result" data-passing={result.passing}>
            <p class={`alert ${result.passing ? "alert--success" : "alert--error"}`}>
              <strong>{result.passing ? "Passes" : "Does not pass"}</strong>
              {user ? ` for ${user.username}.` : " for an anonymous request."}
            </p>
            {result.messages.length > 0 && (
              <>
                <h3 class="admin-subtitle">Messages</h3>
                <ul>
                  {result.messages.map((m, i) => (
                    <li key={i}>{m}</li>
                  ))}
                </ul>
              </>
            )}
            <h3 class="admin-subtitle">Trace</h3>
            <Table caption="Evaluation trace" head={["Evaluated", "Result", "Time", "Details"]}>
              {result.trace.map((t, i) => (
                <tr key={i}>
                  <th scope="row">
                    {t.subject} {t.name}
                  </th>
                  <td>
                    {t.passing ? "passed" : "failed"}
                    {t.negated && " (negated)"}
                    {t.timedOut && " (timed out)"}
                  </td>
                  <td>{t.durationMs.toFixed(1)} ms</td>
                  <td>
                    {t.error && <span class="admin-trace-error">{t.error} </span>}
                    {t.messages.join(" ") || (t.error ? "" : "—")}
                  </td>
                </tr>
              ))}
            </Table>
          </div>
        )}
      </div>
    </div>
  );
}
