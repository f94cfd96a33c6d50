// Notification rules: which audit events notify whom, and how. The list,
// one form (new and edit: name, severity, destination group, how the bound
// policies combine, the transports), and on a rule's page its policy
// bindings (usually event_matcher policies), through the same component
// applications use. A rule without bindings matches nothing.
import { useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminNotificationRuleQuery, NotificationSeverity, PolicyEngineMode } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { engineModes } from "./labels";
import { AdminNotificationTransports, transportModeNames } from "./notification-transports";
import { loadOptions, nodes } from "./options";
import { PolicyBindingList } from "./policy-bindings";
import { href, navigate } from "./router";
import {
  CheckboxGroup,
  confirmDelete,
  enumOptions,
  errorField,
  ErrorAlert,
  FormActions,
  Loading,
  notFoundAsNull,
  PageHeader,
  SelectInput,
  Table,
  useAction,
  useLoad,
} from "./ui";

export const AdminNotificationRules = graphql(`
  query AdminNotificationRules {
    notificationRules(first: 500, orderBy: { field: NAME }) {
      totalCount
      edges {
        node {
          id
          name
          severity
          destinationGroup {
            id
            name
          }
          transports {
            id
            name
            failing
          }
        }
      }
    }
  }
`);

export const AdminNotificationRule = graphql(`
  query AdminNotificationRule($id: ID!) {
    node(id: $id) {
      __typename
      ... on NotificationRule {
        id
        name
        severity
        policyEngineMode
        destinationGroup {
          id
          name
        }
        transports {
          id
        }
        policyBindings(first: 200, orderBy: { field: ORDER }) {
          edges {
            node {
              ...AdminPolicyBinding
            }
          }
        }
      }
    }
  }
`);

export const AdminCreateNotificationRule = graphql(`
  mutation AdminCreateNotificationRule($input: CreateNotificationRuleInput!) {
    createNotificationRule(input: $input) {
      id
    }
  }
`);

export const AdminUpdateNotificationRule = graphql(`
  mutation AdminUpdateNotificationRule($id: ID!, $input: UpdateNotificationRuleInput!) {
    updateNotificationRule(id: $id, input: $input) {
      id
    }
  }
`);

export const AdminDeleteNotificationRule = graphql(`
  mutation AdminDeleteNotificationRule($id: ID!) {
    deleteNotificationRule(id: $id)
  }
`);

/** The severities, as the console names them. */
export const severities: Record<NotificationSeverity, string> = {
  NOTICE: "Notice",
  WARNING: "Warning",
  ALERT: "Alert",
};

