// Codes by email as a second factor, set up from the settings: the code sent
// to the account's address (or, for an account without one, first the
// address to send it to), with a button that sends a new code.
import { useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";

export function AuthenticatorEmailStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"AuthenticatorEmailChallenge">>) {
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const ids = useMemo(() => ({ email: uniqueId("otp-email"), code: uniqueId("email-code") }), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useInitialFocus(errors, refs.current, () => refs.current.get(c.emailRequired ? "email" : "code") ?? null, autoFocus);
  if (c.emailRequired) {
    return (
      <form
        class="form"
        method="post"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit({ authenticatorEmail: { email } });
        }}
      >
        <p>Your account has no email address. Enter the address we should send sign-in codes to; we send a code there to check it.</p>
        <TextInput
          id={ids.email}
          name="email"
          type="email"
          label="Email address"
          autoComplete="email"
          spellcheck={false}
          required
          value={email}
          onValue={setEmail}
          error={errors.byField.get("email")}
          inputRef={(el: HTMLInputElement | null) => refs.current.set("email", el)}
        />
        <Actions busy={busy} label="Send a code" />
      </form>
    );
  }
  const resendError = errors.byField.get("resend");
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ authenticatorEmail: { code } });
      }}
    >
      <p data-testid="email-code-sent">
        We sent a code to <strong>{c.email}</strong>. Enter it to use codes by email as your second factor.
      </p>
      <TextInput
        id={ids.code}
        name="code"
        label="Code"
        autoComplete="one-time-code"
        inputMode="numeric"
        spellcheck={false}
        required
        value={code}
        onValue={setCode}
        error={errors.byField.get("code")}
        inputRef={(el: HTMLInputElement | null) => refs.current.set("code", el)}
        class="otp-code"
      />
      {resendError && <p class="field__error">{resendError}</p>}
      <Actions busy={busy} label="Verify">
        <button type="button" class="button" disabled={busy} onClick={() => submit({ authenticatorEmail: { resend: true } })}>
          Send a new code
        </button>
      </Actions>
    </form>
  );
}
