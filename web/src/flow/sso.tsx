// The challenges of signing in to another application: consent to an
// application's scopes, and confirming a device's code (RFC 8628).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";

export function ConsentStep({ challenge: c, busy, submit, errors, autoFocus }: StepProps<ChallengeOf<"ConsentChallenge">>) {
  const allow = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (autoFocus) allow.current?.focus();
  }, [errors, autoFocus]);
  const fresh = c.permissions.filter((p) => p.new);
  const known = c.permissions.filter((p) => !p.new);
  return (
    <form class="form" method="post" onSubmit={(e) => e.preventDefault()}>
      <p>
        <strong>{c.applicationName}</strong> {known.length > 0 ? "also asks for:" : "asks for:"}
      </p>
      <ul class="consent-permissions">
        {fresh.map((p) => (
          <li key={p.scope}>{p.description}</li>
        ))}
      </ul>
      {known.length > 0 && (
        <>
          <p>You already allowed:</p>
          <ul class="consent-permissions consent-permissions--known">
            {known.map((p) => (
              <li key={p.scope}>{p.description}</li>
            ))}
          </ul>
        </>
      )}
      <div class="actions actions--row">
        <button ref={allow} type="button" class="button button--primary" disabled={busy} onClick={() => submit({ consent: { approve: true } })}>
          Allow
        </button>
        <button type="button" class="button" disabled={busy} onClick={() => submit({ consent: { approve: false } })}>
          Deny
        </button>
      </div>
    </form>
  );
}

export function DeviceCodeStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"DeviceCodeChallenge">>) {
  const [code, setCode] = useState(c.code);
  const id = useMemo(() => uniqueId("device-code"), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useInitialFocus(errors, refs.current, () => refs.current.get("code") ?? null, autoFocus);
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ deviceCode: { code } });
      }}
    >
      <p>
        {c.code
          ? "Check that this is the code your device shows, then continue."
          : "Enter the code your device shows."}{" "}
        Only continue if you started signing in on that device yourself.
      </p>
      <TextInput
        id={id}
        name="code"
        label="Code"
        autoComplete="off"
        autoCapitalize="characters"
        spellcheck={false}
        placeholder="BCDF-GHJK"
        required
        value={code}
        onValue={setCode}
        error={errors.byField.get("code")}
        inputRef={(el: HTMLInputElement | null) => refs.current.set("code", el)}
        class="device-code"
      />
      <Actions busy={busy} label="Continue" />
    </form>
  );
}
