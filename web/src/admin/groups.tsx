// Groups: the list, the form that creates one, and a group's page (name,
// parent groups, superuser flag, members; delete).
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { AdminCreateGroup, AdminDeleteGroup, AdminGroup, AdminGroups, AdminUpdateGroup } from "./operations";
import { loadOptions, nodes } from "./options";
import { href, navigate } from "./router";
import {
  Checkbox,
  CheckboxGroup,
  confirmDelete,
  ErrorAlert,
  errorField,
  FormActions,
  Loading,
  notFoundAsNull,
  PageHeader,
  Table,
  useAction,
  useLoad,
} from "./ui";
import { UserPicker, type PickedUser } from "./users";

export function GroupList() {
  const groups = useLoad(() => request(AdminGroups), []);
  return (
    <>
      <PageHeader title="Groups">
        <a class="button button--primary" href={href("/groups/new")}>
          New group
        </a>
      </PageHeader>
      <p class="admin-intro">Members of a superuser group, or of its child groups, are administrators.</p>
      <ErrorAlert error={groups.error} title="The groups could not be loaded." />
      {!groups.data && !groups.error && <Loading what="groups" />}
      {groups.data && (
        <Table caption="Groups" testid="group-list" head={["Name", "Parents", "Members", "Superuser"]}>
          {nodes(groups.data.groups.edges).map((g) => (
            <tr key={g.id} data-testid="group-row" data-group-name={g.name}>
              <th scope="row">
                <a href={href(`/groups/${g.id}`)}>{g.name}</a>
              </th>
              <td>{(g.parents ?? []).map((p) => p.name).join(", ") || "—"}</td>
              <td>{g.users.totalCount}</td>
              <td>{g.isSuperuser ? "Yes" : "No"}</td>
            </tr>
          ))}
        </Table>
      )}
      {groups.data?.groups.totalCount === 0 && <p>There are no groups yet.</p>}
    </>
  );
}

interface GroupValues {
  name: string;
  isSuperuser: boolean;
  parentIDs: string[];
  members: PickedUser[];
}

function GroupForm({
  groupId,
  initial,
  submit,
  onSubmit,
}: {
  groupId?: string;
  initial: GroupValues;
  submit: string;
  onSubmit: (v: GroupValues) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [ids] = useState(() => uniqueId("group"));
  const groups = useLoad(() => loadOptions("group"), []);
  const action = useAction();
  const field = errorField(action.error);
  const nameError = field === "name" ? messageOf(action.error).replace("name: ", "") : undefined;
  const parentError = field === "parentIds" ? messageOf(action.error).replace("parentIds: ", "") : undefined;
  return (
    <form
      class="form admin-form"
      data-testid="group-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit({ ...v, name: v.name.trim() }));
      }}
    >
      <ErrorAlert error={action.error} title="The group was not saved." />
      <TextInput id={`${ids}-name`} name="name" label="Name" value={v.name} onValue={(name) => setV({ ...v, name })} required error={nameError} />
      <Checkbox
        id={`${ids}-superuser`}
        label="Superuser group"
        help="Members (and members of child groups) may do everything."
        checked={v.isSuperuser}
        onChecked={(isSuperuser) => setV({ ...v, isSuperuser })}
      />
      <ErrorAlert error={groups.error} title="The groups could not be loaded." />
      <CheckboxGroup
        id={`${ids}-parents`}
        legend="Parent groups"
        help="This group's members also count as members of its parents."
        options={(groups.data ?? []).filter((g) => g.id !== groupId).map((g) => ({ value: g.id, label: g.label }))}
        selected={v.parentIDs}
        onSelected={(parentIDs) => setV({ ...v, parentIDs })}
        error={parentError}
        empty={groups.data ? "There is no other group." : "Loading…"}
      />
      <fieldset class="admin-fieldset">
        <legend>Members</legend>
        {v.members.length === 0 && <p class="field__help">No members yet.</p>}
        <UserPicker label="Members" picked={v.members} onPicked={(members) => setV({ ...v, members })} />
      </fieldset>
      <FormActions busy={action.busy} submit={submit} cancel={groupId ? undefined : { to: "/groups" }} />
    </form>
  );
}

export function GroupNew() {
  return (
    <>
      <PageHeader title="New group" back={{ to: "/groups", label: "Groups" }} />
      <section class="card">
        <GroupForm
          initial={{ name: "", isSuperuser: false, parentIDs: [], members: [] }}
          submit="Create group"
          onSubmit={async (v) => {
            const d = await request(AdminCreateGroup, {
              input: { name: v.name, isSuperuser: v.isSuperuser, parentIDs: v.parentIDs, userIDs: v.members.map((m) => m.id) },
            });
            navigate(`/groups/${d.createGroup.id}`, `The group ${v.name} was created.`);
          }}
        />
      </section>
    </>
  );
}

/** The IDs in next but not in prev, and those in prev but not in next. */
function diff(prev: string[], next: string[]): [string[], string[]] {
  return [next.filter((x) => !prev.includes(x)), prev.filter((x) => !next.includes(x))];
}

export function GroupDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const group = useLoad(async () => {
    const d = await request(AdminGroup, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Group" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (group.error) return <ErrorAlert error={group.error} title="The group could not be loaded." />;
  if (group.data === undefined) return <Loading what="the group" />;
  if (group.data === null) return <NotFound what="group" back="/groups" />;
  const g = group.data;
  const parentIDs = (g.parents ?? []).map((p) => p.id);
  const members = nodes(g.users.edges).map((u) => ({ id: u.id, username: u.username }));

  return (
    <>
      <PageHeader title={`Group ${g.name}`} back={{ to: "/groups", label: "Groups" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the group ${g.name} (its members are kept)`)) return;
            void del.run(async () => {
              await request(AdminDeleteGroup, { id: g.id });
              navigate("/groups", `The group ${g.name} was deleted.`);
            });
          }}
        >
          Delete group
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The group was not deleted." />
      {(g.children ?? []).length > 0 && (
        <p>
          Child groups:{" "}
          {(g.children ?? []).map((c, i) => (
            <span key={c.id}>
              {i > 0 && ", "}
              <a href={href(`/groups/${c.id}`)}>{c.name}</a>
            </span>
          ))}
        </p>
      )}
      <section class="card" aria-labelledby="group-settings-title">
        <h2 id="group-settings-title" class="card__title">
          Settings and members
        </h2>
        <GroupForm
          key={g.id}
          groupId={g.id}
          initial={{ name: g.name, isSuperuser: g.isSuperuser, parentIDs, members }}
          submit="Save group"
          onSubmit={async (v) => {
            const [addParentIDs, removeParentIDs] = diff(parentIDs, v.parentIDs);
            const [addUserIDs, removeUserIDs] = diff(
              members.map((m) => m.id),
              v.members.map((m) => m.id),
            );
            await request(AdminUpdateGroup, {
              id: g.id,
              input: { name: v.name, isSuperuser: v.isSuperuser, addParentIDs, removeParentIDs, addUserIDs, removeUserIDs },
            });
            await group.reload();
            onFlash(`The group ${v.name} was saved.`);
          }}
        />
      </section>
    </>
  );
}
