// Outposts: the embedded one and standalone `gatehouse outpost` processes,
// with their health (seen within two minutes) and last use, and the proxy
// providers each serves (the embedded outpost serves every provider no
// other outpost does). A new or rotated token is shown once, in a
// SecretBox. Proxy providers themselves are created through the API
// (createProxyProvider); this page only assigns them.
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminOutpostsQuery } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { SecretBox } from "./secret";
import { CheckboxGroup, confirmDelete, errorField, ErrorAlert, FormActions, Loading, PageHeader, Table, useAction, useLoad, when } from "./ui";

export const AdminOutposts = graphql(`
  query AdminOutposts {
    outposts(first: 500, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
          type
          embedded
          healthy
          lastSeenAt
          providers {
            id
            name
          }
        }
      }
    }
    proxyProviders(first: 500, orderBy: { field: NAME }) {
      edges {
        node {
          id
          name
          externalHost
        }
      }
    }
  }
`);

export const AdminCreateOutpost = graphql(`
  mutation AdminCreateOutpost($input: CreateOutpostInput!) {
    createOutpost(input: $input) {
      token
      outpost {
        id
        name
      }
    }
  }
`);

export const AdminUpdateOutpost = graphql(`
  mutation AdminUpdateOutpost($id: ID!, $input: UpdateOutpostInput!) {
    updateOutpost(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminRotateOutpostToken = graphql(`
  mutation AdminRotateOutpostToken($id: ID!) {
    rotateOutpostToken(id: $id) {
      token
      outpost {
        id
        name
      }
    }
  }
`);

export const AdminDeleteOutpost = graphql(`
  mutation AdminDeleteOutpost($id: ID!) {
    deleteOutpost(id: $id)
  }
`);

type Outpost = NonNullable<NonNullable<NonNullable<AdminOutpostsQuery["outposts"]["edges"]>[number]>["node"]>;

export function OutpostList() {
  const list = useLoad(async () => {
    const d = await request(AdminOutposts);
    return {
      outposts: (d.outposts.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
      providers: (d.proxyProviders.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
    };
  }, []);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const act = useAction();
  const rotate = (o: Outpost) => {
    if (!window.confirm(`Give ${o.name} a new token? The current one stops working at once.`)) return;
    void act.run(async () => {
      const d = await request(AdminRotateOutpostToken, { id: o.id });
      setToken({ name: d.rotateOutpostToken.outpost.name, token: d.rotateOutpostToken.token });
      await list.reload();
    });
  };
  const remove = (o: Outpost) => {
    if (!confirmDelete(`the outpost ${o.name}; its providers go back to the embedded outpost`)) return;
    void act.run(async () => {
      await request(AdminDeleteOutpost, { id: o.id });
      await list.reload();
    });
  };
  const providerOptions = (list.data?.providers ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.externalHost})` }));
  return (
    <>
      <PageHeader title="Outposts" />
      <p class="admin-intro">
        An outpost puts Gatehouse in front of applications that cannot sign users in themselves: it serves proxy providers. The embedded outpost
        runs inside every Gatehouse server and serves every proxy provider no other outpost serves; a standalone outpost (
        <code>gatehouse outpost --core URL --token T</code>) runs elsewhere. An outpost is healthy when it used the API in the last two
        minutes.
      </p>
      {token && (
        <SecretBox
          secret={token.token}
          title={`Token of the outpost ${token.name}`}
          warning="Only a hash is stored. If it is lost, rotate the token to get a new one."
          onDone={() => setToken(null)}
        />
      )}
      <section class="card" aria-labelledby="outpost-new-title">
        <h2 id="outpost-new-title" class="card__title">
          New outpost
        </h2>
        <OutpostForm
          providers={providerOptions}
          onCreated={async (name, t) => {
            setToken({ name, token: t });
            await list.reload();
          }}
        />
      </section>
      <ErrorAlert error={list.error} title="The outposts could not be loaded." />
      <ErrorAlert error={act.error} title="The outpost was not changed." />
      {!list.data && !list.error && <Loading what="outposts" />}
      {list.data && (
        <Table caption="Outposts" testid="outposts" head={["Name", "Health", "Last seen", "Proxy providers", ""]}>
          {list.data.outposts.map((o) => (
            <tr key={o.id} data-testid="outpost-row" data-name={o.name}>
              <th scope="row">
                {o.name}
                {o.embedded && <div class="admin-muted">Embedded</div>}
              </th>
              <td data-testid="health">{o.healthy ? "Healthy" : "Not seen recently"}</td>
              <td>{o.lastSeenAt ? when(o.lastSeenAt) : <span class="admin-muted">Never</span>}</td>
              <td>
                {o.embedded ? (
                  <span class="admin-muted">Every provider no other outpost serves</span>
                ) : (
                  <Assign outpost={o} options={providerOptions} onSaved={list.reload} />
                )}
              </td>
              <td>
                {!o.embedded && (
                  <>
                    <button type="button" class="button button--small" disabled={act.busy} onClick={() => rotate(o)}>
                      Rotate token<span class="visually-hidden"> of {o.name}</span>
                    </button>{" "}
                    <button type="button" class="button button--small button--danger" disabled={act.busy} onClick={() => remove(o)}>
                      Delete<span class="visually-hidden"> {o.name}</span>
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

function Assign({ outpost, options, onSaved }: { outpost: Outpost; options: { value: string; label: string }[]; onSaved: () => Promise<void> }) {
  const [ids] = useState(() => uniqueId("outpost-providers"));
  const current = outpost.providers?.map((p) => p.id) ?? [];
  const [selected, setSelected] = useState<string[]>(current);
  const action = useAction();
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await request(AdminUpdateOutpost, {
            id: outpost.id,
            input: {
              addProviderIDs: selected.filter((id) => !current.includes(id)),
              removeProviderIDs: current.filter((id) => !selected.includes(id)),
            },
          });
          await onSaved();
        });
      }}
    >
      <CheckboxGroup id={ids} legend={`Proxy providers of ${outpost.name}`} options={options} selected={selected} onSelected={setSelected} empty="There are no proxy providers yet." />
      <ErrorAlert error={action.error} title="The providers were not saved." />
      <FormActions busy={action.busy} submit="Save providers" />
    </form>
  );
}

function OutpostForm({ providers, onCreated }: { providers: { value: string; label: string }[]; onCreated: (name: string, token: string) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("outpost"));
  const [name, setName] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const action = useAction();
  const field = errorField(action.error);
  return (
    <form
      class="form admin-form"
      data-testid="outpost-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const d = await request(AdminCreateOutpost, { input: { name: name.trim(), type: "PROXY", providerIDs: selected } });
          setName("");
          setSelected([]);
          await onCreated(d.createOutpost.outpost.name, d.createOutpost.token);
        });
      }}
    >
      <TextInput
        id={`${ids}-name`}
        label="Name"
        value={name}
        onValue={setName}
        required
        error={field === "name" ? messageOf(action.error).replace("name: ", "") : undefined}
      />
      <CheckboxGroup id={`${ids}-providers`} legend="Proxy providers it serves" options={providers} selected={selected} onSelected={setSelected} empty="There are no proxy providers yet." />
      {field !== "name" && <ErrorAlert error={action.error} title="The outpost was not created." />}
      <FormActions busy={action.busy} submit="Create outpost" />
    </form>
  );
}
