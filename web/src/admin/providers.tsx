// OAuth2 / OpenID Connect providers (client registrations): the list, the
// form that registers one, and a provider's page (its client ID, its
// settings, rotating its secret, delete). A client secret is shown once,
// after creating or rotating, in a SecretBox (see secret.tsx).
import { useState } from "preact/hooks";
import type { AdminProviderFieldsFragment } from "../gql/graphql";
import { request } from "../lib/graphql";
import { NotFound } from "./flows";
import { clientTypes } from "./labels";
import { nodes } from "./options";
import { ProviderForm, newProviderValues, uriRows, type ProviderSettings, type ProviderValues } from "./provider-form";
import { href, navigate } from "./router";
import { handOverSecret, SecretBox, takeSecret } from "./secret";
import { AdminCreateProvider, AdminDeleteProvider, AdminProvider, AdminProviders, AdminRotateClientSecret, AdminUpdateProvider } from "./sso-operations";
import { confirmDelete, ErrorAlert, Loading, notFoundAsNull, PageHeader, Table, useAction, useLoad } from "./ui";

export function ProviderList() {
  const providers = useLoad(() => request(AdminProviders), []);
  return (
    <>
      <PageHeader title="OAuth2 providers">
        <a class="button button--primary" href={href("/providers/new")}>
          New provider
        </a>
      </PageHeader>
      <p class="admin-intro">
        A provider registers an OAuth2 / OpenID Connect client: an application that logs its users in with Gatehouse. Each serves one
        application.
      </p>
      <ErrorAlert error={providers.error} title="The providers could not be loaded." />
      {!providers.data && !providers.error && <Loading what="providers" />}
      {providers.data && (
        <Table caption="OAuth2 providers" testid="provider-list" head={["Name", "Client type", "Client ID", "Application"]}>
          {nodes(providers.data.oauth2Providers.edges).map((p) => (
            <tr key={p.id} data-testid="provider-row" data-provider-name={p.name}>
              <th scope="row">
                <a href={href(`/providers/${p.id}`)}>{p.name}</a>
              </th>
              <td>{clientTypes[p.clientType]}</td>
              <td>
                <code>{p.clientId}</code>
              </td>
              <td>{p.application ? <a href={href(`/applications/${p.application.id}`)}>{p.application.name}</a> : <span class="admin-muted">None</span>}</td>
            </tr>
          ))}
        </Table>
      )}
      {providers.data?.oauth2Providers.totalCount === 0 && <p>There are no providers yet.</p>}
    </>
  );
}

/** The fields every save sends, create and update alike. */
function common(s: ProviderSettings) {
  return {
    name: s.name,
    clientType: s.clientType,
    redirectUris: s.redirectUris,
    postLogoutRedirectUris: s.postLogoutRedirectUris,
    scopes: s.scopes,
    authorizationFlowID: s.authorizationFlowID,
    signingAlgorithm: s.signingAlgorithm,
    accessTokenValidity: s.accessTokenValidity,
    idTokenValidity: s.idTokenValidity,
    refreshTokenValidity: s.refreshTokenValidity,
    subjectMode: s.subjectMode,
    includeClaimsInIdToken: s.includeClaimsInIdToken,
    deviceAuthorization: s.deviceAuthorization,
  };
}

export function ProviderNew() {
  return (
    <>
      <PageHeader title="New OAuth2 provider" back={{ to: "/providers", label: "OAuth2 providers" }} />
      <section class="card">
        <ProviderForm
          initial={newProviderValues()}
          isNew
          submit="Create provider"
          onSubmit={async (s, secret) => {
            const d = await request(AdminCreateProvider, {
              input: {
                ...common(s),
                clientId: s.clientId || null,
                clientSecret: secret || null,
                invalidationFlowID: s.invalidationFlowID || null,
                signingKeyID: s.signingKeyID || null,
              },
            });
            const { provider, clientSecret } = d.createOAuth2Provider;
            if (clientSecret) handOverSecret(provider.id, clientSecret);
            navigate(`/providers/${provider.id}`, `The provider ${s.name} was created.`);
          }}
        />
      </section>
    </>
  );
}

