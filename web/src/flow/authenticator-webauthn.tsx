// The passkey / security key (WebAuthn) setup challenge: an optional name
// for the device, and a button that asks the browser to create the
// credential (navigator.credentials.create, through webauthn.ts) and sends
// it.
import { useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";
import { createCredential, supported, WebAuthnError } from "./webauthn";

export function AuthenticatorWebauthnStep({
  challenge: c,
  errors,
  busy,
  submit,
  autoFocus,
}: StepProps<ChallengeOf<"AuthenticatorWebauthnChallenge">>) {
  const [name, setName] = useState("");
  const [waiting, setWaiting] = useState(false);
  const [problem, setProblem] = useState("");
  const id = useMemo(() => uniqueId("webauthn-name"), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useInitialFocus(errors, refs.current, () => refs.current.get("name") ?? null, autoFocus);
  const create = async () => {
    setProblem("");
    setWaiting(true);
    try {
      const response = await createCredential(c.registration);
      submit({ authenticatorWebauthn: { response, name: name.trim() || null } });
    } catch (e) {
      setProblem(e instanceof WebAuthnError ? e.message : "The browser could not create a passkey. Try again.");
    } finally {
      setWaiting(false);
    }
  };
  const error = problem || errors.byField.get("response");
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <p>Add a passkey or a security key: your browser asks you to choose where to keep it and to confirm with your fingerprint, face, PIN or key.</p>
      {!supported() && (
        <p class="alert alert--error" role="alert">
          This browser does not support passkeys. Use another browser or device.
        </p>
      )}
      <TextInput
        id={id}
        name="name"
        label="Name (optional)"
        help="To tell your devices apart, for example “Work laptop” or “Blue key”."
        autoComplete="off"
        value={name}
        onValue={setName}
        inputRef={(el: HTMLInputElement | null) => refs.current.set("name", el)}
      />
      {error && (
        <p class="alert alert--error" role="alert" data-testid="webauthn-error">
          {error}
        </p>
      )}
      <Actions busy={busy || waiting} label="Add passkey" />
    </form>
  );
}
