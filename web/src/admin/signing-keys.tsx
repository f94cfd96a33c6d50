// The signing keys the OpenID Connect provider signs tokens with, read-only:
// the active keys (each algorithm's current key, and keys a provider pins or
// a rotation has yet to retire) and the retired ones, published until every
// token they signed has expired. Keys are created and rotated by the server;
// an administrator only chooses, on a provider's page, whether it pins one.
import type { AdminSigningKeysQuery } from "../gql/graphql";
import { request } from "../lib/graphql";
import { signingAlgorithms } from "./labels";
import { nodes } from "./options";
import { href } from "./router";
import { AdminSigningKeys } from "./sso-operations";
import { ErrorAlert, Loading, PageHeader, Table, useLoad, when } from "./ui";

type SigningKeyNode = NonNullable<NonNullable<NonNullable<AdminSigningKeysQuery["signingKeys"]["edges"]>[number]>["node"]>;

export function SigningKeyList() {
  const keys = useLoad(() => request(AdminSigningKeys), []);
  const all = keys.data ? nodes(keys.data.signingKeys.edges) : [];
  const active = all.filter((k) => !k.retiredAt);
  const retired = all.filter((k) => k.retiredAt);
  return (
    <>
      <PageHeader title="Signing keys" />
      <p class="admin-intro">
        The keys ID tokens are signed with. Each algorithm has one current key, replaced every 30 days; a replaced key stays published in the
        JWKS until every token it signed has expired, then it is deleted. A provider may pin a key on its page: the key then signs that
        provider's tokens and is kept until no provider pins it.
      </p>
      <ErrorAlert error={keys.error} title="The signing keys could not be loaded." />
      {!keys.data && !keys.error && <Loading what="signing keys" />}
      {keys.data && (
        <>
          <section class="card" aria-labelledby="keys-active-title">
            <h2 id="keys-active-title" class="card__title">
              Active
            </h2>
            <KeyTable caption="Active signing keys" testid="active-keys" keys={active} retired={false} />
            {active.length === 0 && <p>No key is active: the server creates them when it starts.</p>}
          </section>
          <section class="card" aria-labelledby="keys-retired-title">
            <h2 id="keys-retired-title" class="card__title">
              Retired
            </h2>
            <KeyTable caption="Retired signing keys" testid="retired-keys" keys={retired} retired />
            {retired.length === 0 && <p>No key has been retired yet.</p>}
          </section>
        </>
      )}
    </>
  );
}

function KeyTable({ caption, testid, keys, retired }: { caption: string; testid: string; keys: SigningKeyNode[]; retired: boolean }) {
  if (keys.length === 0) return null;
  const head = retired
    ? ["Key ID", "Algorithm", "Created", "Retired", "Removed after", "Pinned by"]
    : ["Key ID", "Algorithm", "Created", "Status", "Pinned by"];
  return (
    <Table caption={caption} testid={testid} head={head}>
      {keys.map((k) => (
        <tr key={k.id} data-testid="signing-key-row" data-kid={k.kid}>
          <th scope="row">
            <code>{k.kid}</code>
          </th>
          <td>{signingAlgorithms[k.algorithm]}</td>
          <td>{when(k.createdAt)}</td>
          {retired ? (
            <>
              <td>{when(k.retiredAt)}</td>
              <td data-testid="expires">{k.expiresAt ? when(k.expiresAt) : <span class="admin-muted">Kept while pinned</span>}</td>
            </>
          ) : (
            <td>
              {k.current ? (
                <span class="badge" data-testid="current">
                  current
                </span>
              ) : (
                <span class="admin-muted">Replaced; {k.pinnedBy?.length ? "kept while pinned" : "retired at the next rotation"}</span>
              )}
            </td>
          )}
          <td data-testid="pinned-by">
            {k.pinnedBy?.length ? (
              k.pinnedBy.map((p, i) => (
                <span key={p.id}>
                  {i > 0 && ", "}
                  <a href={href(`/providers/${p.id}`)}>{p.name}</a>
                </span>
              ))
            ) : (
              <span class="admin-muted">None</span>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}
