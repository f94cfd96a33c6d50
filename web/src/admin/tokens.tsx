// API tokens: every user's tokens (an admin sees them all), a new token's
// secret shown once (only its hash is stored) and kept in memory only,
// a token's expiry changed (a future time, or none) and revoke
// (the token is deleted: the next request that presents it is refused,
// on every server, since each request checks the token in the database).
import { useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminTokensQuery, TokenIntent } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { nodes } from "./options";
import { SecretBox } from "./secret";
import { confirmDelete, enumOptions, errorField, ErrorAlert, FormActions, Loading, PageHeader, SelectInput, Table, TextArea, useAction, useLoad, when } from "./ui";
import { UserPicker, type PickedUser } from "./users";

const AdminTokens = graphql(`
  query AdminTokens {
    tokens(first: 500, orderBy: { field: IDENTIFIER, direction: ASC }) {
      edges {
        node {
          id
          identifier
          intent
          description
          expiring
          expires
          lastUsedAt
          createdAt
          user {
            id
            username
          }
        }
      }
    }
  }
`);

const AdminCreateToken = graphql(`
  mutation AdminCreateToken($input: CreateTokenInput!) {
    createToken(input: $input) {
      key
      token {
        id
        identifier
      }
    }
  }
`);

const AdminUpdateToken = graphql(`
  mutation AdminUpdateToken($id: ID!, $input: UpdateTokenInput!) {
    updateToken(id: $id, input: $input) {
      id
    }
  }
`);

const AdminDeleteToken = graphql(`
  mutation AdminDeleteToken($id: ID!) {
    deleteToken(id: $id)
  }
`);

/** What each intent lets a token do. */
export const tokenIntents: Record<TokenIntent, string> = {
  API: "API (Authorization: Bearer)",
  APP_PASSWORD: "App password",
  RECOVERY: "Account recovery",
  VERIFICATION: "Address verification",
};

type Token = NonNullable<NonNullable<NonNullable<AdminTokensQuery["tokens"]["edges"]>[number]>["node"]>;

/** Whether t has stopped working by its expiry. */
function expired(t: Token): boolean {
  return t.expiring && Boolean(t.expires) && new Date(t.expires as string).getTime() <= Date.now();
}

