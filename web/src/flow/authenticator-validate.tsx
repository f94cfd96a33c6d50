// The second factor at login: one code field that takes an authenticator
// app's code, a code sent by email or a recovery code (the server tries
// them all), a button that asks for a code by email (EMAIL; the server
// sends one at once when it is the only class), and, when the
// server offers a passkey (challenge.webauthn, the options of
// navigator.credentials.get), a button that asks the browser for an
// assertion (webauthn.ts) and sends it. In a passwordless flow only the
// passkey is offered, and it identifies the person.
import { useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";
import { getAssertion, supported, WebAuthnError } from "./webauthn";

export function AuthenticatorValidateStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"AuthenticatorValidateChallenge">>) {
  const [code, setCode] = useState("");
  const [waiting, setWaiting] = useState(false);
  const [problem, setProblem] = useState("");
  const id = useMemo(() => uniqueId("mfa-code"), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  const app = c.deviceClasses.includes("TOTP");
  const recovery = c.deviceClasses.includes("STATIC");
  const mail = c.deviceClasses.includes("EMAIL");
  const codes = app || recovery || mail;
  const passkey = c.webauthn ?? null;
  useInitialFocus(errors, refs.current, () => refs.current.get(codes ? "code" : "webauthn") ?? null, autoFocus);
  const label = app ? "Code from your authenticator app" : mail ? "Code from the email" : recovery ? "Recovery code" : "Code";
  const mailError = errors.byField.get("sendEmail");
  const usePasskey = async () => {
    if (!passkey) return;
    setProblem("");
    setWaiting(true);
    try {
      const webauthn = await getAssertion(passkey);
      submit({ authenticatorValidate: { webauthn } });
    } catch (e) {
      setProblem(e instanceof WebAuthnError ? e.message : "The browser could not use a passkey. Try again.");
    } finally {
      setWaiting(false);
    }
  };
  const passkeyError = problem || errors.byField.get("webauthn");
  const passkeyButton = passkey && (
    <button
      type={codes ? "button" : "submit"}
      class={codes ? "button" : "button button--primary"}
      disabled={busy || waiting}
      aria-busy={waiting}
      data-testid="use-passkey"
      ref={(el: HTMLButtonElement | null) => {
        refs.current.set("webauthn", el);
      }}
      onClick={
        codes
          ? () => {
              void usePasskey();
            }
          : undefined
      }
    >
      {waiting ? "Waiting for your passkey…" : "Use your passkey / security key"}
    </button>
  );
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (codes) submit({ authenticatorValidate: { code } });
        else void usePasskey();
      }}
    >
      <p>
        {codes
          ? "Confirm it is you with your second factor."
          : `${c.pendingUser ? "Confirm it is you" : "Sign in"} with your passkey or security key: your browser asks you to choose it and to confirm with your fingerprint, face, PIN or key.`}
      </p>
      {passkey && !supported() && (
        <p class="alert alert--error" role="alert">
          This browser does not support passkeys.{codes ? " Enter a code instead." : " Use another browser or device."}
        </p>
      )}
      {codes && (
        <TextInput
          id={id}
          name="code"
          label={label}
          help={app && recovery ? "No access to the app? A recovery code works here too." : undefined}
          autoComplete="one-time-code"
          inputMode={recovery ? "text" : "numeric"}
          autoCapitalize="off"
          autoCorrect="off"
          spellcheck={false}
          required
          value={code}
          onValue={setCode}
          error={errors.byField.get("code")}
          inputRef={(el: HTMLInputElement | null) => refs.current.set("code", el)}
          class="otp-code"
        />
      )}
      {mail && (
        <p role="status" data-testid="email-code-sent">
          {c.emailSentTo ? (
            <>
              We sent a code to <strong>{c.emailSentTo}</strong>.
            </>
          ) : (
            "We can send you a code by email."
          )}
        </p>
      )}
      {mailError && (
        <p class="alert alert--error" role="alert">
          {mailError}
        </p>
      )}
      {passkeyError && (
        <p class="alert alert--error" role="alert" data-testid="webauthn-error">
          {passkeyError}
        </p>
      )}
      {codes ? (
        <Actions busy={busy} label="Verify">
          {mail && (
            <button
              type="button"
              class="button"
              disabled={busy}
              data-testid="send-email-code"
              onClick={() => submit({ authenticatorValidate: { sendEmail: true } })}
            >
              {c.emailSentTo ? "Send a new code" : "Email me a code"}
            </button>
          )}
          {passkeyButton}
        </Actions>
      ) : (
        <div class="actions">{passkeyButton}</div>
      )}
    </form>
  );
}
