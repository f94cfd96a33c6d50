// Notification transports: how a rule's notifications go out (a signed
// webhook, mail to the rule's group, or notifications in the console). The
// list shows which transports are failing and why; one form (new and edit)
// holds every setting. The webhook secret is write-only: the form says
// whether one is set and can replace it, and never shows it.
import { useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminNotificationTransportQuery, NotificationTransportMode } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { nodes } from "./options";
import { href, navigate } from "./router";
import { confirmDelete, enumOptions, errorField, ErrorAlert, FormActions, Loading, notFoundAsNull, PageHeader, SelectInput, Table, TextArea, useAction, useLoad, when } from "./ui";

export const AdminNotificationTransports = graphql(`
  query AdminNotificationTransports {
    notificationTransports(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          mode
          sendOnce
          failing
          lastError
          lastFailureAt
        }
      }
    }
  }
`);

export const AdminNotificationTransport = graphql(`
  query AdminNotificationTransport($id: ID!) {
    node(id: $id) {
      __typename
      ... on NotificationTransport {
        id
        name
        mode
        webhookUrl
        webhookSecretSet
        webhookMapping
        webhookTimeout
        sendOnce
        failing
        lastError
        lastFailureAt
      }
    }
  }
`);

export const AdminCreateNotificationTransport = graphql(`
  mutation AdminCreateNotificationTransport($input: CreateNotificationTransportInput!) {
    createNotificationTransport(input: $input) {
      id
    }
  }
`);

export const AdminUpdateNotificationTransport = graphql(`
  mutation AdminUpdateNotificationTransport($id: ID!, $input: UpdateNotificationTransportInput!) {
    updateNotificationTransport(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteNotificationTransport = graphql(`
  mutation AdminDeleteNotificationTransport($id: ID!) {
    deleteNotificationTransport(id: $id)
  }
`);

/** The transport modes, as the console names them. */
export const transportModes: Record<NotificationTransportMode, string> = {
  WEBHOOK: "Webhook: POST a signed JSON body to a URL",
  EMAIL: "Email to the members of the rule's group",
  LOCAL: "Notifications in Gatehouse for the members of the rule's group",
};

/** The transport modes, short: in lists and beside a transport's name. */
export const transportModeNames: Record<NotificationTransportMode, string> = {
  WEBHOOK: "Webhook",
  EMAIL: "Email",
  LOCAL: "In Gatehouse",
};

/** A transport's state, as text. */
function status(t: { failing: boolean; lastError: string; lastFailureAt?: string | null }) {
  if (!t.failing) return <span>Working</span>;
  return (
    <span class="admin-trace-error">
      Failing{t.lastFailureAt ? ` since ${when(t.lastFailureAt)}` : ""}: {t.lastError}
    </span>
  );
}

export function NotificationTransportList() {
  const list = useLoad(() => request(AdminNotificationTransports), []);
  return (
    <>
      <PageHeader title="Notification transports">
        <a class="button button--primary" href={href("/notification-transports/new")}>
          New notification transport
        </a>
      </PageHeader>
      <p class="admin-intro">
        A transport delivers the notifications of the <a href={href("/notification-rules")}>rules</a> that use it: a signed webhook call, a mail
        to each member of the rule's group, or a notification in Gatehouse. A failed delivery is retried and marks the transport failing until
        one succeeds.
      </p>
      <ErrorAlert error={list.error} title="The notification transports could not be loaded." />
      {!list.data && !list.error && <Loading what="notification transports" />}
      {list.data && (
        <Table caption="Notification transports" testid="notification-transport-list" head={["Name", "Mode", "Send once", "Status"]}>
          {nodes(list.data.notificationTransports.edges).map((t) => (
            <tr key={t.id} data-testid="notification-transport-row" data-name={t.name}>
              <th scope="row">
                <a href={href(`/notification-transports/${t.id}`)}>{t.name}</a>
              </th>
              <td>{transportModeNames[t.mode]}</td>
              <td>{t.sendOnce ? "Yes" : "No"}</td>
              <td data-testid="status">{status(t)}</td>
            </tr>
          ))}
        </Table>
      )}
      {list.data?.notificationTransports.totalCount === 0 && <p>There are no notification transports yet.</p>}
    </>
  );
}

interface Values {
  name: string;
  mode: NotificationTransportMode;
  webhookUrl: string;
  /** A new secret; empty keeps the current one. */
  webhookSecret: string;
  /** Remove the current secret (calls are then unsigned); wins over webhookSecret. */
  clearSecret: boolean;
  webhookMapping: string;
  webhookTimeout: string;
  sendOnce: boolean;
}

const blank: Values = { name: "", mode: "WEBHOOK", webhookUrl: "", webhookSecret: "", clearSecret: false, webhookMapping: "", webhookTimeout: "10", sendOnce: false };

/** The input every save sends; the secret only when one was typed, an empty one (which removes it) only when asked (edit only). */
function input(v: Values) {
  return {
    name: v.name.trim(),
    mode: v.mode,
    webhookUrl: v.webhookUrl.trim(),
    webhookMapping: v.webhookMapping.trim(),
    webhookTimeout: Number(v.webhookTimeout),
    sendOnce: v.sendOnce,
    ...(v.clearSecret ? { webhookSecret: "" } : v.webhookSecret ? { webhookSecret: v.webhookSecret } : {}),
  };
}

export function NotificationTransportNew() {
  return (
    <>
      <PageHeader title="New notification transport" back={{ to: "/notification-transports", label: "Notification transports" }} />
      <section class="card">
        <TransportForm
          initial={blank}
          secretSet={false}
          submit="Create transport"
          onSubmit={async (v) => {
            const d = await request(AdminCreateNotificationTransport, { input: input(v) });
            navigate(`/notification-transports/${d.createNotificationTransport.id}`, `The transport ${v.name} was created.`);
          }}
        />
      </section>
    </>
  );
}

type Node = Extract<NonNullable<AdminNotificationTransportQuery["node"]>, { __typename: "NotificationTransport" }>;

export function NotificationTransportDetail({ id, onFlash }: { id: string; onFlash: (msg: string) => void }) {
  const t = useLoad(async () => {
    const d = await request(AdminNotificationTransport, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "NotificationTransport" ? (d.node as Node) : null;
  }, [id]);
  const del = useAction();
  if (t.error) return <ErrorAlert error={t.error} title="The notification transport could not be loaded." />;
  if (!t.data) return t.data === null ? <NotFound what="notification transport" back="/notification-transports" /> : <Loading what="the notification transport" />;
  const node = t.data;
  return (
    <>
      <PageHeader title={node.name} back={{ to: "/notification-transports", label: "Notification transports" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the transport ${node.name}; its rules keep their other transports`)) return;
            void del.run(async () => {
              await request(AdminDeleteNotificationTransport, { id: node.id });
              navigate("/notification-transports", `The transport ${node.name} was deleted.`);
            });
          }}
        >
          Delete
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The transport was not deleted." />
      <p data-testid="status">Status: {status(node)}</p>
      <section class="card">
        <TransportForm
          key={node.id}
          initial={{ ...node, webhookSecret: "", clearSecret: false, webhookTimeout: String(node.webhookTimeout) }}
          secretSet={node.webhookSecretSet}
          submit="Save transport"
          onSubmit={async (v) => {
            await request(AdminUpdateNotificationTransport, { id: node.id, input: input(v) });
            await t.reload();
            onFlash(`The transport ${v.name} was saved.`);
          }}
        />
      </section>
    </>
  );
}

