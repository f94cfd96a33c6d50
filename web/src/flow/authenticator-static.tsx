// Recovery codes, shown once: copy them or download them as a text file
// (a Blob behind an object URL: the CSP allows no inline script), then
// confirm they are kept.
import { useState } from "preact/hooks";
import { Actions, type ChallengeOf, type StepProps } from "./step";

export function AuthenticatorStaticStep({ challenge: c, errors, busy, submit }: StepProps<ChallengeOf<"AuthenticatorStaticChallenge">>) {
  const [status, setStatus] = useState("");
  const text = `Recovery codes${c.pendingUser ? ` for ${c.pendingUser}` : ""}. Each works once.\n\n${c.codes.join("\n")}\n`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied to the clipboard.");
    } catch {
      setStatus("The browser did not allow copying: select the codes and copy them with the keyboard.");
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "recovery-codes.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setStatus("Downloaded recovery-codes.txt.");
  };
  const error = errors.byField.get("confirm");
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ authenticatorStatic: { confirm: true } });
      }}
    >
      <p>
        Keep these recovery codes somewhere safe. Each one signs you in once when your authenticator is not at hand. They are shown only now;
        new codes replace any you had.
      </p>
      <ol class="recovery-codes" data-testid="recovery-codes">
        {c.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div class="actions">
        <button type="button" class="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="button" onClick={download}>
          Download
        </button>
      </div>
      <p role="status" class="field__help">
        {status}
      </p>
      {error && (
        <p class="field__error" role="alert">
          {error}
        </p>
      )}
      <Actions busy={busy} label="I have saved these codes" />
    </form>
  );
}
