// The authenticator app (TOTP) setup challenge: the QR code, the key for
// manual entry, and the first code.
import { useMemo, useRef, useState } from "preact/hooks";
import { TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";

export function AuthenticatorTotpStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"AuthenticatorTotpChallenge">>) {
  const [code, setCode] = useState("");
  const [copied, setCopied] = useState<"" | "copied" | "failed">("");
  const id = useMemo(() => uniqueId("totp-code"), []);
  const secretId = useMemo(() => uniqueId("totp-secret"), []);
  const secretInput = useRef<HTMLInputElement>(null);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useInitialFocus(errors, refs.current, () => refs.current.get("code") ?? null, autoFocus);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(c.secret);
      setCopied("copied");
    } catch {
      // No clipboard (an insecure origin, or refused): select it to copy by hand.
      secretInput.current?.select();
      setCopied("failed");
    }
  };
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ authenticatorTotp: { code } });
      }}
    >
      <p>Scan this QR code with your authenticator app, then enter the code the app shows.</p>
      <img class="totp-qr" src={c.qrCode} alt="QR code of the authenticator app's secret" data-testid="totp-qr" />
      <div class="field">
        <label for={secretId}>Or enter this key in the app</label>
        <div class="totp-secret">
          <input
            id={secretId}
            ref={secretInput}
            class="totp-secret__value"
            data-testid="totp-secret"
            type="text"
            readOnly
            value={c.secret}
            spellcheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p role="status" class="field__help">
          {copied === "copied" && "Copied to the clipboard."}
          {copied === "failed" && "The browser did not allow copying: the key is selected, copy it with the keyboard."}
        </p>
      </div>
      <TextInput
        id={id}
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
      <Actions busy={busy} label="Verify" />
    </form>
  );
}
