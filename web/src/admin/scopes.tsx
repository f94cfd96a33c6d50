// Scope mappings (custom OAuth2 scopes): the list, the form that creates
// one (its scope token, the description the consent screen shows, the CEL
// expression that gives its claims), and a mapping's page (edit, a test
// for a chosen user showing the claims or the error, delete).
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import type { AdminTestScopeMappingQuery } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { nodes } from "./options";
import { href, navigate } from "./router";
import {
  AdminCreateScopeMapping,
  AdminDeleteScopeMapping,
  AdminScopeMapping,
  AdminScopeMappings,
  AdminTestScopeMapping,
  AdminUpdateScopeMapping,
} from "./sso-operations";
import { confirmDelete, ErrorAlert, errorField, FormActions, Loading, notFoundAsNull, PageHeader, Table, TextArea, useAction, useLoad } from "./ui";
import { UserPicker, type PickedUser } from "./users";

export function ScopeList() {
  const scopes = useLoad(() => request(AdminScopeMappings), []);
  return (
    <>
      <PageHeader title="Scopes">
        <a class="button button--primary" href={href("/scopes/new")}>
          New scope
        </a>
      </PageHeader>
      <p class="admin-intro">
        Custom OAuth2 scopes, besides the built-in openid, profile, email, groups and offline_access: a provider that lists one may be granted
        it, and its claims come from an expression over the user.
      </p>
      <ErrorAlert error={scopes.error} title="The scopes could not be loaded." />
      {!scopes.data && !scopes.error && <Loading what="scopes" />}
      {scopes.data && (
        <Table caption="Scopes" testid="scope-list" head={["Scope", "Name", "Description"]}>
          {nodes(scopes.data.scopeMappings.edges).map((s) => (
            <tr key={s.id} data-testid="scope-row" data-scope-name={s.scopeName}>
              <th scope="row">
                <a href={href(`/scopes/${s.id}`)}>
                  <code>{s.scopeName}</code>
                </a>
              </th>
              <td>{s.name}</td>
              <td>{s.description}</td>
            </tr>
          ))}
        </Table>
      )}
      {scopes.data?.scopeMappings.totalCount === 0 && <p>There are no custom scopes yet.</p>}
    </>
  );
}

interface ScopeValues {
  name: string;
  scopeName: string;
  description: string;
  expression: string;
}

const newScope: ScopeValues = {
  name: "",
  scopeName: "",
  description: "",
  expression: '{"department": user.attributes.department}',
};

