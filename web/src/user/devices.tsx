// The settings page's second factors: the user's authenticator apps,
// passkeys and recovery codes (rename, delete) and the setup flows that add them, run
// in place.
import { useCallback, useEffect, useState } from "preact/hooks";
import { graphql } from "../gql";
import type { MyAuthenticatorDevicesQuery } from "../gql/graphql";
import { deviceClassLabels } from "../lib/devices";
import { codes, messageOf, request, RequestError } from "../lib/graphql";
import { EmbeddedFlow } from "./embedded-flow";

export const MyAuthenticatorDevices = graphql(`
  query MyAuthenticatorDevices {
    viewer {
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
`);

export const RenameAuthenticatorDevice = graphql(`
  mutation RenameAuthenticatorDevice($id: ID!, $name: String!) {
    renameAuthenticatorDevice(id: $id, name: $name) {
      id
      name
    }
  }
`);

export const DeleteAuthenticatorDevice = graphql(`
  mutation DeleteAuthenticatorDevice($id: ID!) {
    deleteAuthenticatorDevice(id: $id)
  }
`);

/** The default setup flows (blueprints default-authenticator-*-setup). */
const setupFlows = [
  { slug: "default-authenticator-totp-setup", label: "Set up an authenticator app", done: "Your authenticator app is set up." },
  { slug: "default-authenticator-static-setup", label: "Get new recovery codes", done: "Your recovery codes are saved." },
  { slug: "default-authenticator-webauthn-setup", label: "Add a passkey or security key", done: "Your passkey is saved." },
  { slug: "default-authenticator-email-setup", label: "Get codes by email", done: "Codes by email are set up." },
];

/**
 * The flow that confirms a second factor without logging out (blueprint
 * default-mfa-confirmation-flow): deleting the last one answers
 * MFA_REQUIRED unless the session passed one in the last ten minutes.
 */
const confirmationFlow = "default-mfa-confirmation-flow";

type Device = MyAuthenticatorDevicesQuery["viewer"]["authenticatorDevices"][number];

export function DevicesSection() {
  const [devices, setDevices] = useState<Device[] | undefined>();
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [setup, setSetup] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | undefined>();
  const [confirming, setConfirming] = useState<Device | undefined>();

  const load = useCallback(async () => {
    try {
      setDevices((await request(MyAuthenticatorDevices)).viewer.authenticatorDevices);
      setError("");
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setStatus(await what());
      setError("");
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      await load();
    }
  };

  if (error && !devices) return <p class="alert alert--error" role="alert">{error}</p>;
  if (!devices) return <p role="status">Loading your second factors…</p>;
  const flow = setupFlows.find((f) => f.slug === setup);
  const remove = (d: Device) =>
    act(async () => {
      try {
        await request(DeleteAuthenticatorDevice, { id: d.id });
      } catch (err) {
        if (!(err instanceof RequestError) || err.code !== codes.mfaRequired) throw err;
        setConfirming(d);
        return `${d.name} is your last second factor: confirm it's you to delete it.`;
      }
      return "The device was deleted.";
    });
  return (
    <div>
      <p>A second factor protects your account when your password is not enough: a code from an authenticator app, a passkey or security key, a code by email, or a recovery code.</p>
      <div role="status" aria-live="polite" class={status ? "alert alert--success" : "visually-hidden"}>
        {status}
      </div>
      {error && (
        <p class="alert alert--error" role="alert">
          {error}
        </p>
      )}
      {devices.length === 0 ? (
        <p>You have no second factor yet.</p>
      ) : (
        <ul class="session-list" data-testid="authenticator-devices">
          {devices.map((d) => (
            <li key={d.id} class="session">
              <div class="session__what">
                {renaming?.id === d.id ? (
                  <form
                    class="device-rename"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const name = renaming.name;
                      setRenaming(undefined);
                      void act(async () => {
                        await request(RenameAuthenticatorDevice, { id: d.id, name });
                        return "The device was renamed.";
                      });
                    }}
                  >
                    <label class="visually-hidden" for={`rename-${d.id}`}>
                      New name
                    </label>
                    <input
                      id={`rename-${d.id}`}
                      value={renaming.name}
                      maxLength={100}
                      onInput={(e) => setRenaming({ id: d.id, name: e.currentTarget.value })}
                    />
                    <button type="submit" class="button button--small" disabled={busy}>
                      Save
                    </button>
                  </form>
                ) : (
                  <strong>{d.name}</strong>
                )}
                <div class="session__meta">
                  {deviceClassLabels[d.deviceClass] ?? d.deviceClass}
                  {d.remainingCodes != null && ` · ${d.remainingCodes} unused`}
                  {` · added ${new Date(d.createdAt).toLocaleDateString()}`}
                  {d.lastUsedAt && ` · last used ${new Date(d.lastUsedAt).toLocaleString()}`}
                </div>
              </div>
              <button type="button" class="button button--small" disabled={busy} onClick={() => setRenaming({ id: d.id, name: d.name })}>
                Rename
              </button>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={busy}
                aria-label={`Delete ${d.name}`}
                onClick={() => {
                  if (!window.confirm(`Delete ${d.name}? You can no longer sign in with it.`)) return;
                  void remove(d);
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {confirming ? (
        <div data-testid="mfa-confirmation">
          <EmbeddedFlow
            slug={confirmationFlow}
            doneMessage="Your second factor is confirmed."
            onDone={() => {
              setConfirming(undefined);
              void remove(confirming);
            }}
          />
          <button type="button" class="button" onClick={() => setConfirming(undefined)}>
            Keep {confirming.name}
          </button>
        </div>
      ) : flow ? (
        <EmbeddedFlow
          slug={flow.slug}
          doneMessage={flow.done}
          onDone={() => {
            setSetup("");
            void load();
          }}
        />
      ) : (
        <div class="actions">
          {setupFlows.map((f) => (
            <button key={f.slug} type="button" class="button" onClick={() => setSetup(f.slug)}>
              {f.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
