// Users: the searchable list, the form that creates one (with an optional
// password), a user's page (edit, groups, set or remove the password,
// second factors, sessions, consents, events, delete), and UserPicker, the search-and-pick control other pages use.
import { useEffect, useState } from "preact/hooks";
import { PasswordInput, TextInput, uniqueId } from "../flow/fields";
import type { AdminUsersQuery, UserType, UserWhereInput } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { userTypes } from "./labels";
import { AdminCreateUser, AdminDeleteUser, AdminSetUserPassword, AdminUpdateUser, AdminUser, AdminUsers } from "./operations";
import { loadOptions, nodes } from "./options";
import { href, navigate } from "./router";
import { UserConsents, UserEvents, UserSessions } from "./user-detail";
import { UserDevices } from "./user-devices";
import { SendRecoveryLink } from "./user-recovery";
import {
  Checkbox,
  CheckboxGroup,
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
  when,
} from "./ui";

type ListedUser = NonNullable<NonNullable<NonNullable<AdminUsersQuery["users"]["edges"]>[number]>["node"]>;

/** Users whose username, name or email contains q (any case). */
function search(q: string): UserWhereInput | null {
  const s = q.trim();
  return s ? { or: [{ usernameContainsFold: s }, { nameContainsFold: s }, { emailContainsFold: s }] } : null;
}

/** q, once it has stopped changing for a moment. */
function useDebounced(q: string, ms = 250): string {
  const [v, setV] = useState(q);
  useEffect(() => {
    const t = setTimeout(() => setV(q), ms);
    return () => clearTimeout(t);
  }, [q, ms]);
  return v;
}

const pageSize = 50;

export function UserList() {
  const [q, setQ] = useState("");
  const query = useDebounced(q);
  const [more, setMore] = useState<{ users: ListedUser[]; cursor: string | null | undefined; hasNext: boolean } | undefined>();
  const page = useAction();
  const users = useLoad(async () => {
    setMore(undefined);
    return (await request(AdminUsers, { where: search(query), first: pageSize })).users;
  }, [query]);

  const first = users.data;
  const shown = [...nodes(first?.edges), ...(more?.users ?? [])];
  const hasNext = more ? more.hasNext : first?.pageInfo.hasNextPage;
  const cursor = more ? more.cursor : first?.pageInfo.endCursor;

  return (
    <>
      <PageHeader title="Users">
        <a class="button button--primary" href={href("/users/new")}>
          New user
        </a>
      </PageHeader>
      <form class="admin-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextInput
          id="user-search"
          name="q"
          type="search"
          label="Search users"
          placeholder="Username, name or email"
          value={q}
          onValue={setQ}
          autoCapitalize="none"
          spellcheck={false}
        />
      </form>
      <ErrorAlert error={users.error} title="The users could not be loaded." />
      {!first && !users.error && <Loading what="users" />}
      {first && (
        <>
          <p class="admin-muted" role="status" data-testid="user-count">
            {first.totalCount === 1 ? "1 user" : `${first.totalCount} users`}
            {query.trim() ? ` match “${query.trim()}”` : ""}
          </p>
          {shown.length > 0 && (
            <Table caption="Users" testid="user-list" head={["Username", "Name", "Email", "Status", "Last login"]}>
              {shown.map((u) => (
                <tr key={u.id} data-testid="user-row" data-username={u.username}>
                  <th scope="row">
                    <a href={href(`/users/${u.id}`)}>{u.username}</a>
                    {u.isSuperuser && <span class="badge">admin</span>}
                  </th>
                  <td>{u.name || "—"}</td>
                  <td>{u.email || "—"}</td>
                  <td>
                    {u.isActive ? "Active" : "Inactive"}
                    {u.type !== "INTERNAL" && `, ${userTypes[u.type]}`}
                  </td>
                  <td>{when(u.lastLogin)}</td>
                </tr>
              ))}
            </Table>
          )}
          <ErrorAlert error={page.error} title="More users could not be loaded." />
          {hasNext && (
            <button
              type="button"
              class="button"
              disabled={page.busy}
              onClick={() =>
                page.run(async () => {
                  const d = (await request(AdminUsers, { where: search(query), first: pageSize, after: cursor ?? null })).users;
                  setMore({ users: [...(more?.users ?? []), ...nodes(d.edges)], cursor: d.pageInfo.endCursor, hasNext: d.pageInfo.hasNextPage });
                })
              }
            >
              Show more users
            </button>
          )}
        </>
      )}
    </>
  );
}

interface UserValues {
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  type: UserType;
  groupIDs: string[];
}

