// Proxy providers: what an outpost puts in front of an application that
// cannot sign users in itself. The list, and one form (new and edit) with
// every setting; each keeps an OAuth2 client of its own at the core,
// which Gatehouse manages (it is listed among the OAuth2 providers, marked,
// and changes only here). Outposts are assigned on the Outposts page.
import { useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminProxyProviderQuery, ProxyMode } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { loadOptions, nodes } from "./options";
import { href, navigate } from "./router";
import { confirmDelete, errorField, ErrorAlert, FormActions, Loading, notFoundAsNull, PageHeader, SelectInput, Table, TextArea, useAction, useLoad } from "./ui";

export const AdminProxyProviders = graphql(`
  query AdminProxyProviders {
    proxyProviders(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          externalHost
          mode
          application {
            id
            name
          }
        }
      }
    }
  }
`);

export const AdminProxyProvider = graphql(`
  query AdminProxyProvider($id: ID!) {
    node(id: $id) {
      __typename
      ... on ProxyProvider {
        id
        name
        externalHost
        internalHost
        internalHostTLSVerify
        mode
        cookieDomain
        skipPathRegex
        basicAuthEnabled
        basicAuthUserAttribute
        basicAuthPasswordAttribute
        sendAccessToken
        accessTokenValidity
        authorizationFlow {
          id
        }
        application {
          id
          name
        }
      }
    }
  }
`);

export const AdminCreateProxyProvider = graphql(`
  mutation AdminCreateProxyProvider($input: CreateProxyProviderInput!) {
    createProxyProvider(input: $input) {
      id
    }
  }
`);

