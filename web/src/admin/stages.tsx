// Stages: the list (with the flows using each), the form that creates one
// (pick a kind, fill its typed config) and a stage's page (edit, usage,
// delete).
import { request } from "../lib/graphql";
import type { StageConfigInput } from "../gql/graphql";
import { ConfigEditor } from "./config-editor";
import { kindOf, stageKindList } from "./config-kinds";
import { valuesFromConfig } from "./config-forms";
import { NotFound } from "./flows";
import { AdminCreateStage, AdminDeleteStage, AdminStage, AdminStages, AdminUpdateStage } from "./operations";
import { nodes } from "./options";
import { href, navigate } from "./router";
import { confirmDelete, ErrorAlert, Loading, notFoundAsNull, PageHeader, Table, useAction, useLoad } from "./ui";

/** The distinct flows of a stage's bindings. */
function flowsOf(bindings: { edges?: ({ node?: { flow: { id: string; slug: string } } | null } | null)[] | null }) {
  const seen = new Map<string, string>();
  for (const b of nodes(bindings.edges)) seen.set(b.flow.id, b.flow.slug);
  return [...seen].map(([id, slug]) => ({ id, slug }));
}

export function StageList() {
  const stages = useLoad(() => request(AdminStages), []);
  return (
    <>
      <PageHeader title="Stages">
        <a class="button button--primary" href={href("/stages/new")}>
          New stage
        </a>
      </PageHeader>
      <p class="admin-intro">A stage is one step of a flow: a question to the user or an action. One stage can be used by several flows.</p>
      <ErrorAlert error={stages.error} title="The stages could not be loaded." />
      {!stages.data && !stages.error && <Loading what="stages" />}
      {stages.data && (
        <Table caption="Stages" testid="stage-list" head={["Name", "Kind", "Used by"]}>
          {nodes(stages.data.stages.edges).map((s) => {
            const flows = flowsOf(s.bindings);
            const more = s.bindings.totalCount - (s.bindings.edges?.length ?? 0);
            return (
              <tr key={s.id} data-testid="stage-row" data-stage-name={s.name}>
                <th scope="row">
                  <a href={href(`/stages/${s.id}`)}>{s.name}</a>
                </th>
                <td>{kindOf(stageKindList, s.kind)?.label ?? s.kind}</td>
                <td>
                  {s.bindings.totalCount === 0 ? (
                    <span class="admin-muted">No flow</span>
                  ) : (
                    <>
                      {flows.map((f, i) => (
                        <span key={f.id}>
                          {i > 0 && ", "}
                          <a href={href(`/flows/${f.id}`)}>{f.slug}</a>
                        </span>
                      ))}
                      {more > 0 && ` and ${more} more`}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {stages.data?.stages.totalCount === 0 && <p>There are no stages yet.</p>}
    </>
  );
}

export function StageNew() {
  return (
    <>
      <PageHeader title="New stage" back={{ to: "/stages", label: "Stages" }} />
      <section class="card">
        <ConfigEditor<StageConfigInput>
          noun="stage"
          kinds={stageKindList}
          name=""
          submit="Create stage"
          cancel="/stages"
          onSubmit={async (name, config) => {
            const d = await request(AdminCreateStage, { input: { name, config } });
            navigate(`/stages/${d.createStage.id}`, `The stage ${name} was created.`);
          }}
        />
      </section>
    </>
  );
}

export function StageDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const stage = useLoad(async () => {
    const d = await request(AdminStage, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Stage" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (stage.error) return <ErrorAlert error={stage.error} title="The stage could not be loaded." />;
  if (stage.data === undefined) return <Loading what="the stage" />;
  if (stage.data === null) return <NotFound what="stage" back="/stages" />;
  const s = stage.data;
  const kind = kindOf(stageKindList, s.config.__typename);
  const flows = flowsOf(s.bindings);

  return (
    <>
      <PageHeader title={`Stage ${s.name}`} back={{ to: "/stages", label: "Stages" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the stage ${s.name}`)) return;
            void del.run(async () => {
              await request(AdminDeleteStage, { id: s.id });
              navigate("/stages", `The stage ${s.name} was deleted.`);
            });
          }}
        >
          Delete stage
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The stage was not deleted." />
      <section class="card" aria-labelledby="usage-title">
        <h2 id="usage-title" class="card__title">
          Used by
        </h2>
        {flows.length === 0 ? (
          <p>No flow uses this stage. Add it to a flow from the flow's page.</p>
        ) : (
          <ul data-testid="stage-flows">
            {flows.map((f) => (
              <li key={f.id}>
                <a href={href(`/flows/${f.id}`)}>{f.slug}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="stage-settings-title">
        <h2 id="stage-settings-title" class="card__title">
          Settings
        </h2>
        {kind ? (
          <ConfigEditor<StageConfigInput>
            key={s.id}
            noun="stage"
            kinds={stageKindList}
            kind={kind}
            name={s.name}
            values={valuesFromConfig(kind.fields, s.config as Record<string, unknown>)}
            submit="Save stage"
            onSubmit={async (name, config) => {
              await request(AdminUpdateStage, { id: s.id, input: { name, config } });
              await stage.reload();
              onFlash(`The stage ${name} was saved.`);
            }}
          />
        ) : (
          <p class="alert alert--error">This console does not know stages of kind {s.kind}.</p>
        )}
      </section>
    </>
  );
}