/** The profile form of a user, new or existing; password only when new. */
function UserForm({
  initial,
  submit,
  withPassword,
  onSubmit,
}: {
  initial: UserValues;
  submit: string;
  withPassword?: boolean;
  onSubmit: (v: UserValues, password: string) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [password, setPassword] = useState("");
  const [ids] = useState(() => uniqueId("user"));
  const groups = useLoad(() => loadOptions("group"), []);
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${name}: `, "") : undefined);
  return (
    <form
      class="form admin-form"
      data-testid="user-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit({ ...v, username: v.username.trim(), email: v.email.trim() }, password));
      }}
    >
      <ErrorAlert error={action.error} title="The user was not saved." />
      <div class="admin-grid">
        <TextInput
          id={`${ids}-username`}
          name="username"
          label="Username"
          value={v.username}
          onValue={(username) => setV({ ...v, username })}
          required
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          error={err("username")}
        />
        <TextInput id={`${ids}-name`} name="name" label="Name" value={v.name} onValue={(name) => setV({ ...v, name })} error={err("name")} />
        <TextInput
          id={`${ids}-email`}
          name="email"
          type="email"
          label="Email"
          value={v.email}
          onValue={(email) => setV({ ...v, email })}
          autoComplete="off"
          error={err("email")}
        />
        <SelectInput
          id={`${ids}-type`}
          label="Type"
          value={v.type}
          options={enumOptions(userTypes)}
          onValue={(t) => setV({ ...v, type: t as UserType })}
          error={err("type")}
        />
      </div>
      <Checkbox
        id={`${ids}-active`}
        label="Active"
        help="Inactive users cannot log in; their sessions and tokens stop working."
        checked={v.isActive}
        onChecked={(isActive) => setV({ ...v, isActive })}
      />
      <ErrorAlert error={groups.error} title="The groups could not be loaded." />
      <CheckboxGroup
        id={`${ids}-groups`}
        legend="Groups"
        options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.label }))}
        selected={v.groupIDs}
        onSelected={(groupIDs) => setV({ ...v, groupIDs })}
        empty={groups.data ? "There are no groups yet." : "Loading…"}
      />
      {withPassword && (
        <PasswordInput
          id={`${ids}-password`}
          name="password"
          label="Password (optional)"
          autoComplete="new-password"
          allowShow
          value={password}
          onValue={setPassword}
          help="Without a password the user cannot log in with one."
          error={err("password")}
        />
      )}
      <FormActions busy={action.busy} submit={submit} cancel={withPassword ? { to: "/users" } : undefined} />
    </form>
  );
}

export function UserNew() {
  return (
    <>
      <PageHeader title="New user" back={{ to: "/users", label: "Users" }} />
      <section class="card">
        <UserForm
          initial={{ username: "", name: "", email: "", isActive: true, type: "INTERNAL", groupIDs: [] }}
          submit="Create user"
          withPassword
          onSubmit={async ({ groupIDs, ...v }, password) => {
            const d = await request(AdminCreateUser, { input: { ...v, groupIDs }, password: password || null });
            navigate(`/users/${d.createUser.id}`, `The user ${v.username} was created.`);
          }}
        />
      </section>
    </>
  );
}

export function UserDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const user = useLoad(async () => {
    const d = await request(AdminUser, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "User" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (user.error) return <ErrorAlert error={user.error} title="The user could not be loaded." />;
  if (user.data === undefined) return <Loading what="the user" />;
  if (user.data === null) return <NotFound what="user" back="/users" />;
  const u = user.data;
  const groupIDs = (u.groups ?? []).map((g) => g.id);

  return (
    <>
      <PageHeader title={`User ${u.username}`} back={{ to: "/users", label: "Users" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the user ${u.username} and their tokens`)) return;
            void del.run(async () => {
              await request(AdminDeleteUser, { id: u.id });
              navigate("/users", `The user ${u.username} was deleted.`);
            });
          }}
        >
          Delete user
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The user was not deleted." />
      <dl class="admin-facts">
        <div>
          <dt>Administrator</dt>
          <dd>{u.isSuperuser ? "Yes (through a superuser group)" : "No"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{when(u.createdAt)}</dd>
        </div>
        <div>
          <dt>Last login</dt>
          <dd>{when(u.lastLogin)}</dd>
        </div>
        <div>
          <dt>Password changed</dt>
          <dd>{u.passwordChangedAt ? when(u.passwordChangedAt) : "Never set"}</dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="user-profile-title">
        <h2 id="user-profile-title" class="card__title">
          Profile
        </h2>
        <UserForm
          key={u.id}
          initial={{ username: u.username, name: u.name, email: u.email, isActive: u.isActive, type: u.type, groupIDs }}
          submit="Save user"
          onSubmit={async (v) => {
            const addGroupIDs = v.groupIDs.filter((g) => !groupIDs.includes(g));
            const removeGroupIDs = groupIDs.filter((g) => !v.groupIDs.includes(g));
            await request(AdminUpdateUser, {
              id: u.id,
              input: { username: v.username, name: v.name, email: v.email, isActive: v.isActive, type: v.type, addGroupIDs, removeGroupIDs },
            });
            await user.reload();
            onFlash(`The user ${v.username} was saved.`);
          }}
        />
      </section>
      <section class="card" aria-labelledby="user-password-title">
        <h2 id="user-password-title" class="card__title">
          Password
        </h2>
        <SetPassword userId={u.id} username={u.username} hasPassword={Boolean(u.passwordChangedAt)} onDone={(m) => void user.reload().then(() => onFlash(m))} />
        <SendRecoveryLink userId={u.id} username={u.username} />
      </section>
      <section class="card" aria-labelledby="user-devices-title">
        <h2 id="user-devices-title" class="card__title">
          Second factors
        </h2>
        <UserDevices userId={u.id} username={u.username} onFlash={onFlash} />
      </section>
      <section class="card" aria-labelledby="user-sessions-title">
        <h2 id="user-sessions-title" class="card__title">
          Sessions
        </h2>
        <UserSessions userId={u.id} username={u.username} onFlash={onFlash} />
      </section>
      <section class="card" aria-labelledby="user-consents-title">
        <h2 id="user-consents-title" class="card__title">
          Connected applications
        </h2>
        <UserConsents userId={u.id} username={u.username} onFlash={onFlash} />
      </section>
      <section class="card" aria-labelledby="user-events-title">
        <h2 id="user-events-title" class="card__title">
          Recent events
        </h2>
        <UserEvents userId={u.id} username={u.username} />
      </section>
    </>
  );
}

