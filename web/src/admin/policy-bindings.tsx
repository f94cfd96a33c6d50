// Policy bindings of an application (who may use it) or of a notification
// rule (which events it matches). A binding names a policy, a group (its
// members pass) or a user; the target's policy engine mode combines them.
// With none everyone passes an application, and a rule matches nothing. Bindings are
// listed in order, can be disabled, and are added at the end.
// (bindings.tsx is a flow's stage bindings, a different list.)
import { useState } from "preact/hooks";
import { uniqueId } from "../flow/fields";
import type { AdminPolicyBindingFragment } from "../gql/graphql";
import { request } from "../lib/graphql";
import { kindOf, policyKindList } from "./config-kinds";
import { loadOptions } from "./options";
import { href } from "./router";
import { AdminCreatePolicyBinding, AdminDeletePolicyBinding, AdminUpdatePolicyBinding } from "./sso-operations";
import { Checkbox, confirmDelete, ErrorAlert, SelectInput, Table, useAction, useLoad } from "./ui";
import { UserPicker, type PickedUser } from "./users";

/** What a binding is attached to. */
export type BindingTarget = { applicationID: string } | { notificationRuleID: string };

/** A binding's subject, as text and a link. */
function subjectOf(b: AdminPolicyBindingFragment): { label: string; to?: string } {
  if (b.policy) return { label: `Policy ${b.policy.name} (${kindOf(policyKindList, b.policy.kind)?.label ?? b.policy.kind})`, to: `/policies/${b.policy.id}` };
  if (b.group) return { label: `Group ${b.group.name}`, to: `/groups/${b.group.id}` };
  if (b.user) return { label: `User ${b.user.username}`, to: `/users/${b.user.id}` };
  return { label: "Nothing (its subject was deleted)" };
}

export function PolicyBindingList({
  target,
  bindings,
  reload,
  onFlash,
  empty = "Nothing is bound: everyone who can log in may use it.",
}: {
  target: BindingTarget;
  bindings: AdminPolicyBindingFragment[];
  reload: () => Promise<void>;
  onFlash: (m: string) => void;
  /** What the target does with no binding. */
  empty?: string;
}) {
  const action = useAction();
  const toggle = (b: AdminPolicyBindingFragment) =>
    action.run(async () => {
      await request(AdminUpdatePolicyBinding, { id: b.id, input: { enabled: !b.enabled } });
      await reload();
      onFlash(`${subjectOf(b).label} was ${b.enabled ? "disabled" : "enabled"}.`);
    });
  const remove = (b: AdminPolicyBindingFragment) => {
    const what = subjectOf(b).label;
    if (!confirmDelete(`the binding of ${what} (the ${b.policy ? "policy" : b.group ? "group" : "user"} itself is kept)`)) return;
    void action.run(async () => {
      await request(AdminDeletePolicyBinding, { id: b.id });
      await reload();
      onFlash(`${what} was unbound.`);
    });
  };

  return (
    <div class="admin-policy-bindings">
      <ErrorAlert error={action.error} title="The bindings were not changed." />
      {bindings.length === 0 ? (
        <p data-testid="policy-binding-list-empty">{empty}</p>
      ) : (
        <Table caption="Policy bindings" testid="policy-binding-list" head={["Bound", "Order", "State", "Actions"]}>
          {bindings.map((b) => {
            const s = subjectOf(b);
            return (
              <tr key={b.id} data-testid="policy-binding" data-subject={s.label}>
                <th scope="row">{s.to ? <a href={href(s.to)}>{s.label}</a> : s.label}</th>
                <td>{b.order}</td>
                <td>
                  {b.enabled ? "Enabled" : "Disabled"}
                  {b.negate && <span class="badge">negated</span>}
                </td>
                <td>
                  <div class="admin-row__buttons">
                    <button type="button" class="button button--small" disabled={action.busy} onClick={() => void toggle(b)}>
                      {b.enabled ? "Disable" : "Enable"}
                      <span class="visually-hidden"> {s.label}</span>
                    </button>
                    <button type="button" class="button button--small button--danger" disabled={action.busy} onClick={() => remove(b)}>
                      Remove<span class="visually-hidden"> {s.label}</span>
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      <AddPolicyBinding target={target} bindings={bindings} reload={reload} onFlash={onFlash} />
    </div>
  );
}

type SubjectKind = "policy" | "group" | "user";

const subjectKinds: { value: SubjectKind; label: string }[] = [
  { value: "group", label: "A group (its members)" },
  { value: "user", label: "A user" },
  { value: "policy", label: "A policy" },
];

/** Binds a policy, a group or a user at the end of the list. */
function AddPolicyBinding({
  target,
  bindings,
  reload,
  onFlash,
}: {
  target: BindingTarget;
  bindings: AdminPolicyBindingFragment[];
  reload: () => Promise<void>;
  onFlash: (m: string) => void;
}) {
  const [kind, setKind] = useState<SubjectKind>("group");
  const [subjectId, setSubjectId] = useState("");
  const [user, setUser] = useState<PickedUser | undefined>();
  const [negate, setNegate] = useState(false);
  const [ids] = useState(() => uniqueId("add-policy-binding"));
  const options = useLoad(() => (kind === "user" ? Promise.resolve([]) : loadOptions(kind)), [kind]);
  const action = useAction();
  const chosen = kind === "user" ? user?.id : subjectId;
  const label = kind === "user" ? user && `User ${user.username}` : `${kind === "group" ? "Group" : "Policy"} ${options.data?.find((o) => o.id === subjectId)?.label ?? ""}`;

  return (
    <form
      class="form admin-add-binding"
      data-testid="add-policy-binding"
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        void action.run(async () => {
          const order = Math.max(0, ...bindings.map((b) => b.order)) + 10;
          const subject = kind === "policy" ? { policyID: chosen } : kind === "group" ? { groupID: chosen } : { userID: chosen };
          await request(AdminCreatePolicyBinding, { input: { ...target, ...subject, order, negate } });
          setSubjectId("");
          setUser(undefined);
          setNegate(false);
          await reload();
          onFlash(`${label} was bound.`);
        });
      }}
    >
      <h3>Add a binding</h3>
      <ErrorAlert error={options.error} title="The choices could not be loaded." />
      <ErrorAlert error={action.error} title="Nothing was bound." />
      <div class="admin-grid">
        <SelectInput
          id={`${ids}-kind`}
          label="Bind what"
          value={kind}
          options={subjectKinds}
          onValue={(k) => {
            setKind(k as SubjectKind);
            setSubjectId("");
          }}
        />
        {kind !== "user" && (
          <SelectInput
            id={`${ids}-subject`}
            label={kind === "group" ? "Group to bind" : "Policy to bind"}
            value={subjectId}
            required
            options={[
              { value: "", label: options.data ? `Choose a ${kind}…` : "Loading…" },
              ...(options.data ?? []).map((o) => ({
                value: o.id,
                label: o.kind ? `${o.label} (${kindOf(policyKindList, o.kind)?.label ?? o.kind})` : o.label,
              })),
            ]}
            onValue={setSubjectId}
          />
        )}
      </div>
      {kind === "user" && <UserPicker label="User" picked={user ? [user] : []} onPicked={(u) => setUser(u.at(-1))} single emptyHelp="Search, then choose the user to bind." />}
      <Checkbox
        id={`${ids}-negate`}
        label="Negate"
        help="Pass when the policy fails (or for everyone but the group's members or the user)."
        checked={negate}
        onChecked={setNegate}
      />
      <div>
        <button type="submit" class="button button--primary" disabled={action.busy || !chosen}>
          Bind
        </button>
      </div>
    </form>
  );
}
