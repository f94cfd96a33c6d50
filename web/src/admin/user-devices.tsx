// A user's second factors on the console's user page: listed, and
// deleted (a person who lost their authenticator and their recovery codes
// gets back in without one, then sets up a new one).
import { graphql } from "../gql";
import { deviceClassLabels } from "../lib/devices";
import { request } from "../lib/graphql";
import { confirmDelete, ErrorAlert, Loading, Table, useAction, useLoad, when } from "./ui";

const AdminUserDevices = graphql(`
  query AdminUserDevices($id: ID!) {
    node(id: $id) {
      ... on User {
        authenticatorDevices {
          id
          deviceClass
          name
          createdAt
          lastUsedAt
          remainingCodes
        }
      }
    }
  }
`);

const AdminDeleteUserDevice = graphql(`
  mutation AdminDeleteUserDevice($id: ID!) {
    deleteUserAuthenticatorDevice(id: $id)
  }
`);

export function UserDevices({ userId, username, onFlash }: { userId: string; username: string; onFlash: (m: string) => void }) {
  const devices = useLoad(async () => {
    const d = await request(AdminUserDevices, { id: userId });
    return d.node && "authenticatorDevices" in d.node ? d.node.authenticatorDevices : [];
  }, [userId]);
  const del = useAction();
  if (devices.error) return <ErrorAlert error={devices.error} title="The second factors could not be loaded." />;
  if (devices.data === undefined) return <Loading what="the second factors" />;
  if (devices.data.length === 0) return <p>{username} has no second factor.</p>;
  return (
    <>
      <ErrorAlert error={del.error} title="The device was not deleted." />
      <Table caption={`Second factors of ${username}`} testid="user-devices" head={["Name", "Kind", "Added", "Last used", ""]}>
        {devices.data.map((d) => (
          <tr key={d.id}>
            <td>{d.name}</td>
            <td>
              {deviceClassLabels[d.deviceClass] ?? d.deviceClass}
              {d.remainingCodes != null && ` (${d.remainingCodes} unused)`}
            </td>
            <td>{when(d.createdAt)}</td>
            <td>{when(d.lastUsedAt)}</td>
            <td>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={del.busy}
                aria-label={`Delete ${d.name} of ${username}`}
                onClick={() => {
                  if (!confirmDelete(`${d.name} of ${username}`)) return;
                  void del.run(async () => {
                    await request(AdminDeleteUserDevice, { id: d.id });
                    await devices.reload();
                    onFlash(`${d.name} of ${username} was deleted.`);
                  });
                }}
              >
                Delete
              </button>
            </td>
          </tr>
        ))}
      </Table>
    </>
  );
}