function SetPassword({ userId, username, hasPassword, onDone }: { userId: string; username: string; hasPassword: boolean; onDone: (m: string) => void }) {
  const [password, setPassword] = useState("");
  const [id] = useState(() => uniqueId("set-password"));
  const action = useAction();
  const fieldError = errorField(action.error) ? messageOf(action.error) : undefined;
  return (
    <form
      class="form"
      data-testid="set-password"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await request(AdminSetUserPassword, { id: userId, password });
          setPassword("");
          onDone(`The password of ${username} was set.`);
        });
      }}
    >
      <ErrorAlert error={action.error} title="The password was not changed." />
      <PasswordInput
        id={id}
        name="new-password"
        label="New password"
        autoComplete="new-password"
        allowShow
        required
        value={password}
        onValue={setPassword}
        error={fieldError}
      />
      <div class="admin-form-actions">
        <button type="submit" class="button button--primary" disabled={action.busy || !password}>
          Set password
        </button>
        {hasPassword && (
          <button
            type="button"
            class="button button--danger"
            disabled={action.busy}
            onClick={() => {
              if (!window.confirm(`Remove the password of ${username}? They will not be able to log in with a password.`)) return;
              void action.run(async () => {
                await request(AdminSetUserPassword, { id: userId, password: null });
                onDone(`The password of ${username} was removed.`);
              });
            }}
          >
            Remove password
          </button>
        )}
      </div>
    </form>
  );
}

/** A user chosen in a UserPicker. */
export interface PickedUser {
  id: string;
  username: string;
}

/**
 * Finds users by username, name or email and picks them: several (members
 * of a group) or, with single, one.
 */
export function UserPicker({
  label,
  picked,
  onPicked,
  single,
  emptyHelp = "None chosen: the test runs as an anonymous request.",
}: {
  label: string;
  picked: PickedUser[];
  onPicked: (users: PickedUser[]) => void;
  single?: boolean;
  /** The help shown by a single picker while nobody is chosen. */
  emptyHelp?: string;
}) {
  const [q, setQ] = useState("");
  const query = useDebounced(q);
  const [id] = useState(() => uniqueId("user-picker"));
  const results = useLoad(async () => (query.trim() ? nodes((await request(AdminUsers, { where: search(query), first: 8 })).users.edges) : []), [query]);
  const candidates = (results.data ?? []).filter((u) => !picked.some((p) => p.id === u.id));
  return (
    <div class="admin-picker" data-testid="user-picker">
      {picked.length > 0 && (
        <ul class="admin-chips" aria-label={single ? `${label}: chosen` : `${label}: chosen users`}>
          {picked.map((u) => (
            <li key={u.id} class="admin-chip">
              {u.username}
              <button
                type="button"
                class="admin-chip__remove"
                aria-label={`Remove ${u.username}`}
                onClick={() => onPicked(picked.filter((p) => p.id !== u.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <TextInput
        id={id}
        type="search"
        label={single ? `${label}: search` : `${label}: search users to add`}
        placeholder="Username, name or email"
        value={q}
        onValue={setQ}
        autoCapitalize="none"
        spellcheck={false}
        autoComplete="off"
        help={single && picked.length === 0 ? emptyHelp : undefined}
      />
      <ErrorAlert error={results.error} title="Users could not be searched." />
      {query.trim() && results.data && (
        <ul class="admin-picker__results" aria-live="polite">
          {candidates.length === 0 && <li class="admin-muted">No other user matches.</li>}
          {candidates.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                class="button button--small"
                onClick={() => {
                  onPicked(single ? [{ id: u.id, username: u.username }] : [...picked, { id: u.id, username: u.username }]);
                  setQ("");
                }}
              >
                {single ? "Choose" : "Add"} {u.username}
              </button>
              {u.name && <span class="admin-muted"> {u.name}</span>}
              {u.email && <span class="admin-muted"> · {u.email}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
