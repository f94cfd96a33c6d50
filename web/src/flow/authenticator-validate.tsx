// The second factor at login: one code field that takes an authenticator
// app's code or a recovery code (the server tries both).
import { useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";

export function AuthenticatorValidateStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"AuthenticatorValidateChallenge">>) {
  const [code, setCode] = useState("");
  const id = useMemo(() => uniqueId("mfa-code"), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useInitialFocus(errors, refs.current, () => refs.current.get("code") ?? null, autoFocus);
  const app = c.deviceClasses.includes("TOTP");
  const recovery = c.deviceClasses.includes("STATIC");
  const label = app ? "Code from your authenticator app" : recovery ? "Recovery code" : "Code";
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ authenticatorValidate: { code } });
      }}
    >
      <p>Confirm it is you with your second factor.</p>
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
      <Actions busy={busy} label="Verify" />
    </form>
  );
}