export function TokenList() {
  const list = useLoad(async () => nodes((await request(AdminTokens)).tokens.edges), []);
  const [secret, setSecret] = useState<{ identifier: string; key: string } | null>(null);
  const act = useAction();
  const [editing, setEditing] = useState<string>();
  const revoke = (t: Token) => {
    if (!confirmDelete(`the token ${t.identifier}; it stops working at once`)) return;
    void act.run(async () => {
      await request(AdminDeleteToken, { id: t.id });
      await list.reload();
    });
  };
  return (
    <>
      <PageHeader title="API tokens" />
      <p class="admin-intro">
        A token stands for its user for one purpose. Its secret is shown once, when it is created; only a hash is stored. Revoking a token
        deletes it: the next request that presents it is refused.
      </p>
      {secret && (
        <SecretBox
          secret={secret.key}
          title={`Secret of the token ${secret.identifier}`}
          warning="Only a hash is stored. If it is lost, revoke the token and create another."
          onDone={() => setSecret(null)}
        />
      )}
      <section class="card" aria-labelledby="token-new-title">
        <h2 id="token-new-title" class="card__title">
          New token
        </h2>
        <TokenForm
          onCreated={async (identifier, key) => {
            setSecret({ identifier, key });
            await list.reload();
          }}
        />
      </section>
      <ErrorAlert error={list.error} title="The tokens could not be loaded." />
      <ErrorAlert error={act.error} title="The token was not changed." />
      {!list.data && !list.error && <Loading what="tokens" />}
      {list.data && list.data.length === 0 && <p>No tokens yet.</p>}
      {list.data && list.data.length > 0 && (
        <Table caption="API tokens" testid="tokens" head={["Identifier", "User", "Intent", "Expires", "Last used", ""]}>
          {list.data.map((t) => (
            <tr key={t.id} data-testid="token-row" data-identifier={t.identifier}>
              <th scope="row">
                {t.identifier}
                {t.description && <div class="admin-muted">{t.description}</div>}
              </th>
              <td>{t.user.username}</td>
              <td>{tokenIntents[t.intent] ?? t.intent}</td>
              <td data-testid="token-expiry">
                {!t.expiring || !t.expires ? <span class="admin-muted">Never</span> : expired(t) ? `Expired ${when(t.expires)}` : when(t.expires)}
              </td>
              <td>{t.lastUsedAt ? when(t.lastUsedAt) : "Never"}</td>
              <td>
                <div class="admin-form-actions">
                  <button
                    type="button"
                    class="button button--small"
                    aria-expanded={editing === t.id}
                    onClick={() => setEditing(editing === t.id ? undefined : t.id)}
                  >
                    Change expiry<span class="visually-hidden"> of {t.identifier}</span>
                  </button>
                  <button type="button" class="button button--small button--danger" disabled={act.busy} onClick={() => revoke(t)}>
                    Revoke<span class="visually-hidden"> {t.identifier}</span>
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {editing && list.data?.some((t) => t.id === editing) && (
        <ExpiryForm
          key={editing}
          token={list.data.find((t) => t.id === editing) as Token}
          onSaved={async () => {
            setEditing(undefined);
            await list.reload();
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
    </>
  );
}

/** The datetime-local value of d, in the browser's time zone. */
function localValue(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** A week from now, as a datetime-local value. */
function inAWeek(): string {
  const d = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  d.setSeconds(0, 0);
  return localValue(d);
}

/** Changes a token's expiry: a new (future) time, or none. */
function ExpiryForm({ token, onSaved, onCancel }: { token: Token; onSaved: () => Promise<void>; onCancel: () => void }) {
  const [ids] = useState(() => uniqueId("token-expiry"));
  const [expiring, setExpiring] = useState(token.expiring);
  const [expires, setExpires] = useState(token.expires && !expired(token) ? localValue(new Date(token.expires)) : inAWeek());
  const action = useAction();
  const expiresError = errorField(action.error) === "expires" ? messageOf(action.error).replace("expires: ", "") : undefined;
  return (
    <section class="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`} class="card__title">
        Expiry of {token.identifier}
      </h2>
      <form
        class="form admin-form"
        data-testid="token-expiry-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await request(AdminUpdateToken, {
              id: token.id,
              input: expiring ? { expiring: true, expires: new Date(expires).toISOString() } : { expiring: false, clearExpires: true },
            });
            await onSaved();
          });
        }}
      >
        <ErrorAlert error={action.error} title="The expiry was not changed." />
        <Checkbox id={`${ids}-expiring`} label="The token expires" checked={expiring} onChecked={setExpiring} help="Unticked, the token works until it is revoked." />
        {expiring && (
          <TextInput
            id={`${ids}-expires`}
            name="expires"
            label="Expires"
            type="datetime-local"
            value={expires}
            onValue={setExpires}
            required
            error={expiresError}
          />
        )}
        <div class="admin-form-actions">
          <button type="submit" class="button button--primary" disabled={action.busy}>
            Save expiry
          </button>
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function TokenForm({ onCreated }: { onCreated: (identifier: string, key: string) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("token"));
  const [v, setV] = useState({ identifier: "", intent: "API" as TokenIntent, description: "", expiring: true, expires: inAWeek() });
  const [user, setUser] = useState<PickedUser[]>([]);
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${field}: `, "") : undefined);
  return (
    <form
      class="form admin-form"
      data-testid="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const d = await request(AdminCreateToken, {
            input: {
              identifier: v.identifier.trim(),
              intent: v.intent,
              description: v.description,
              userID: user[0]?.id ?? null,
              expiring: v.expiring,
              expires: v.expiring && v.expires ? new Date(v.expires).toISOString() : null,
            },
          });
          setV({ ...v, identifier: "", description: "" });
          await onCreated(d.createToken.token.identifier, d.createToken.key);
        });
      }}
    >
      <ErrorAlert error={action.error} title="The token was not created." />
      <div class="admin-grid">
        <TextInput
          id={`${ids}-identifier`}
          name="identifier"
          label="Identifier"
          value={v.identifier}
          onValue={(identifier) => setV({ ...v, identifier })}
          required
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          help="Lower-case letters, digits, - and _; unique."
          error={err("identifier")}
        />
        <SelectInput
          id={`${ids}-intent`}
          label="Intent"
          value={v.intent}
          options={enumOptions(tokenIntents)}
          onValue={(intent) => setV({ ...v, intent: intent as TokenIntent })}
          error={err("intent")}
        />
        {v.expiring && (
          <TextInput
            id={`${ids}-expires`}
            name="expires"
            label="Expires"
            type="datetime-local"
            value={v.expires}
            onValue={(expires) => setV({ ...v, expires })}
            required
            error={err("expires")}
          />
        )}
      </div>
      <Checkbox
        id={`${ids}-expiring`}
        label="The token expires"
        checked={v.expiring}
        onChecked={(expiring) => setV({ ...v, expiring })}
        help="Unticked, the token works until it is revoked."
      />
      <TextArea
        id={`${ids}-description`}
        label="Description"
        value={v.description}
        onValue={(description) => setV({ ...v, description })}
        error={err("description")}
      />
      <UserPicker label="User" single picked={user} onPicked={setUser} emptyHelp="None chosen: the token is yours." />
      {err("userId") && <p class="field__error">{err("userId")}</p>}
      <FormActions busy={action.busy} submit="Create token" />
    </form>
  );
}
