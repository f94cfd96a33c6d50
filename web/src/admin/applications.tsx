// Applications: the list, the form that creates one, and an application's
// page (its settings and provider, who may use it through policy
// bindings, delete).
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import type { PolicyEngineMode } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { engineModes } from "./labels";
import { nodes } from "./options";
import { PolicyTest } from "./policies";
import { PolicyBindingList } from "./policy-bindings";
import { href, navigate } from "./router";
import {
  AdminApplication,
  AdminApplications,
  AdminCreateApplication,
  AdminDeleteApplication,
  AdminProviderOptions,
  AdminUpdateApplication,
} from "./sso-operations";
import {
  confirmDelete,
  enumOptions,
  ErrorAlert,
  errorField,
  FormActions,
  Loading,
  notFoundAsNull,
  PageHeader,
  SelectInput,
  Table,
  TextArea,
  useAction,
  useLoad,
} from "./ui";

export function ApplicationList() {
  const apps = useLoad(() => request(AdminApplications), []);
  return (
    <>
      <PageHeader title="Applications">
        <a class="button button--primary" href={href("/applications/new")}>
          New application
        </a>
      </PageHeader>
      <p class="admin-intro">
        An application is something users log in to with Gatehouse: its provider says how, its policy bindings say who may.
      </p>
      <ErrorAlert error={apps.error} title="The applications could not be loaded." />
      {!apps.data && !apps.error && <Loading what="applications" />}
      {apps.data && (
        <Table caption="Applications" testid="application-list" head={["Name", "Slug", "Group", "Provider"]}>
          {nodes(apps.data.applications.edges).map((a) => (
            <tr key={a.id} data-testid="application-row" data-slug={a.slug}>
              <th scope="row">
                <a href={href(`/applications/${a.id}`)}>{a.name}</a>
              </th>
              <td>{a.slug}</td>
              <td>{a.group || "—"}</td>
              <td>{a.provider ? <a href={href(`/providers/${a.provider.id}`)}>{a.provider.name}</a> : <span class="admin-muted">None</span>}</td>
            </tr>
          ))}
        </Table>
      )}
      {apps.data?.applications.totalCount === 0 && <p>There are no applications yet.</p>}
    </>
  );
}

interface ApplicationValues {
  name: string;
  slug: string;
  launchUrl: string;
  description: string;
  icon: string;
  group: string;
  policyEngineMode: PolicyEngineMode;
  providerID: string;
}

const newApplication: ApplicationValues = {
  name: "",
  slug: "",
  launchUrl: "",
  description: "",
  icon: "",
  group: "",
  policyEngineMode: "ANY",
  providerID: "",
};

/** The settings form of an application, new or existing. */
function ApplicationForm({
  applicationId,
  initial,
  submit,
  onSubmit,
}: {
  applicationId?: string;
  initial: ApplicationValues;
  submit: string;
  onSubmit: (v: ApplicationValues) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [ids] = useState(() => uniqueId("application"));
  const providers = useLoad(async () => nodes((await request(AdminProviderOptions)).oauth2Providers.edges), []);
  const action = useAction();
  const field = errorField(action.error);
  const err = (...names: string[]) => (field && names.includes(field) ? messageOf(action.error).replace(`${field}: `, "") : undefined);
  const set = <K extends keyof ApplicationValues>(k: K) => (value: ApplicationValues[K]) => setV({ ...v, [k]: value });
  const text = (k: "name" | "slug" | "launchUrl" | "icon" | "group", label: string, help?: string, required?: boolean) => (
    <TextInput
      id={`${ids}-${k}`}
      name={k}
      label={label}
      value={v[k]}
      onValue={set(k)}
      required={required}
      help={help}
      error={err(k)}
      {...(k === "name" || k === "group" ? {} : { autoCapitalize: "none", spellcheck: false })}
    />
  );
  return (
    <form
      class="form admin-form"
      data-testid="application-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit({ ...v, name: v.name.trim(), slug: v.slug.trim(), launchUrl: v.launchUrl.trim(), icon: v.icon.trim() }));
      }}
    >
      <ErrorAlert error={action.error} title="The application was not saved." />
      <div class="admin-grid">
        {text("name", "Name", undefined, true)}
        {text("slug", "Slug", "Names the application in URLs: lower-case letters, digits, - and _.", true)}
        {text("launchUrl", "Launch URL", "Where the user's application list sends the user. Empty: the provider's first redirect URI's origin.")}
        {text("icon", "Icon", "An https URL or an absolute path of an image. Empty: the name's initials.")}
        {text("group", "Group", "Applications of one group are listed together.")}
        <SelectInput
          id={`${ids}-engine`}
          label="Policy engine mode"
          value={v.policyEngineMode}
          options={enumOptions(engineModes)}
          onValue={(m) => set("policyEngineMode")(m as PolicyEngineMode)}
          help="How the bindings below combine into who may use it."
          error={err("policyEngineMode")}
        />
      </div>
      <TextArea id={`${ids}-description`} label="Description" value={v.description} onValue={set("description")} rows={3} error={err("description")} />
      <ErrorAlert error={providers.error} title="The providers could not be loaded." />
      <SelectInput
        id={`${ids}-provider`}
        label="Provider"
        value={v.providerID}
        options={[
          { value: "", label: providers.data ? "— None —" : "Loading…" },
          ...(providers.data ?? []).map((p) => ({
            value: p.id,
            label: p.application && p.application.id !== applicationId ? `${p.name} (serves ${p.application.name})` : p.name,
          })),
        ]}
        onValue={set("providerID")}
        help="The OAuth2 provider that logs users in to the application. A provider serves one application."
        error={err("providerId", "provider", "providerID")}
      />
      {providers.data?.length === 0 && (
        <p class="admin-muted">
          No provider yet: <a href={href("/providers/new")}>create an OAuth2 provider</a>.
        </p>
      )}
      <FormActions busy={action.busy} submit={submit} cancel={applicationId ? undefined : { to: "/applications" }} />
    </form>
  );
}

