// A flow's stage bindings, in the order they run: add a stage at the end,
// move one up or down (the bindings' order fields are rewritten so the new
// order persists), edit a binding's options, remove it.
import { useEffect, useRef, useState } from "preact/hooks";
import { Checkbox, uniqueId } from "../flow/fields";
import type { AdminBindingFragment, InvalidResponseAction, PolicyEngineMode } from "../gql/graphql";
import { request } from "../lib/graphql";
import { kindOf, stageKindList } from "./config-kinds";
import { engineModes, invalidResponseActions } from "./labels";
import { AdminCreateBinding, AdminDeleteBinding, AdminSwapBindingOrders, AdminUpdateBinding } from "./operations";
import { loadOptions } from "./options";
import { href } from "./router";
import { confirmDelete, enumOptions, ErrorAlert, SelectInput, useAction, useLoad } from "./ui";

/** The gap left between consecutive orders, so a stage can go between two. */
const step = 10;

export function BindingList({
  flowId,
  bindings,
  reload,
  onFlash,
}: {
  flowId: string;
  bindings: AdminBindingFragment[];
  reload: () => Promise<void>;
  onFlash: (m: string) => void;
}) {
  const action = useAction();
  const [refocus, setRefocus] = useState<{ id: string; dir: "up" | "down" } | undefined>();
  const list = useRef<HTMLOListElement>(null);

  // After a move the list is re-rendered from the server's order: keep the
  // keyboard where it was (on the other button when the row hit an end).
  useEffect(() => {
    if (!refocus || !list.current || action.busy) return;
    const row = list.current.querySelector(`[data-binding-id="${refocus.id}"]`);
    const want = row?.querySelector<HTMLButtonElement>(`[data-move="${refocus.dir}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`[data-move="${refocus.dir === "up" ? "down" : "up"}"]`);
    (want && !want.disabled ? want : other)?.focus();
    setRefocus(undefined);
  }, [bindings, refocus, action.busy]);

  // The move buttons stay enabled (and focused) while a change runs; a
  // press then does nothing.
  const move = (i: number, dir: "up" | "down") =>
    !action.busy &&
    action.run(async () => {
      const j = dir === "up" ? i - 1 : i + 1;
      const a = bindings[i];
      const b = bindings[j];
      if (!a || !b) return;
      if (a.order !== b.order) {
        await request(AdminSwapBindingOrders, { a: a.id, aOrder: b.order, b: b.id, bOrder: a.order });
      } else {
        // Equal orders cannot be swapped: renumber the whole list.
        const next = [...bindings];
        next[i] = b;
        next[j] = a;
        for (const [k, binding] of next.entries()) {
          const order = (k + 1) * step;
          if (binding.order !== order) await request(AdminUpdateBinding, { id: binding.id, input: { order } });
        }
      }
      await reload();
      setRefocus({ id: a.id, dir });
      onFlash(`Moved ${a.stage.name} to position ${j + 1}.`);
    });

  const remove = (b: AdminBindingFragment) => {
    if (!confirmDelete(`the stage ${b.stage.name} from this flow (the stage itself is kept)`)) return;
    void action.run(async () => {
      await request(AdminDeleteBinding, { id: b.id });
      await reload();
      onFlash(`Removed ${b.stage.name} from the flow.`);
    });
  };

  return (
    <div class="admin-bindings">
      <p class="admin-intro">The stages run from top to bottom.</p>
      <ErrorAlert error={action.error} title="The stages were not changed." />
      {bindings.length === 0 ? (
        <p data-testid="binding-list-empty">This flow has no stages yet. Add the first one below.</p>
      ) : (
        <ol class="admin-binding-list" data-testid="binding-list" ref={list}>
          {bindings.map((b, i) => (
            <li key={b.id} class="admin-binding" data-testid="binding" data-stage-name={b.stage.name} data-binding-id={b.id}>
              <div class="admin-binding__main">
                <span class="admin-binding__pos" aria-hidden="true">
                  {i + 1}
                </span>
                <div class="admin-binding__what">
                  <a href={href(`/stages/${b.stage.id}`)}>{b.stage.name}</a>
                  <span class="badge">{kindOf(stageKindList, b.stage.kind)?.label ?? b.stage.kind}</span>
                  <div class="admin-muted">order {b.order}</div>
                </div>
                <div class="admin-binding__buttons">
                  <button
                    type="button"
                    class="button button--small"
                    data-move="up"
                    disabled={i === 0}
                    aria-disabled={action.busy || undefined}
                    aria-label={`Move ${b.stage.name} up`}
                    onClick={() => move(i, "up")}
                  >
                    <span aria-hidden="true">↑ Up</span>
                  </button>
                  <button
                    type="button"
                    class="button button--small"
                    data-move="down"
                    disabled={i === bindings.length - 1}
                    aria-disabled={action.busy || undefined}
                    aria-label={`Move ${b.stage.name} down`}
                    onClick={() => move(i, "down")}
                  >
                    <span aria-hidden="true">↓ Down</span>
                  </button>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    disabled={action.busy}
                    aria-label={`Remove ${b.stage.name} from the flow`}
                    onClick={() => remove(b)}
                  >
                    Remove
                  </button>
                </div>
              </div>
              <BindingOptions binding={b} reload={reload} onFlash={onFlash} />
            </li>
          ))}
        </ol>
      )}
      <AddBinding flowId={flowId} bindings={bindings} reload={reload} onFlash={onFlash} />
    </div>
  );
}

/** A binding's options, behind a disclosure. */
function BindingOptions({ binding, reload, onFlash }: { binding: AdminBindingFragment; reload: () => Promise<void>; onFlash: (m: string) => void }) {
  const [v, setV] = useState({
    evaluateOnPlan: binding.evaluateOnPlan,
    reEvaluatePolicies: binding.reEvaluatePolicies,
    invalidResponseAction: binding.invalidResponseAction,
    policyEngineMode: binding.policyEngineMode,
  });
  const [ids] = useState(() => uniqueId("binding"));
  const action = useAction();
  return (
    <details class="admin-binding__options">
      <summary>
        Options<span class="visually-hidden"> of {binding.stage.name}</span>
      </summary>
      <form
        class="form"
        data-testid="binding-options"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await request(AdminUpdateBinding, { id: binding.id, input: v });
            await reload();
            onFlash(`Saved the options of ${binding.stage.name}.`);
          });
        }}
      >
        <ErrorAlert error={action.error} title="The options were not saved." />
        <Checkbox
          id={`${ids}-plan`}
          label="Evaluate policies when the plan is built"
          help="A stage whose policies fail is left out of the plan."
          checked={v.evaluateOnPlan}
          onChecked={(evaluateOnPlan) => setV({ ...v, evaluateOnPlan })}
        />
        <Checkbox
          id={`${ids}-re`}
          label="Evaluate policies again before the stage is shown"
          help="A stage whose policies fail then is skipped."
          checked={v.reEvaluatePolicies}
          onChecked={(reEvaluatePolicies) => setV({ ...v, reEvaluatePolicies })}
        />
        <div class="admin-grid">
          <SelectInput
            id={`${ids}-invalid`}
            label="When a response is rejected"
            value={v.invalidResponseAction}
            options={enumOptions(invalidResponseActions)}
            onValue={(x) => setV({ ...v, invalidResponseAction: x as InvalidResponseAction })}
          />
          <SelectInput
            id={`${ids}-engine`}
            label="Policy engine mode"
            value={v.policyEngineMode}
            options={enumOptions(engineModes)}
            onValue={(x) => setV({ ...v, policyEngineMode: x as PolicyEngineMode })}
          />
        </div>
        <div>
          <button type="submit" class="button button--small button--primary" disabled={action.busy}>
            Save options<span class="visually-hidden"> of {binding.stage.name}</span>
          </button>
        </div>
      </form>
    </details>
  );
}

/** Binds an existing stage at the end of the flow. */
function AddBinding({
  flowId,
  bindings,
  reload,
  onFlash,
}: {
  flowId: string;
  bindings: AdminBindingFragment[];
  reload: () => Promise<void>;
  onFlash: (m: string) => void;
}) {
  const stages = useLoad(() => loadOptions("stage"), []);
  const [stageId, setStageId] = useState("");
  const [ids] = useState(() => uniqueId("add-binding"));
  const action = useAction();
  const options = stages.data ?? [];
  return (
    <form
      class="admin-add-binding"
      data-testid="add-binding"
      onSubmit={(e) => {
        e.preventDefault();
        const stage = options.find((s) => s.id === stageId);
        if (!stage) return;
        void action.run(async () => {
          const order = Math.max(0, ...bindings.map((b) => b.order)) + step;
          await request(AdminCreateBinding, { input: { flowID: flowId, stageID: stage.id, order } });
          setStageId("");
          await reload();
          onFlash(`Added ${stage.label} at the end of the flow.`);
        });
      }}
    >
      <h3>Add a stage</h3>
      <ErrorAlert error={stages.error} title="The stages could not be loaded." />
      <ErrorAlert error={action.error} title="The stage was not added." />
      <div class="admin-inline-form">
        <SelectInput
          id={`${ids}-stage`}
          label="Stage"
          value={stageId}
          required
          options={[
            { value: "", label: stages.data ? "Choose a stage…" : "Loading…" },
            ...options.map((s) => ({ value: s.id, label: `${s.label} (${kindOf(stageKindList, s.kind ?? "")?.label ?? s.kind})` })),
          ]}
          onValue={setStageId}
          help="It runs last; move it afterwards."
        />
        <button type="submit" class="button button--primary" disabled={action.busy || !stageId}>
          Add stage
        </button>
      </div>
      <p class="admin-muted">
        Need another stage? <a href={href("/stages/new")}>Create a stage</a> first.
      </p>
    </form>
  );
}