function valuesOf(p: AdminProviderFieldsFragment): ProviderValues {
  return {
    name: p.name,
    clientType: p.clientType,
    clientId: p.clientId,
    redirectUris: uriRows(p.redirectUris),
    postLogoutRedirectUris: uriRows(p.postLogoutRedirectUris),
    scopes: p.scopes,
    authorizationFlowID: p.authorizationFlow.id,
    invalidationFlowID: p.invalidationFlow?.id ?? "",
    signingAlgorithm: p.signingAlgorithm,
    signingKeyID: p.signingKey?.id ?? "",
    accessTokenValidity: String(p.accessTokenValidity),
    idTokenValidity: String(p.idTokenValidity),
    refreshTokenValidity: String(p.refreshTokenValidity),
    subjectMode: p.subjectMode,
    includeClaimsInIdToken: p.includeClaimsInIdToken,
    deviceAuthorization: p.deviceAuthorization,
  };
}

export function ProviderDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const provider = useLoad(async () => {
    const d = await request(AdminProvider, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "OAuth2Provider" ? d.node : null;
  }, [id]);
  // The secret of a create or rotate: in this page's state only, so it is
  // gone once the user opens another view.
  const [secret, setSecret] = useState(() => takeSecret(id));
  const action = useAction();

  if (provider.error) return <ErrorAlert error={provider.error} title="The provider could not be loaded." />;
  if (provider.data === undefined) return <Loading what="the provider" />;
  if (provider.data === null) return <NotFound what="provider" back="/providers" />;
  const p = provider.data;

  const rotate = () => {
    if (!window.confirm(`Rotate the client secret of ${p.name}? The current secret stops working at once.`)) return;
    void action.run(async () => {
      const d = await request(AdminRotateClientSecret, { id: p.id });
      setSecret(d.rotateClientSecret.clientSecret ?? undefined);
      await provider.reload();
      onFlash(`The client secret of ${p.name} was rotated.`);
    });
  };
  const remove = () => {
    const app = p.application ? ` (the application ${p.application.name} stays, without a provider)` : "";
    if (!confirmDelete(`the provider ${p.name}${app}`)) return;
    void action.run(async () => {
      await request(AdminDeleteProvider, { id: p.id });
      navigate("/providers", `The provider ${p.name} was deleted.`);
    });
  };

  return (
    <>
      <PageHeader title={`OAuth2 provider ${p.name}`} back={{ to: "/providers", label: "OAuth2 providers" }}>
        {p.clientType === "CONFIDENTIAL" && (
          <button type="button" class="button" disabled={action.busy} onClick={rotate}>
            Rotate secret
          </button>
        )}
        <button type="button" class="button button--danger" disabled={action.busy} onClick={remove}>
          Delete provider
        </button>
      </PageHeader>
      <ErrorAlert error={action.error} title="The provider was not changed." />
      {secret && <SecretBox secret={secret} onDone={() => setSecret(undefined)} />}
      <dl class="admin-facts">
        <div>
          <dt>Client ID</dt>
          <dd>
            <code data-testid="client-id">{p.clientId}</code>
          </dd>
        </div>
        <div>
          <dt>Client type</dt>
          <dd>{clientTypes[p.clientType]}</dd>
        </div>
        <div>
          <dt>Client secret</dt>
          <dd data-testid="has-client-secret">
            {p.clientType === "PUBLIC" ? "None (public client, PKCE)" : p.hasClientSecret ? "Set (never shown again)" : "Not set: rotate it to give one"}
          </dd>
        </div>
        <div>
          <dt>Application</dt>
          <dd>
            {p.application ? (
              <a href={href(`/applications/${p.application.id}`)}>{p.application.name}</a>
            ) : (
              <>
                None. <a href={href("/applications/new")}>Create an application</a> for it.
              </>
            )}
          </dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="provider-settings-title">
        <h2 id="provider-settings-title" class="card__title">
          Settings
        </h2>
        <ProviderForm
          key={p.id}
          initial={valuesOf(p)}
          submit="Save provider"
          onSubmit={async (s) => {
            await request(AdminUpdateProvider, {
              id: p.id,
              input: {
                ...common(s),
                clientId: s.clientId,
                ...(s.invalidationFlowID ? { invalidationFlowID: s.invalidationFlowID } : { clearInvalidationFlow: true }),
                // The key only when it changes: saving other settings does
                // not check the pinned key again.
                ...(s.signingKeyID === (p.signingKey?.id ?? "") ? {} : s.signingKeyID ? { signingKeyID: s.signingKeyID } : { clearSigningKey: true }),
              },
            });
            await provider.reload();
            onFlash(`The provider ${s.name} was saved.`);
          }}
        />
      </section>
    </>
  );
}