function TransportForm({ initial, secretSet, submit, onSubmit }: { initial: Values; secretSet: boolean; submit: string; onSubmit: (v: Values) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("transport"));
  const [v, setV] = useState<Values>(initial);
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${name}: `, "") : undefined);
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((old) => ({ ...old, [k]: x }));
  const webhook = v.mode === "WEBHOOK";
  const known = ["name", "mode", ...(webhook ? ["webhookUrl", "webhookSecret", "webhookMapping", "webhookTimeout"] : [])];
  return (
    <form
      class="form admin-form"
      data-testid="notification-transport-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await onSubmit(v);
          // The secret typed is sent once, never kept in the page.
          setV((old) => ({ ...old, webhookSecret: "", clearSecret: false }));
        });
      }}
    >
      <TextInput id={`${ids}-name`} label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
      <SelectInput id={`${ids}-mode`} label="Mode" value={v.mode} options={enumOptions(transportModes)} onValue={(m) => set("mode")(m as NotificationTransportMode)} error={err("mode")} />
      {webhook && (
        <>
          <TextInput
            id={`${ids}-url`}
            label="Webhook URL"
            value={v.webhookUrl}
            onValue={set("webhookUrl")}
            required
            help="Where the notification is POSTed (http or https)."
            error={err("webhookUrl")}
          />
          <TextInput
            id={`${ids}-secret`}
            label={secretSet ? "New webhook secret" : "Webhook secret"}
            type="password"
            autoComplete="new-password"
            value={v.webhookSecret}
            onValue={set("webhookSecret")}
            help={
              secretSet
                ? "A secret is set (it is never shown). Type a new one to replace it; leave empty to keep it."
                : "No secret is set. Keys the X-Gatehouse-Signature HMAC-SHA256 of each call; it cannot be read back."
            }
            error={err("webhookSecret")}
          />
          <p class="admin-muted" data-testid="secret-state">
            {secretSet ? "A webhook secret is set." : "No webhook secret is set."}
          </p>
          {secretSet && (
            <Checkbox
              id={`${ids}-clear-secret`}
              label="Remove the webhook secret"
              help="Calls are then sent without an X-Gatehouse-Signature header."
              checked={v.clearSecret}
              onChecked={set("clearSecret")}
            />
          )}
          <TextArea
            id={`${ids}-mapping`}
            label="Mapping"
            value={v.webhookMapping}
            onValue={set("webhookMapping")}
            code
            rows={3}
            help="Optional: a CEL expression over body (the JSON document) whose result, a map, is sent instead."
            error={err("webhookMapping")}
          />
          <TextInput
            id={`${ids}-timeout`}
            label="Timeout (seconds)"
            type="number"
            value={v.webhookTimeout}
            onValue={set("webhookTimeout")}
            error={err("webhookTimeout")}
          />
        </>
      )}
      <Checkbox
        id={`${ids}-once`}
        label="Send once"
        help="One delivery per event rather than one per member of the rule's group (webhooks; mail always goes to each member)."
        checked={v.sendOnce}
        onChecked={set("sendOnce")}
      />
      {!known.includes(field ?? "") && <ErrorAlert error={action.error} title="The transport was not saved." />}
      <FormActions busy={action.busy} submit={submit} cancel={{ to: "/notification-transports" }} />
    </form>
  );
}