export const AdminUpdateProxyProvider = graphql(`
  mutation AdminUpdateProxyProvider($id: ID!, $input: UpdateProxyProviderInput!) {
    updateProxyProvider(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteProxyProvider = graphql(`
  mutation AdminDeleteProxyProvider($id: ID!) {
    deleteProxyProvider(id: $id)
  }
`);

const modes: Record<ProxyMode, string> = {
  PROXY: "Proxy: the outpost is a reverse proxy in front of the internal host",
  FORWARD_SINGLE: "Forward auth, one application (nginx, Traefik, Caddy ask the outpost)",
  FORWARD_DOMAIN: "Forward auth, every host under the cookie domain",
};

export function ProxyProviderList() {
  const list = useLoad(() => request(AdminProxyProviders), []);
  return (
    <>
      <PageHeader title="Proxy providers">
        <a class="button button--primary" href={href("/proxy-providers/new")}>
          New proxy provider
        </a>
      </PageHeader>
      <p class="admin-intro">
        A proxy provider puts Gatehouse in front of an application that cannot sign users in itself: an outpost signs users in and proxies, or
        answers a proxy's forward-auth requests. Link it to an application as its provider.
      </p>
      <ErrorAlert error={list.error} title="The proxy providers could not be loaded." />
      {!list.data && !list.error && <Loading what="proxy providers" />}
      {list.data && (
        <Table caption="Proxy providers" testid="proxy-provider-list" head={["Name", "External host", "Mode", "Application"]}>
          {nodes(list.data.proxyProviders.edges).map((p) => (
            <tr key={p.id} data-testid="proxy-provider-row" data-name={p.name}>
              <th scope="row">
                <a href={href(`/proxy-providers/${p.id}`)}>{p.name}</a>
              </th>
              <td>
                <code>{p.externalHost}</code>
              </td>
              <td>{p.mode}</td>
              <td>{p.application ? <a href={href(`/applications/${p.application.id}`)}>{p.application.name}</a> : <span class="admin-muted">None</span>}</td>
            </tr>
          ))}
        </Table>
      )}
      {list.data?.proxyProviders.totalCount === 0 && <p>There are no proxy providers yet.</p>}
    </>
  );
}

interface Values {
  name: string;
  externalHost: string;
  internalHost: string;
  internalHostTLSVerify: boolean;
  mode: ProxyMode;
  cookieDomain: string;
  skipPathRegex: string;
  authorizationFlowID: string;
  basicAuthEnabled: boolean;
  basicAuthUserAttribute: string;
  basicAuthPasswordAttribute: string;
  sendAccessToken: boolean;
  accessTokenValidity: string;
}

const blank: Values = {
  name: "",
  externalHost: "",
  internalHost: "",
  internalHostTLSVerify: true,
  mode: "PROXY",
  cookieDomain: "",
  skipPathRegex: "",
  authorizationFlowID: "",
  basicAuthEnabled: false,
  basicAuthUserAttribute: "",
  basicAuthPasswordAttribute: "",
  sendAccessToken: false,
  accessTokenValidity: "600",
};

/** The input every save sends, create and update alike. */
function input(v: Values) {
  return {
    name: v.name.trim(),
    externalHost: v.externalHost.trim(),
    internalHost: v.internalHost.trim(),
    internalHostTLSVerify: v.internalHostTLSVerify,
    mode: v.mode,
    cookieDomain: v.cookieDomain.trim(),
    skipPathRegex: v.skipPathRegex
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean),
    authorizationFlowID: v.authorizationFlowID,
    basicAuthEnabled: v.basicAuthEnabled,
    basicAuthUserAttribute: v.basicAuthUserAttribute.trim(),
    basicAuthPasswordAttribute: v.basicAuthPasswordAttribute.trim(),
    sendAccessToken: v.sendAccessToken,
    accessTokenValidity: Number(v.accessTokenValidity),
  };
}

export function ProxyProviderNew() {
  return (
    <>
      <PageHeader title="New proxy provider" back={{ to: "/proxy-providers", label: "Proxy providers" }} />
      <section class="card">
        <ProxyForm
          initial={blank}
          submit="Create proxy provider"
          onSubmit={async (v) => {
            const d = await request(AdminCreateProxyProvider, { input: input(v) });
            navigate(`/proxy-providers/${d.createProxyProvider.id}`, `The proxy provider ${v.name} was created.`);
          }}
        />
      </section>
    </>
  );
}

type Node = Extract<NonNullable<AdminProxyProviderQuery["node"]>, { __typename: "ProxyProvider" }>;

export function ProxyProviderDetail({ id, onFlash }: { id: string; onFlash: (msg: string) => void }) {
  const p = useLoad(async () => {
    const d = await request(AdminProxyProvider, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "ProxyProvider" ? (d.node as Node) : null;
  }, [id]);
  const del = useAction();
  if (p.error) return <ErrorAlert error={p.error} title="The proxy provider could not be loaded." />;
  if (!p.data) return p.data === null ? <NotFound what="proxy provider" back="/proxy-providers" /> : <Loading what="the proxy provider" />;
  const node = p.data;
  return (
    <>
      <PageHeader title={node.name} back={{ to: "/proxy-providers", label: "Proxy providers" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the proxy provider ${node.name} and its OAuth2 client`)) return;
            void del.run(async () => {
              await request(AdminDeleteProxyProvider, { id: node.id });
              navigate("/proxy-providers", `The proxy provider ${node.name} was deleted.`);
            });
          }}
        >
          Delete
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The proxy provider was not deleted." />
      <p>
        Application:{" "}
        {node.application ? <a href={href(`/applications/${node.application.id}`)}>{node.application.name}</a> : <span class="admin-muted">None</span>}
      </p>
      <section class="card">
        <ProxyForm
          key={node.id}
          initial={{
            ...node,
            skipPathRegex: node.skipPathRegex.join("\n"),
            authorizationFlowID: node.authorizationFlow.id,
            accessTokenValidity: String(node.accessTokenValidity),
          }}
          submit="Save proxy provider"
          onSubmit={async (v) => {
            await request(AdminUpdateProxyProvider, { id: node.id, input: input(v) });
            await p.reload();
            onFlash(`The proxy provider ${v.name} was saved.`);
          }}
        />
      </section>
    </>
  );
}

