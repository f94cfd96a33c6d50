// Invitations: links that let someone sign up through one enrolment flow
// (whose invitation stage checks them). The list shows each invitation's
// flow, uses and expiry; a new invitation's link is shown once (only a
// hash of its token is stored) and kept in memory only; deleting an
// invitation stops its link at once.
import { useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminInvitationsQuery } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { loadOptions } from "./options";
import { href } from "./router";
import { SecretBox } from "./secret";
import { confirmDelete, errorField, ErrorAlert, FormActions, Loading, PageHeader, SelectInput, Table, TextArea, useAction, useLoad, when } from "./ui";

const AdminInvitations = graphql(`
  query AdminInvitations {
    invitations(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {
      edges {
        node {
          id
          name
          singleUse
          uses
          expires
          createdAt
          fixedData
          flow {
            id
            name
            slug
          }
          createdBy {
            username
          }
        }
      }
    }
  }
`);

const AdminCreateInvitation = graphql(`
  mutation AdminCreateInvitation($input: CreateInvitationInput!) {
    createInvitation(input: $input) {
      link
      invitation {
        id
        name
      }
    }
  }
`);

const AdminDeleteInvitation = graphql(`
  mutation AdminDeleteInvitation($id: ID!) {
    deleteInvitation(id: $id)
  }
`);

type Invitation = NonNullable<NonNullable<NonNullable<AdminInvitationsQuery["invitations"]["edges"]>[number]>["node"]>;

export function InvitationList() {
  const list = useLoad(async () => {
    const d = await request(AdminInvitations);
    return (d.invitations.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  }, []);
  const [link, setLink] = useState<{ name: string; link: string } | null>(null);
  const del = useAction();
  const remove = (inv: Invitation) => {
    if (!confirmDelete(`the invitation ${inv.name}; its link stops working`)) return;
    void del.run(async () => {
      await request(AdminDeleteInvitation, { id: inv.id });
      await list.reload();
    });
  };
  return (
    <>
      <PageHeader title="Invitations" />
      <p class="admin-intro">
        An invitation is a link that lets someone sign up through one enrollment flow; the flow needs an invitation stage. The link is shown
        once, when the invitation is created. Its fixed data become sign-up answers the invitee cannot change.
      </p>
      {link && (
        <SecretBox
          secret={link.link}
          title={`Link of the invitation ${link.name}`}
          warning="Only a hash of its token is stored. If it is lost, delete the invitation and create another."
          onDone={() => setLink(null)}
        />
      )}
      <section class="card" aria-labelledby="invitation-new-title">
        <h2 id="invitation-new-title" class="card__title">
          New invitation
        </h2>
        <InvitationForm
          onCreated={async (name, l) => {
            setLink({ name, link: l });
            await list.reload();
          }}
        />
      </section>
      <ErrorAlert error={list.error} title="The invitations could not be loaded." />
      <ErrorAlert error={del.error} title="The invitation was not deleted." />
      {!list.data && !list.error && <Loading what="invitations" />}
      {list.data && list.data.length === 0 && <p>No invitations yet.</p>}
      {list.data && list.data.length > 0 && (
        <Table caption="Invitations" testid="invitations" head={["Name", "Flow", "Uses", "Expires", "Created", ""]}>
          {list.data.map((inv) => (
            <tr key={inv.id} data-testid="invitation-row" data-name={inv.name}>
              <th scope="row">{inv.name}</th>
              <td>
                <a href={href(`/flows/${inv.flow.id}`)}>{inv.flow.name}</a>
              </td>
              <td data-testid="uses">
                {inv.singleUse ? (inv.uses > 0 ? "Used" : "Single use, unused") : `${inv.uses} (reusable)`}
              </td>
              <td>{inv.expires ? when(inv.expires) : <span class="admin-muted">Never</span>}</td>
              <td>
                {when(inv.createdAt)}
                {inv.createdBy && <div class="admin-muted">by {inv.createdBy.username}</div>}
              </td>
              <td>
                <button type="button" class="button button--small button--danger" disabled={del.busy} onClick={() => remove(inv)}>
                  Delete<span class="visually-hidden"> {inv.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

function InvitationForm({ onCreated }: { onCreated: (name: string, link: string) => Promise<void> }) {
  const [ids] = useState(() => uniqueId("invitation"));
  const flows = useLoad(async () => (await loadOptions("flow")).filter((f) => f.designation === "ENROLLMENT"), []);
  const [v, setV] = useState({ name: "", flowID: "", expires: "", singleUse: true, fixedData: "{}" });
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field === name ? messageOf(action.error).replace(`${field}: `, "") : undefined);
  const [dataError, setDataError] = useState<string>();
  const flowID = v.flowID || flows.data?.[0]?.id || "";
  return (
    <form
      class="form admin-form"
      data-testid="invitation-form"
      onSubmit={(e) => {
        e.preventDefault();
        let fixedData: unknown;
        try {
          fixedData = JSON.parse(v.fixedData || "{}");
        } catch {
          fixedData = undefined;
        }
        if (typeof fixedData !== "object" || fixedData === null || Array.isArray(fixedData)) {
          setDataError('Enter a JSON object, e.g. {"email": "new@example.com"}.');
          return;
        }
        setDataError(undefined);
        void action.run(async () => {
          const d = await request(AdminCreateInvitation, {
            input: {
              name: v.name.trim(),
              flowID,
              expires: v.expires ? new Date(v.expires).toISOString() : null,
              singleUse: v.singleUse,
              fixedData: fixedData as Record<string, unknown>,
            },
          });
          setV({ ...v, name: "", fixedData: "{}" });
          await onCreated(d.createInvitation.invitation.name, d.createInvitation.link);
        });
      }}
    >
      <ErrorAlert error={action.error} title="The invitation was not created." />
      <ErrorAlert error={flows.error} title="The enrollment flows could not be loaded." />
      <div class="admin-grid">
        <TextInput
          id={`${ids}-name`}
          name="name"
          label="Name"
          value={v.name}
          onValue={(name) => setV({ ...v, name })}
          required
          autoCapitalize="none"
          spellcheck={false}
          help="Lower-case letters, digits, - and _."
          error={err("name")}
        />
        <SelectInput
          id={`${ids}-flow`}
          label="Enrollment flow"
          value={flowID}
          onValue={(id) => setV({ ...v, flowID: id })}
          options={(flows.data ?? []).map((f) => ({ value: f.id, label: f.label }))}
          required
          help={flows.data && flows.data.length === 0 ? "There is no enrollment flow yet." : undefined}
          error={err("flowId")}
        />
        <TextInput
          id={`${ids}-expires`}
          name="expires"
          label="Expires"
          type="datetime-local"
          value={v.expires}
          onValue={(expires) => setV({ ...v, expires })}
          help="Empty: the link does not expire."
          error={err("expires")}
        />
      </div>
      <Checkbox
        id={`${ids}-single-use`}
        label="Single use"
        checked={v.singleUse}
        onChecked={(singleUse) => setV({ ...v, singleUse })}
        help="Spent by its first sign-up; otherwise usable until it expires or is deleted."
      />
      <TextArea
        id={`${ids}-fixed-data`}
        label="Fixed data (JSON)"
        value={v.fixedData}
        onValue={(fixedData) => setV({ ...v, fixedData })}
        code
        help='Sign-up answers the invitee cannot change, by prompt field key, e.g. {"email": "new@example.com"}.'
        error={dataError ?? err("fixedData")}
      />
      <FormActions busy={action.busy || !flowID} submit="Create invitation" />
    </form>
  );
}
