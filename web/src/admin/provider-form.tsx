// The settings form of an OAuth2 provider, new or existing: client type
// and ID (and, when new, an optional secret), redirect URIs as editable
// rows, scopes (built in and custom), flows, signing and token lifetimes.
// A refused save shows its error next to the field the API names
// (redirectUris.1.url names the second URI sent, which is the row it came
// from). A pinned signing key sets the algorithm (its own), which the form
// then shows but does not let change.
import { useState } from "preact/hooks";
import { PasswordInput, TextInput, uniqueId } from "../flow/fields";
import type { ClientType, RedirectUriInput, RedirectUriMatchingMode, SigningAlgorithm, SubjectMode } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { clientTypes, matchingModes, signingAlgorithms, subjectModes } from "./labels";
import { loadOptions, nodes } from "./options";
import { href } from "./router";
import { AdminScopeMappings, AdminSigningKeys } from "./sso-operations";
import { Checkbox, CheckboxGroup, enumOptions, ErrorAlert, errorField, FormActions, SelectInput, useAction, useLoad, when } from "./ui";

/** The built-in scopes (the server's BuiltinScopes), in order. */
const builtinScopes = [
  { value: "openid", label: "openid" },
  { value: "profile", label: "profile" },
  { value: "email", label: "email" },
  { value: "groups", label: "groups" },
  { value: "offline_access", label: "offline_access" },
];

/** One row of a redirect URI list; key identifies it while it is edited. */
interface UriRow {
  key: string;
  url: string;
  matchingMode: RedirectUriMatchingMode;
}

export interface ProviderValues {
  name: string;
  clientType: ClientType;
  clientId: string;
  redirectUris: UriRow[];
  postLogoutRedirectUris: UriRow[];
  scopes: string[];
  authorizationFlowID: string;
  invalidationFlowID: string;
  signingAlgorithm: SigningAlgorithm;
  /** The pinned signing key's ID; "" for automatic (the algorithm's current key). */
  signingKeyID: string;
  accessTokenValidity: string;
  idTokenValidity: string;
  refreshTokenValidity: string;
  subjectMode: SubjectMode;
  includeClaimsInIdToken: boolean;
  deviceAuthorization: boolean;
}

/** The values the form sends: URIs without blank rows, lifetimes as numbers. */
export interface ProviderSettings {
  name: string;
  clientType: ClientType;
  clientId: string;
  redirectUris: RedirectUriInput[];
  postLogoutRedirectUris: RedirectUriInput[];
  scopes: string[];
  authorizationFlowID: string;
  invalidationFlowID: string;
  signingAlgorithm: SigningAlgorithm;
  signingKeyID: string;
  accessTokenValidity: number;
  idTokenValidity: number;
  refreshTokenValidity: number;
  subjectMode: SubjectMode;
  includeClaimsInIdToken: boolean;
  deviceAuthorization: boolean;
}

let nextRow = 0;
function uriRow(url = "", matchingMode: RedirectUriMatchingMode = "STRICT"): UriRow {
  nextRow += 1;
  return { key: `uri-${nextRow}`, url, matchingMode };
}

/** Rows of the URIs a provider has. */
export function uriRows(uris: readonly { url: string; matchingMode: RedirectUriMatchingMode }[]): UriRow[] {
  return uris.map((u) => uriRow(u.url, u.matchingMode));
}

/** The form's values for a new provider: the schema's defaults. */
export function newProviderValues(): ProviderValues {
  return {
    name: "",
    clientType: "CONFIDENTIAL",
    clientId: "",
    redirectUris: [uriRow()],
    postLogoutRedirectUris: [],
    scopes: ["openid", "profile", "email"],
    authorizationFlowID: "",
    invalidationFlowID: "",
    signingAlgorithm: "RS256",
    signingKeyID: "",
    accessTokenValidity: "600",
    idTokenValidity: "600",
    refreshTokenValidity: "2592000",
    subjectMode: "HASHED_USER_ID",
    includeClaimsInIdToken: true,
    deviceAuthorization: false,
  };
}

const lifetimes = [
  { key: "accessTokenValidity", label: "Access token lifetime (seconds)", help: "60 to 86400." },
  { key: "idTokenValidity", label: "ID token lifetime (seconds)", help: "60 to 86400." },
  { key: "refreshTokenValidity", label: "Refresh token lifetime (seconds)", help: "60 to 31622400 (366 days)." },
] as const;

/** The rows of a URI list that are sent: those not left blank. */
function sentRows(rows: UriRow[]): UriRow[] {
  return rows.filter((r) => r.url.trim() !== "");
}