function ProxyForm({ initial, submit, onSubmit }: { initial: Values; submit: string; onSubmit: (v: Values) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("proxy"));
  const [v, setV] = useState<Values>(initial);
  const flows = useLoad(async () => (await loadOptions("flow")).filter((f) => f.designation === "AUTHORIZATION"), []);
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${name}: `, "") : undefined);
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((old) => ({ ...old, [k]: x }));
  const flowID = v.authorizationFlowID || flows.data?.[0]?.id || "";
  const known = ["name", "externalHost", "internalHost", "cookieDomain", "skipPathRegex", "authorizationFlow", "accessTokenValidity"];
  return (
    <form
      class="form admin-form"
      data-testid="proxy-provider-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit({ ...v, authorizationFlowID: flowID }));
      }}
    >
      <TextInput id={`${ids}-name`} label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
      <TextInput
        id={`${ids}-external`}
        label="External host"
        value={v.externalHost}
        onValue={set("externalHost")}
        required
        help="The URL users reach the application at, such as https://app.example.com: no path."
        error={err("externalHost")}
      />
      <SelectInput id={`${ids}-mode`} label="Mode" value={v.mode} options={Object.entries(modes).map(([value, label]) => ({ value, label }))} onValue={(m) => set("mode")(m as ProxyMode)} />
      <TextInput
        id={`${ids}-internal`}
        label="Internal host"
        value={v.internalHost}
        onValue={set("internalHost")}
        help="The upstream URL the outpost proxies to (proxy mode)."
        error={err("internalHost")}
      />
      <Checkbox id={`${ids}-tls`} label="Verify the internal host's TLS certificate" checked={v.internalHostTLSVerify} onChecked={set("internalHostTLSVerify")} />
      <TextInput
        id={`${ids}-cookie`}
        label="Cookie domain"
        value={v.cookieDomain}
        onValue={set("cookieDomain")}
        help="Required for forward auth of a whole domain, such as example.com; the external host must be under it."
        error={err("cookieDomain")}
      />
      <TextArea
        id={`${ids}-skip`}
        label="Paths without login"
        value={v.skipPathRegex}
        onValue={set("skipPathRegex")}
        code
        help="Regular expressions (RE2, anchored), one per line, of paths that pass without a login."
        error={err("skipPathRegex")}
      />
      <SelectInput
        id={`${ids}-flow`}
        label="Authorization flow"
        value={flowID}
        options={(flows.data ?? []).map((f) => ({ value: f.id, label: f.label }))}
        onValue={set("authorizationFlowID")}
        required
        error={err("authorizationFlow")}
      />
      <Checkbox id={`${ids}-basic`} label="Send HTTP basic auth upstream" checked={v.basicAuthEnabled} onChecked={set("basicAuthEnabled")} />
      <TextInput
        id={`${ids}-basic-user`}
        label="Basic-auth user attribute"
        value={v.basicAuthUserAttribute}
        onValue={set("basicAuthUserAttribute")}
        help="The user attribute holding the user name; empty: the username."
      />
      <TextInput
        id={`${ids}-basic-password`}
        label="Basic-auth password attribute"
        value={v.basicAuthPasswordAttribute}
        onValue={set("basicAuthPasswordAttribute")}
      />
      <Checkbox id={`${ids}-token`} label="Send the access token upstream" checked={v.sendAccessToken} onChecked={set("sendAccessToken")} />
      <TextInput
        id={`${ids}-validity`}
        label="Access token validity (seconds)"
        type="number"
        value={v.accessTokenValidity}
        onValue={set("accessTokenValidity")}
        error={err("accessTokenValidity")}
      />
      {!known.includes(field ?? "") && <ErrorAlert error={action.error} title="The proxy provider was not saved." />}
      <FormActions busy={action.busy} submit={submit} cancel={{ to: "/proxy-providers" }} />
    </form>
  );
}
