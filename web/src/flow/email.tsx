// The email stage's two pages: "check your mail" (with resend; when the
// link was confirmed on another device after a verification, it goes on by
// itself) and the page the mailed link opens, which asks the person to
// continue (fetching the link consumes nothing).
import { useEffect, useRef } from "preact/hooks";
import { Actions, type ChallengeOf, type StepProps } from "./step";

export function EmailStep({ challenge: c, errors, busy, submit }: StepProps<ChallengeOf<"EmailChallenge">>) {
  // Verified elsewhere: answer once, so this device continues to the login.
  const answered = useRef(false);
  useEffect(() => {
    if (c.verified && !answered.current) {
      answered.current = true;
      submit({ email: { resend: false } });
    }
  }, [c.verified, submit]);
  if (c.verified) {
    return (
      <p role="status" data-testid="email-verified">
        Your address is verified. Continuing…
      </p>
    );
  }
  const limited = errors.byField.get("resend");
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ email: { resend: true } });
      }}
    >
      <p data-testid="email-sent">
        {c.to ? (
          <>
            We sent an email to <strong>{c.to}</strong>.
          </>
        ) : (
          "We sent an email to the address of the account."
        )}{" "}
        Open the link it holds to continue; you can open it on this device or another one. This page moves on by itself once the link
        is used.
      </p>
      {limited && <p class="field__error">{limited}</p>}
      <Actions busy={busy} label="Send the email again" />
    </form>
  );
}

export function EmailContinueStep({ busy, submit, autoFocus }: StepProps<ChallengeOf<"EmailContinueChallenge">>) {
  const button = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (autoFocus) button.current?.querySelector("button")?.focus();
  }, [autoFocus]);
  return (
    <form
      ref={button}
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ emailContinue: { confirm: true } });
      }}
    >
      <p>You opened the link from your email. Continue here, on this device?</p>
      <Actions busy={busy} label="Continue" />
    </form>
  );
}