/** The settings form of a scope mapping, new or existing. */
function ScopeForm({ initial, submit, isNew, onSubmit }: { initial: ScopeValues; submit: string; isNew?: boolean; onSubmit: (v: ScopeValues) => Promise<void> }) {
  const [v, setV] = useState(initial);
  const [ids] = useState(() => uniqueId("scope"));
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${field}: `, "") : undefined);
  const set = <K extends keyof ScopeValues>(k: K) => (value: ScopeValues[K]) => setV({ ...v, [k]: value });
  return (
    <form
      class="form admin-form"
      data-testid="scope-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit({ ...v, name: v.name.trim(), scopeName: v.scopeName.trim() }));
      }}
    >
      <ErrorAlert error={action.error} title="The scope was not saved." />
      <div class="admin-grid">
        <TextInput id={`${ids}-name`} name="name" label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
        <TextInput
          id={`${ids}-scope-name`}
          name="scope-name"
          label="Scope"
          value={v.scopeName}
          onValue={set("scopeName")}
          required
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          help={
            isNew
              ? "The token clients ask for, e.g. erp or urn:example:erp: printable ASCII without spaces, \" or \\."
              : "Renaming it is refused while a provider lists it."
          }
          error={err("scopeName")}
        />
      </div>
      <TextInput
        id={`${ids}-description`}
        name="description"
        label="Description"
        value={v.description}
        onValue={set("description")}
        required
        help="What the scope lets an application have, as the consent screen shows it (at most 200 characters)."
        error={err("description")}
      />
      <TextArea
        id={`${ids}-expression`}
        label="Claims expression (CEL)"
        value={v.expression}
        onValue={set("expression")}
        code
        help="Evaluates to a map of claims. It sees user (id, username, name, email, is_active, is_superuser, type, groups, attributes). Reserved claims such as sub, email or groups are left out of tokens."
        error={err("expression")}
      />
      <FormActions busy={action.busy} submit={submit} cancel={isNew ? { to: "/scopes" } : undefined} />
    </form>
  );
}

export function ScopeNew() {
  return (
    <>
      <PageHeader title="New scope" back={{ to: "/scopes", label: "Scopes" }} />
      <section class="card">
        <ScopeForm
          initial={newScope}
          isNew
          submit="Create scope"
          onSubmit={async (v) => {
            const d = await request(AdminCreateScopeMapping, { input: v });
            navigate(`/scopes/${d.createScopeMapping.id}`, `The scope ${v.scopeName} was created.`);
          }}
        />
      </section>
    </>
  );
}

export function ScopeDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const scope = useLoad(async () => {
    const d = await request(AdminScopeMapping, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "ScopeMapping" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (scope.error) return <ErrorAlert error={scope.error} title="The scope could not be loaded." />;
  if (scope.data === undefined) return <Loading what="the scope" />;
  if (scope.data === null) return <NotFound what="scope" back="/scopes" />;
  const s = scope.data;

  return (
    <>
      <PageHeader title={`Scope ${s.scopeName}`} back={{ to: "/scopes", label: "Scopes" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the scope ${s.scopeName}`)) return;
            void del.run(async () => {
              await request(AdminDeleteScopeMapping, { id: s.id });
              navigate("/scopes", `The scope ${s.scopeName} was deleted.`);
            });
          }}
        >
          Delete scope
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The scope was not deleted." />
      <section class="card" aria-labelledby="scope-settings-title">
        <h2 id="scope-settings-title" class="card__title">
          Settings
        </h2>
        <ScopeForm
          key={s.id}
          initial={{ name: s.name, scopeName: s.scopeName, description: s.description, expression: s.expression }}
          submit="Save scope"
          onSubmit={async (v) => {
            await request(AdminUpdateScopeMapping, { id: s.id, input: v });
            await scope.reload();
            onFlash(`The scope ${v.scopeName} was saved.`);
          }}
        />
      </section>
      <section class="card" aria-labelledby="scope-test-title">
        <h2 id="scope-test-title" class="card__title">
          Test
        </h2>
        <ScopeTest scopeId={s.id} />
      </section>
    </>
  );
}

type TestResult = AdminTestScopeMappingQuery["testScopeMapping"];

/** Evaluates the saved mapping for a chosen user, as a token request would. */
function ScopeTest({ scopeId }: { scopeId: string }) {
  const [user, setUser] = useState<PickedUser | undefined>();
  const [result, setResult] = useState<{ for: string; result: TestResult } | undefined>();
  const action = useAction();
  return (
    <div class="admin-policy-test" data-testid="scope-test">
      <p>What would tokens say about this user? The saved expression is evaluated; nothing is changed.</p>
      <UserPicker label="Test for user" picked={user ? [user] : []} onPicked={(u) => setUser(u.at(-1))} single emptyHelp="Choose a user." />
      <div>
        <button
          type="button"
          class="button button--primary"
          disabled={action.busy || !user}
          onClick={() =>
            user &&
            action.run(async () => {
              setResult(undefined);
              const d = await request(AdminTestScopeMapping, { id: scopeId, userID: user.id });
              setResult({ for: user.username, result: d.testScopeMapping });
            })
          }
        >
          Test {user ? `for ${user.username}` : ""}
        </button>
      </div>
      <ErrorAlert error={action.error} title="The test failed." />
      <div aria-live="polite">
        {result && (
          <div class="admin-test-result" data-testid="scope-test-result" data-failed={result.result.error ? "true" : "false"}>
            {result.result.error ? (
              <p class="alert alert--error">
                <strong>The mapping fails for {result.for}:</strong> tokens would carry none of its claims. <code>{result.result.error}</code>
              </p>
            ) : (
              <>
                <p class="alert alert--success">
                  <strong>Claims for {result.for}</strong>
                </p>
                <pre class="admin-pre" data-testid="scope-test-claims" tabIndex={0} aria-label="Claims as JSON">
                  {JSON.stringify(result.result.claims ?? {}, null, 2)}
                </pre>
              </>
            )}
            {result.result.droppedClaims.length > 0 && (
              <p class="admin-muted" data-testid="scope-test-dropped">
                Reserved claims left out: {result.result.droppedClaims.join(", ")}.
              </p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