export function ProviderForm({
  initial,
  submit,
  isNew,
  onSubmit,
}: {
  initial: ProviderValues;
  submit: string;
  /** A new provider: the secret may be given, the client ID may be left empty. */
  isNew?: boolean;
  onSubmit: (s: ProviderSettings, secret: string) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [secret, setSecret] = useState("");
  const [ids] = useState(() => uniqueId("provider"));
  // The rows of the last save, by the index the API knows them by.
  const [sent, setSent] = useState<{ redirectUris: string[]; postLogoutRedirectUris: string[] }>({ redirectUris: [], postLogoutRedirectUris: [] });
  const [local, setLocal] = useState<Map<string, string>>(new Map());
  const flows = useLoad(() => loadOptions("flow"), []);
  const signingKeys = useLoad(() => request(AdminSigningKeys), []);
  const custom = useLoad(async () => nodes((await request(AdminScopeMappings)).scopeMappings.edges), []);
  // The built-in scopes, then the custom ones; a listed scope the server
  // no longer knows stays shown, so that it can be unticked.
  const scopeOptions = [
    ...builtinScopes,
    ...(custom.data ?? []).map((s) => ({ value: s.scopeName, label: `${s.scopeName} (${s.description})` })),
  ];
  for (const s of v.scopes) if (!scopeOptions.some((o) => o.value === s)) scopeOptions.push({ value: s, label: s });
  const action = useAction();

  const field = errorField(action.error);
  const serverMessage = field ? messageOf(action.error).replace(`${field}: `, "") : "";
  /** The error of the field at path, from the API or the form's own checks. */
  const err = (...paths: string[]) => {
    for (const p of paths) {
      if (local.has(p)) return local.get(p);
      if (field === p) return serverMessage;
    }
    return undefined;
  };
  const set = <K extends keyof ProviderValues>(k: K) => (value: ProviderValues[K]) => setV({ ...v, [k]: value });

  const authFlows = (flows.data ?? []).filter((f) => f.designation === "AUTHORIZATION");
  const invalidationFlows = (flows.data ?? []).filter((f) => f.designation === "INVALIDATION");

  const save = () => {
    const errors = new Map<string, string>();
    const seconds: Partial<Record<(typeof lifetimes)[number]["key"], number>> = {};
    for (const l of lifetimes) {
      const n = Number(v[l.key]);
      if (v[l.key].trim() === "" || !Number.isInteger(n)) errors.set(l.key, "Enter a whole number of seconds.");
      else seconds[l.key] = n;
    }
    if (!v.authorizationFlowID) errors.set("authorizationFlow", "Choose an authorization flow.");
    setLocal(errors);
    if (errors.size > 0) {
      action.setError(undefined);
      return;
    }
    const redirect = sentRows(v.redirectUris);
    const postLogout = sentRows(v.postLogoutRedirectUris);
    setSent({ redirectUris: redirect.map((r) => r.key), postLogoutRedirectUris: postLogout.map((r) => r.key) });
    const toInput = (rows: UriRow[]) => rows.map((r) => ({ url: r.url.trim(), matchingMode: r.matchingMode }));
    void action.run(() =>
      onSubmit(
        {
          ...v,
          name: v.name.trim(),
          clientId: v.clientId.trim(),
          redirectUris: toInput(redirect),
          postLogoutRedirectUris: toInput(postLogout),
          accessTokenValidity: seconds.accessTokenValidity ?? 0,
          idTokenValidity: seconds.idTokenValidity ?? 0,
          refreshTokenValidity: seconds.refreshTokenValidity ?? 0,
        },
        v.clientType === "CONFIDENTIAL" ? secret : "",
      ),
    );
  };

  // Keys that may be pinned: those still published (and the one pinned).
  const now = Date.now();
  const pinnable = nodes(signingKeys.data?.signingKeys.edges).filter(
    (k) => k.id === initial.signingKeyID || !k.expiresAt || new Date(k.expiresAt).getTime() > now,
  );
  const keyOptions = [
    { value: "", label: signingKeys.data || signingKeys.error ? "Automatic: the algorithm's current key" : "Loading…" },
    ...pinnable.map((k) => ({
      value: k.id,
      label: `${k.kid} · ${k.algorithm} · ${k.current ? "current" : k.retiredAt ? `retired ${when(k.retiredAt)}` : "replaced"}`,
    })),
  ];
  const pinKey = (id: string) => {
    const key = pinnable.find((k) => k.id === id);
    setV({ ...v, signingKeyID: id, signingAlgorithm: key ? key.algorithm : v.signingAlgorithm });
  };

  const flowOptions = (list: typeof authFlows, none: string) => [
    { value: "", label: flows.data ? none : "Loading…" },
    ...list.map((f) => ({ value: f.id, label: f.label })),
  ];

  return (
    <form
      class="form admin-form"
      data-testid="provider-form"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <ErrorAlert error={action.error} title="The provider was not saved." />
      {local.size > 0 && (
        <p class="alert alert--error" role="alert">
          Correct the fields marked below.
        </p>
      )}
      <div class="admin-grid">
        <TextInput id={`${ids}-name`} name="name" label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
        <SelectInput
          id={`${ids}-type`}
          label="Client type"
          value={v.clientType}
          options={enumOptions(clientTypes)}
          onValue={(t) => set("clientType")(t as ClientType)}
          error={err("clientType")}
          help={
            !isNew && initial.clientType === "CONFIDENTIAL" && v.clientType === "PUBLIC"
              ? "Saving removes the client secret."
              : "Confidential: a server-side app that keeps a secret. Public: a single-page, native or command-line app (PKCE, no secret)."
          }
        />
        <TextInput
          id={`${ids}-client-id`}
          name="client-id"
          label={isNew ? "Client ID (optional)" : "Client ID"}
          value={v.clientId}
          onValue={set("clientId")}
          required={!isNew}
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          help={isNew ? "Leave empty to generate one." : undefined}
          error={err("clientId")}
        />
        {isNew && v.clientType === "CONFIDENTIAL" && (
          <PasswordInput
            id={`${ids}-secret`}
            name="client-secret"
            label="Client secret (optional)"
            autoComplete="new-password"
            allowShow
            value={secret}
            onValue={setSecret}
            help="At least 32 printable characters. Leave empty to generate one; either way it is shown once, after saving."
            error={err("clientSecret")}
          />
        )}
      </div>
      <UriRows
        id={`${ids}-redirect`}
        testid="redirect-uris"
        legend="Redirect URIs"
        noun="Redirect URI"
        add="Add a redirect URI"
        help="Where the client may be sent with a code. Strict URIs must match exactly; regular expressions are anchored at both ends."
        rows={v.redirectUris}
        onRows={set("redirectUris")}
        error={(key, part) => err(`redirectUris.${sent.redirectUris.indexOf(key)}.${part}`)}
        listError={err("redirectUris")}
      />
      <UriRows
        id={`${ids}-post-logout`}
        testid="post-logout-uris"
        legend="Post-logout redirect URIs"
        noun="Post-logout redirect URI"
        add="Add a post-logout redirect URI"
        help="Where the client may be sent after logging out (optional)."
        rows={v.postLogoutRedirectUris}
        onRows={set("postLogoutRedirectUris")}
        error={(key, part) => err(`postLogoutRedirectUris.${sent.postLogoutRedirectUris.indexOf(key)}.${part}`)}
        listError={err("postLogoutRedirectUris")}
      />
      <CheckboxGroup
        id={`${ids}-scopes`}
        legend="Scopes"
        help="What the client may ask for: openid (sign-in), profile, email, groups (group names), offline_access (refresh tokens), and the custom scopes."
        options={scopeOptions}
        selected={v.scopes}
        onSelected={set("scopes")}
        error={err("scopes", ...v.scopes.map((_, i) => `scopes.${i}`))}
      />
      <ErrorAlert error={custom.error} title="The custom scopes could not be loaded." />
      {custom.data?.length === 0 && (
        <p class="admin-muted">
          <a href={href("/scopes/new")}>Create a custom scope</a> to give clients claims of your own.
        </p>
      )}
      <ErrorAlert error={flows.error} title="The flows could not be loaded." />
      <ErrorAlert error={signingKeys.error} title="The signing keys could not be loaded." />
      <div class="admin-grid">
        <SelectInput
          id={`${ids}-authorization-flow`}
          label="Authorization flow"
          value={v.authorizationFlowID}
          required
          options={flowOptions(authFlows, "Choose a flow…")}
          onValue={set("authorizationFlowID")}
          help={flows.data && authFlows.length === 0 ? "No flow is designated Authorization yet: create one first." : "Runs after login, before the client gets its code (consent)."}
          error={err("authorizationFlow", "authorizationFlowId")}
        />
        <SelectInput
          id={`${ids}-invalidation-flow`}
          label="Invalidation flow (optional)"
          value={v.invalidationFlowID}
          options={flowOptions(invalidationFlows, "— None —")}
          onValue={set("invalidationFlowID")}
          help="Runs when the client logs the user out."
          error={err("invalidationFlow", "invalidationFlowId")}
        />
        <SelectInput
          id={`${ids}-signing`}
          label="Signing algorithm"
          value={v.signingAlgorithm}
          options={enumOptions(signingAlgorithms)}
          onValue={(a) => set("signingAlgorithm")(a as SigningAlgorithm)}
          disabled={v.signingKeyID !== ""}
          help={v.signingKeyID ? "The pinned key's algorithm." : "RS256: every relying party supports it. ES256: smaller, faster tokens."}
          error={err("signingAlgorithm")}
        />
        <SelectInput
          id={`${ids}-signing-key`}
          label="Signing key"
          value={v.signingKeyID}
          options={keyOptions}
          onValue={pinKey}
          help="Automatic follows key rotation. Pin a key only for a relying party that cannot refetch the JWKS: it then signs this provider's tokens and is kept while pinned."
          error={err("signingKey", "signingKeyId", "clearSigningKey")}
        />
        <SelectInput
          id={`${ids}-subject`}
          label="Subject mode"
          value={v.subjectMode}
          options={enumOptions(subjectModes)}
          onValue={(m) => set("subjectMode")(m as SubjectMode)}
          help="What the sub claim holds. A hashed user ID is stable and different for every application; usernames and emails can change."
          error={err("subjectMode")}
        />
        {lifetimes.map((l) => (
          <TextInput
            key={l.key}
            id={`${ids}-${l.key}`}
            name={l.key}
            type="number"
            label={l.label}
            value={v[l.key]}
            onValue={set(l.key)}
            required
            help={l.help}
            error={err(l.key)}
          />
        ))}
      </div>
      {flows.data && authFlows.length === 0 && (
        <p class="admin-muted">
          <a href={href("/flows/new")}>Create a flow</a> designated Authorization.
        </p>
      )}
      <Checkbox
        id={`${ids}-claims`}
        label="Include claims in the ID token"
        help="Put the granted scopes' claims in the ID token too, not only in userinfo."
        checked={v.includeClaimsInIdToken}
        onChecked={set("includeClaimsInIdToken")}
        error={err("includeClaimsInIdToken")}
      />
      <Checkbox
        id={`${ids}-device`}
        label="Allow the device authorization grant"
        help="A device without a browser (a TV, a command-line tool) shows a code the user enters at /device. Only for clients that need it."
        checked={v.deviceAuthorization}
        onChecked={set("deviceAuthorization")}
        error={err("deviceAuthorization")}
      />
      <FormActions busy={action.busy} submit={submit} cancel={isNew ? { to: "/providers" } : undefined} />
    </form>
  );
}

/** An editable list of redirect URIs and how each is matched. */
function UriRows({
  id,
  testid,
  legend,
  noun,
  add,
  help,
  rows,
  onRows,
  error,
  listError,
}: {
  id: string;
  testid: string;
  legend: string;
  noun: string;
  /** The add button's text. */
  add: string;
  help: string;
  rows: UriRow[];
  onRows: (rows: UriRow[]) => void;
  /** The error of a row's url or matchingMode. */
  error: (key: string, part: "url" | "matchingMode") => string | undefined;
  listError: string | undefined;
}) {
  const update = (key: string, change: Partial<UriRow>) => onRows(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <fieldset class={`admin-fieldset${listError ? " field--invalid" : ""}`} data-testid={testid}>
      <legend>{legend}</legend>
      <p class="field__help">{help}</p>
      {listError && <p class="field__error">{listError}</p>}
      {rows.length === 0 && <p class="field__help">None.</p>}
      <ol class="admin-rows">
        {rows.map((r, i) => (
          <li key={r.key} class="admin-row admin-uri-row" data-testid="uri-row">
            <TextInput
              id={`${id}-${r.key}-url`}
              label={`${noun} ${i + 1}`}
              value={r.url}
              onValue={(url) => update(r.key, { url })}
              autoCapitalize="none"
              spellcheck={false}
              autoComplete="off"
              placeholder="https://app.example.com/oauth/callback"
              error={error(r.key, "url")}
            />
            <SelectInput
              id={`${id}-${r.key}-mode`}
              label={`${noun} ${i + 1} matching`}
              value={r.matchingMode}
              options={enumOptions(matchingModes)}
              onValue={(m) => update(r.key, { matchingMode: m as RedirectUriMatchingMode })}
              error={error(r.key, "matchingMode")}
            />
            <button
              type="button"
              class="button button--small button--danger"
              aria-label={`Remove ${noun} ${i + 1}`}
              onClick={() => onRows(rows.filter((x) => x.key !== r.key))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" class="button button--small" onClick={() => onRows([...rows, uriRow()])}>
        {add}
      </button>
    </fieldset>
  );
}
