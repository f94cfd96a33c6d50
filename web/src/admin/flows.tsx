// Flows: the list, the form that creates one, and a flow's page (its
// settings, its ordered stage bindings, export, delete).
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import type {
  AuthenticationRequirement,
  CreateFlowInput,
  DeniedAction,
  FlowDesignation,
  FlowLayout,
  PolicyEngineMode,
} from "../gql/graphql";
import { authentications, deniedActions, designations, engineModes, layouts } from "./labels";
import { messageOf, request } from "../lib/graphql";
import { flowURL } from "../lib/site";
import { BindingList } from "./bindings";
import { AdminCreateFlow, AdminDeleteFlow, AdminExportFlow, AdminFlow, AdminFlows, AdminUpdateFlow } from "./operations";
import { nodes } from "./options";
import { href, navigate } from "./router";
import {
  Checkbox,
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
  useAction,
  useLoad,
} from "./ui";

export function FlowList() {
  const flows = useLoad(() => request(AdminFlows), []);
  return (
    <>
      <PageHeader title="Flows">
        <a class="button button--primary" href={href("/flows/new")}>
          New flow
        </a>
      </PageHeader>
      <p class="admin-intro">A flow is an ordered list of stages a user goes through: logging in, signing up, recovering an account.</p>
      <ErrorAlert error={flows.error} title="The flows could not be loaded." />
      {!flows.data && !flows.error && <Loading what="flows" />}
      {flows.data && (
        <Table caption="Flows" testid="flow-list" head={["Slug", "Title", "Designation"]}>
          {nodes(flows.data.flows.edges).map((f) => (
            <tr key={f.id} data-testid="flow-row" data-slug={f.slug}>
              <th scope="row">
                <a href={href(`/flows/${f.id}`)}>{f.slug}</a>
              </th>
              <td>{f.title}</td>
              <td>{designations[f.designation]}</td>
            </tr>
          ))}
        </Table>
      )}
      {flows.data?.flows.totalCount === 0 && <p>There are no flows yet.</p>}
    </>
  );
}

type FlowValues = Required<{ [K in keyof CreateFlowInput]: NonNullable<CreateFlowInput[K]> }>;

const newFlow: FlowValues = {
  slug: "",
  name: "",
  title: "",
  designation: "AUTHENTICATION",
  authentication: "NONE",
  layout: "STACKED",
  deniedAction: "MESSAGE_CONTINUE",
  policyEngineMode: "ANY",
  background: "",
  compatibilityMode: false,
};