export function ApplicationNew() {
  return (
    <>
      <PageHeader title="New application" back={{ to: "/applications", label: "Applications" }} />
      <section class="card">
        <ApplicationForm
          initial={newApplication}
          submit="Create application"
          onSubmit={async ({ providerID, ...v }) => {
            const d = await request(AdminCreateApplication, { input: { ...v, providerID: providerID || null } });
            navigate(`/applications/${d.createApplication.id}`, `The application ${v.name} was created.`);
          }}
        />
      </section>
    </>
  );
}

export function ApplicationDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const app = useLoad(async () => {
    const d = await request(AdminApplication, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Application" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (app.error) return <ErrorAlert error={app.error} title="The application could not be loaded." />;
  if (app.data === undefined) return <Loading what="the application" />;
  if (app.data === null) return <NotFound what="application" back="/applications" />;
  const a = app.data;

  return (
    <>
      <PageHeader title={`Application ${a.name}`} back={{ to: "/applications", label: "Applications" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the application ${a.name} and its policy bindings (its provider is kept)`)) return;
            void del.run(async () => {
              await request(AdminDeleteApplication, { id: a.id });
              navigate("/applications", `The application ${a.name} was deleted.`);
            });
          }}
        >
          Delete application
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The application was not deleted." />
      <section class="card" aria-labelledby="application-settings-title">
        <h2 id="application-settings-title" class="card__title">
          Settings
        </h2>
        <ApplicationForm
          key={a.id}
          applicationId={a.id}
          initial={{
            name: a.name,
            slug: a.slug,
            launchUrl: a.launchUrl,
            description: a.description,
            icon: a.icon,
            group: a.group,
            policyEngineMode: a.policyEngineMode,
            providerID: a.provider?.id ?? "",
          }}
          submit="Save application"
          onSubmit={async ({ providerID, ...v }) => {
            const provider = providerID ? { providerID } : a.provider ? { clearProvider: true } : {};
            await request(AdminUpdateApplication, { id: a.id, input: { ...v, ...provider } });
            await app.reload();
            onFlash(`The application ${v.name} was saved.`);
          }}
        />
      </section>
      <section class="card" aria-labelledby="application-access-title">
        <h2 id="application-access-title" class="card__title">
          Who may use it
        </h2>
        <p class="admin-intro">
          Bind policies, groups or users; {engineModes[a.policyEngineMode].toLowerCase()} for a user to be let in.
        </p>
        <PolicyBindingList
          target={{ applicationID: a.id }}
          bindings={nodes(a.policyBindings.edges)}
          reload={app.reload}
          onFlash={onFlash}
        />
        <h3 class="admin-subtitle">Test access</h3>
        <PolicyTest target={{ applicationId: a.id }} question="Would this user be let in?" />
      </section>
    </>
  );
}