export function NotificationRuleList() {
  const list = useLoad(() => request(AdminNotificationRules), []);
  return (
    <>
      <PageHeader title="Notification rules">
        <a class="button button--primary" href={href("/notification-rules/new")}>
          New notification rule
        </a>
      </PageHeader>
      <p class="admin-intro">
        A rule notifies the members of its group, through its <a href={href("/notification-transports")}>transports</a>, of the audit events
        its bound policies (usually event matchers) pass. A rule without bindings matches nothing.
      </p>
      <ErrorAlert error={list.error} title="The notification rules could not be loaded." />
      {!list.data && !list.error && <Loading what="notification rules" />}
      {list.data && (
        <Table caption="Notification rules" testid="notification-rule-list" head={["Name", "Severity", "Destination group", "Transports"]}>
          {nodes(list.data.notificationRules.edges).map((r) => {
            const transports = [...(r.transports ?? [])].sort((a, b) => a.name.localeCompare(b.name));
            return (
              <tr key={r.id} data-testid="notification-rule-row" data-name={r.name}>
                <th scope="row">
                  <a href={href(`/notification-rules/${r.id}`)}>{r.name}</a>
                </th>
                <td>{severities[r.severity]}</td>
                <td>{r.destinationGroup ? <a href={href(`/groups/${r.destinationGroup.id}`)}>{r.destinationGroup.name}</a> : <span class="admin-muted">None</span>}</td>
                <td data-testid="transports">
                  {transports.length === 0 ? (
                    <span class="admin-muted">None</span>
                  ) : (
                    transports.map((t, i) => (
                      <span key={t.id}>
                        {i > 0 && ", "}
                        <a href={href(`/notification-transports/${t.id}`)}>{t.name}</a>
                        {t.failing && <span class="badge">failing</span>}
                      </span>
                    ))
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {list.data?.notificationRules.totalCount === 0 && <p>There are no notification rules yet.</p>}
    </>
  );
}

interface Values {
  name: string;
  severity: NotificationSeverity;
  policyEngineMode: PolicyEngineMode;
  destinationGroupID: string;
  transportIDs: string[];
}

const blank: Values = { name: "", severity: "NOTICE", policyEngineMode: "ANY", destinationGroupID: "", transportIDs: [] };

export function NotificationRuleNew() {
  return (
    <>
      <PageHeader title="New notification rule" back={{ to: "/notification-rules", label: "Notification rules" }} />
      <section class="card">
        <RuleForm
          initial={blank}
          submit="Create rule"
          onSubmit={async (v) => {
            const d = await request(AdminCreateNotificationRule, {
              input: {
                name: v.name.trim(),
                severity: v.severity,
                policyEngineMode: v.policyEngineMode,
                transportIDs: v.transportIDs,
                ...(v.destinationGroupID ? { destinationGroupID: v.destinationGroupID } : {}),
              },
            });
            navigate(`/notification-rules/${d.createNotificationRule.id}`, `The rule ${v.name} was created; bind policies to say which events it matches.`);
          }}
        />
      </section>
    </>
  );
}

type Node = Extract<NonNullable<AdminNotificationRuleQuery["node"]>, { __typename: "NotificationRule" }>;

export function NotificationRuleDetail({ id, onFlash }: { id: string; onFlash: (msg: string) => void }) {
  const rule = useLoad(async () => {
    const d = await request(AdminNotificationRule, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "NotificationRule" ? (d.node as Node) : null;
  }, [id]);
  const del = useAction();
  if (rule.error) return <ErrorAlert error={rule.error} title="The notification rule could not be loaded." />;
  if (!rule.data) return rule.data === null ? <NotFound what="notification rule" back="/notification-rules" /> : <Loading what="the notification rule" />;
  const r = rule.data;
  const current = (r.transports ?? []).map((t) => t.id);
  return (
    <>
      <PageHeader title={r.name} back={{ to: "/notification-rules", label: "Notification rules" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the rule ${r.name} and its bindings (the policies and transports are kept)`)) return;
            void del.run(async () => {
              await request(AdminDeleteNotificationRule, { id: r.id });
              navigate("/notification-rules", `The rule ${r.name} was deleted.`);
            });
          }}
        >
          Delete
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The rule was not deleted." />
      <section class="card">
        <RuleForm
          key={r.id}
          initial={{ name: r.name, severity: r.severity, policyEngineMode: r.policyEngineMode, destinationGroupID: r.destinationGroup?.id ?? "", transportIDs: current }}
          submit="Save rule"
          onSubmit={async (v) => {
            const group = v.destinationGroupID ? { destinationGroupID: v.destinationGroupID } : r.destinationGroup ? { clearDestinationGroup: true } : {};
            await request(AdminUpdateNotificationRule, {
              id: r.id,
              input: {
                name: v.name.trim(),
                severity: v.severity,
                policyEngineMode: v.policyEngineMode,
                addTransportIDs: v.transportIDs.filter((t) => !current.includes(t)),
                removeTransportIDs: current.filter((t) => !v.transportIDs.includes(t)),
                ...group,
              },
            });
            await rule.reload();
            onFlash(`The rule ${v.name} was saved.`);
          }}
        />
      </section>
      <section class="card" aria-labelledby="rule-bindings-title">
        <h2 id="rule-bindings-title" class="card__title">
          Which events it matches
        </h2>
        <p class="admin-intro">
          Bind event matcher policies (negate one for "outside 10.0.0.0/8"); {engineModes[r.policyEngineMode].toLowerCase()} for an event to
          notify.
        </p>
        <PolicyBindingList
          target={{ notificationRuleID: r.id }}
          bindings={nodes(r.policyBindings.edges)}
          reload={rule.reload}
          onFlash={onFlash}
          empty="Nothing is bound: the rule matches no event."
        />
      </section>
    </>
  );
}

function RuleForm({ initial, submit, onSubmit }: { initial: Values; submit: string; onSubmit: (v: Values) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("rule"));
  const [v, setV] = useState<Values>(initial);
  const groups = useLoad(() => loadOptions("group"), []);
  const transports = useLoad(async () => nodes((await request(AdminNotificationTransports)).notificationTransports.edges), []);
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${name}: `, "") : undefined);
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((old) => ({ ...old, [k]: x }));
  const known = ["name", "severity", "policyEngineMode", "destinationGroup", "destinationGroupID"];
  return (
    <form
      class="form admin-form"
      data-testid="notification-rule-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit(v));
      }}
    >
      <TextInput id={`${ids}-name`} label="Name" value={v.name} onValue={set("name")} required error={err("name")} />
      <SelectInput id={`${ids}-severity`} label="Severity" value={v.severity} options={enumOptions(severities)} onValue={(s) => set("severity")(s as NotificationSeverity)} error={err("severity")} />
      <ErrorAlert error={groups.error} title="The groups could not be loaded." />
      <SelectInput
        id={`${ids}-group`}
        label="Destination group"
        value={v.destinationGroupID}
        options={[{ value: "", label: groups.data ? "None" : "Loading…" }, ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.label }))]}
        onValue={set("destinationGroupID")}
        help="Whose members email and in-Gatehouse transports notify (child groups included)."
        error={err("destinationGroup") ?? err("destinationGroupID")}
      />
      <SelectInput
        id={`${ids}-mode`}
        label="Policy engine mode"
        value={v.policyEngineMode}
        options={enumOptions(engineModes)}
        onValue={(m) => set("policyEngineMode")(m as PolicyEngineMode)}
        help="How the bound policies combine into a match."
        error={err("policyEngineMode")}
      />
      <ErrorAlert error={transports.error} title="The transports could not be loaded." />
      <CheckboxGroup
        id={`${ids}-transports`}
        legend="Transports"
        options={(transports.data ?? []).map((t) => ({ value: t.id, label: `${t.name} (${transportModeNames[t.mode]})` }))}
        selected={v.transportIDs}
        onSelected={set("transportIDs")}
        empty="There are no notification transports yet."
      />
      {!known.includes(field ?? "") && <ErrorAlert error={action.error} title="The rule was not saved." />}
      <FormActions busy={action.busy} submit={submit} cancel={{ to: "/notification-rules" }} />
    </form>
  );
}