/** The settings form of a flow, new or existing. */
function FlowForm({
  initial,
  submit,
  cancel,
  onSubmit,
}: {
  initial: FlowValues;
  submit: string;
  cancel?: string;
  onSubmit: (v: FlowValues) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [ids] = useState(() => uniqueId("flow"));
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${name}: `, "") : undefined);
  const set = <K extends keyof FlowValues>(k: K) => (value: FlowValues[K]) => setV({ ...v, [k]: value });
  return (
    <form
      class="form admin-form"
      data-testid="flow-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit(v));
      }}
    >
      <ErrorAlert error={action.error} title="The flow was not saved." />
      <div class="admin-grid">
        <TextInput
          id={`${ids}-slug`}
          name="slug"
          label="Slug"
          value={v.slug}
          onValue={set("slug")}
          required
          autoCapitalize="none"
          spellcheck={false}
          help="Identifies the flow in URLs: lower-case letters, digits, - and _."
          error={err("slug")}
        />
        <TextInput id={`${ids}-name`} name="name" label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
        <TextInput
          id={`${ids}-title`}
          name="title"
          label="Title"
          value={v.title}
          onValue={set("title")}
          required
          help="Shown as the heading of every challenge of the flow."
          error={err("title")}
        />
        <SelectInput
          id={`${ids}-designation`}
          label="Designation"
          value={v.designation}
          options={enumOptions(designations)}
          onValue={(x) => set("designation")(x as FlowDesignation)}
          help="What the flow is for."
          error={err("designation")}
        />
        <SelectInput
          id={`${ids}-authentication`}
          label="Who may start it"
          value={v.authentication}
          options={enumOptions(authentications)}
          onValue={(x) => set("authentication")(x as AuthenticationRequirement)}
          error={err("authentication")}
        />
        <SelectInput
          id={`${ids}-denied`}
          label="When its policies deny the user"
          value={v.deniedAction}
          options={enumOptions(deniedActions)}
          onValue={(x) => set("deniedAction")(x as DeniedAction)}
          error={err("deniedAction")}
        />
        <SelectInput
          id={`${ids}-engine`}
          label="Policy engine mode"
          value={v.policyEngineMode}
          options={enumOptions(engineModes)}
          onValue={(x) => set("policyEngineMode")(x as PolicyEngineMode)}
          help="How the flow's own policy bindings combine."
          error={err("policyEngineMode")}
        />
        <SelectInput
          id={`${ids}-layout`}
          label="Layout"
          value={v.layout}
          options={enumOptions(layouts)}
          onValue={(x) => set("layout")(x as FlowLayout)}
          error={err("layout")}
        />
        <TextInput
          id={`${ids}-background`}
          name="background"
          label="Background image"
          value={v.background}
          onValue={set("background")}
          help="An absolute path on this server or an https URL; empty uses the brand's."
          error={err("background")}
        />
      </div>
      <Checkbox
        id={`${ids}-compat`}
        label="Compatibility mode"
        checked={v.compatibilityMode}
        onChecked={set("compatibilityMode")}
        help="Render inputs so that mobile password managers can see them."
      />
      <FormActions busy={action.busy} submit={submit} cancel={cancel ? { to: cancel } : undefined} />
    </form>
  );
}

export function FlowNew() {
  return (
    <>
      <PageHeader title="New flow" back={{ to: "/flows", label: "Flows" }} />
      <section class="card">
        <FlowForm
          initial={newFlow}
          submit="Create flow"
          cancel="/flows"
          onSubmit={async (v) => {
            const d = await request(AdminCreateFlow, { input: v });
            navigate(`/flows/${d.createFlow.id}`, `The flow ${v.slug} was created. Add stages to it below.`);
          }}
        />
      </section>
    </>
  );
}

export function FlowDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const flow = useLoad(async () => {
    const d = await request(AdminFlow, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Flow" ? d.node : null;
  }, [id]);
  const del = useAction();
  const [exported, setExported] = useState<string | undefined>();
  const exp = useAction();

  if (flow.error) return <ErrorAlert error={flow.error} title="The flow could not be loaded." />;
  if (flow.data === undefined) return <Loading what="the flow" />;
  if (flow.data === null) return <NotFound what="flow" back="/flows" />;
  const f = flow.data;
  const { bindings, __typename, id: _id, ...settings } = f;

  return (
    <>
      <PageHeader title={`Flow ${f.slug}`} back={{ to: "/flows", label: "Flows" }}>
        <a class="button" href={flowURL(f.slug)} target="_blank" rel="noopener">
          Run this flow<span class="visually-hidden"> (opens in a new tab)</span>
        </a>
        <button
          type="button"
          class="button"
          disabled={exp.busy}
          onClick={() =>
            exp.run(async () => {
              setExported((await request(AdminExportFlow, { slug: f.slug })).exportFlow);
            })
          }
        >
          Export blueprint
        </button>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the flow ${f.slug} and its stage bindings`)) return;
            void del.run(async () => {
              await request(AdminDeleteFlow, { id: f.id });
              navigate("/flows", `The flow ${f.slug} was deleted.`);
            });
          }}
        >
          Delete flow
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The flow was not deleted." />
      <ErrorAlert error={exp.error} title="The flow could not be exported." />
      {exported !== undefined && (
        <section class="card" aria-labelledby="export-title">
          <div class="admin-section-head">
            <h2 id="export-title" class="card__title">
              Blueprint
            </h2>
            <button type="button" class="button button--small" onClick={() => setExported(undefined)}>
              Close
            </button>
          </div>
          <pre class="admin-pre" data-testid="flow-export" tabIndex={0} aria-label="Blueprint">
            {exported}
          </pre>
        </section>
      )}
      <section class="card" aria-labelledby="bindings-title">
        <h2 id="bindings-title" class="card__title">
          Stages
        </h2>
        <BindingList flowId={f.id} bindings={nodes(bindings.edges)} reload={flow.reload} onFlash={onFlash} />
      </section>
      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title" class="card__title">
          Settings
        </h2>
        <FlowForm
          key={f.id}
          initial={settings}
          submit="Save flow"
          onSubmit={async (v) => {
            await request(AdminUpdateFlow, { id: f.id, input: v });
            await flow.reload();
            onFlash(`The flow ${v.slug} was saved.`);
          }}
        />
      </section>
    </>
  );
}

/** What a page shows for an ID that names nothing (or something else). */
export function NotFound({ what, back }: { what: string; back: string }) {
  return (
    <div class="alert alert--error" role="alert">
      <p>There is no such {what}. It may have been deleted.</p>
      <p>
        <a href={href(back)}>Back to the list</a>
      </p>
    </div>
  );
}
