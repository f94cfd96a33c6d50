// One component per challenge type, and the fields each stage kind's
// challenge is read with. ChallengeView picks the component by __typename;
// the switch is exhaustive, so a challenge type added to the schema fails
// the build until it has a component, and a type this build does not know
// (a newer server) gets a clear message instead of a blank page.
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { graphql } from "../gql";
import type { ChallengeResponseInput } from "../gql/graphql";
import { AuthenticatorStaticStep } from "./authenticator-static";
import { AuthenticatorTotpStep } from "./authenticator-totp";
import { AuthenticatorWebauthnStep } from "./authenticator-webauthn";
import { AuthenticatorValidateStep } from "./authenticator-validate";
import { AuthenticatorEmailStep } from "./authenticator-email";
import { CaptchaStep } from "./captcha";
import { EmailContinueStep, EmailStep } from "./email";
import { PasswordInput, sortErrors, TextInput, uniqueId, type Errors } from "./fields";
import { PromptStep } from "./prompt";
import { ConsentStep, DeviceCodeStep } from "./sso";
import { Actions, useClearOnRejection, useInitialFocus, type Challenge, type ChallengeOf, type Execution, type StepProps } from "./step";

// Each stage kind's challenge fields, listed here next to the components
// that show them; every query of an execution reads them (ExecutionFields
// in operations.ts spreads this fragment).
export const StageChallengeFields = graphql(`
  fragment StageChallengeFields on Challenge {
    ... on IdentificationChallenge {
      userFields
      passwordFields
      allowShowPassword
      enrollUrl
      recoveryUrl
      passwordlessUrl
      primaryAction
      enableRememberMe
      loginHint
    }
    ... on PasswordChallenge {
      allowShowPassword
    }
    ... on PromptChallenge {
      fields {
        fieldKey
        label
        type
        required
        placeholder
        initialValue
        order
        subText
        choices
      }
    }
    ... on DummyChallenge {
      name
    }
    ... on ConsentChallenge {
      applicationName
      applicationIcon
      permissions {
        scope
        description
        new
      }
    }
    ... on DeviceCodeChallenge {
      code
    }
    ... on AuthenticatorTotpChallenge {
      configUrl
      qrCode
      secret
    }
    ... on AuthenticatorWebauthnChallenge {
      registration
    }
    ... on EmailChallenge {
      to
      verified
    }
    ... on AuthenticatorStaticChallenge {
      codes
    }
    ... on AuthenticatorValidateChallenge {
      deviceClasses
      webauthn
      emailSentTo
    }
    ... on AuthenticatorEmailChallenge {
      email
      emailRequired
    }
    ... on CaptchaChallenge {
      provider
      siteKey
      challenge
      difficulty
      scriptUrl
      flowInfo {
        designation
      }
    }
  }
`);

export interface ChallengeViewProps {
  execution: Execution;
  busy: boolean;
  /** A message about the last attempt that is not a field error (network, rate limit). */
  notice: string;
  submit: (response: ChallengeResponseInput) => void;
  restart: () => void;
  headingLevel: 1 | 2;
  /** Inside another page: no "Not you?". */
  embedded: boolean;
  /** Focus the first field when the challenge appears (else only after a rejected answer). */
  autoFocus: boolean;
}

/** The current challenge, framed by the flow's title and the error summary. */
export function ChallengeView({ execution, busy, notice, submit, restart, headingLevel, embedded, autoFocus }: ChallengeViewProps) {
  const c = execution.challenge;
  const errors = useMemo(() => sortErrors(c.errors ?? []), [c]);
  const H = headingLevel === 1 ? "h1" : "h2";
  const pendingUser = c.pendingUser ?? "";
  return (
    <div class="challenge" data-challenge={c.__typename}>
      <H class="challenge__title">{execution.flow.title}</H>
      {pendingUser && !embedded && c.__typename !== "RedirectChallenge" && (
        <div class="pending-user">
          <span class="pending-user__name" data-testid="pending-user">{pendingUser}</span>
          <button type="button" class="link-button" onClick={restart} disabled={busy}>
            Not you?
          </button>
        </div>
      )}
      <Announcement errors={errors} notice={notice} />
      {body(c, { errors, busy, submit, restart, autoFocus })}
    </div>
  );
}

/**
 * The errors of the last response, announced to screen readers as they
 * appear (role=alert). Field errors are also shown by their fields.
 */
function Announcement({ errors, notice }: { errors: Errors; notice: string }) {
  const lines = [...(notice ? [notice] : []), ...errors.general];
  const fields = [...errors.byField.values()];
  if (!lines.length) {
    // Field errors are shown by their fields; screen readers hear them here.
    return (
      <div role="alert" class="visually-hidden">
        {fields.length > 0 && `${fields.length === 1 ? "One field needs" : `${fields.length} fields need`} your attention: ${fields.join(" ")}`}
      </div>
    );
  }
  return (
    <div role="alert" class="alert alert--error" data-testid="flow-errors">
      {lines.map((l) => (
        <p key={l}>{l}</p>
      ))}
    </div>
  );
}

function body(c: Challenge, p: Omit<StepProps<never>, "challenge">): ComponentChildren {
  switch (c.__typename) {
    case "IdentificationChallenge":
      return <IdentificationStep challenge={c} {...p} />;
    case "PasswordChallenge":
      return <PasswordStep challenge={c} {...p} />;
    case "PromptChallenge":
      return <PromptStep challenge={c} {...p} />;
    case "UserLoginChallenge":
      return <UserLoginStep challenge={c} {...p} />;
    case "DummyChallenge":
      return <DummyStep challenge={c} {...p} />;
    case "ConsentChallenge":
      return <ConsentStep challenge={c} {...p} />;
    case "DeviceCodeChallenge":
      return <DeviceCodeStep challenge={c} {...p} />;
    case "AuthenticatorTotpChallenge":
      return <AuthenticatorTotpStep challenge={c} {...p} />;
    case "AuthenticatorWebauthnChallenge":
      return <AuthenticatorWebauthnStep challenge={c} {...p} />;
    case "EmailChallenge":
      return <EmailStep challenge={c} {...p} />;
    case "EmailContinueChallenge":
      return <EmailContinueStep challenge={c} {...p} />;
    case "AuthenticatorStaticChallenge":
      return <AuthenticatorStaticStep challenge={c} {...p} />;
    case "AuthenticatorValidateChallenge":
      return <AuthenticatorValidateStep challenge={c} {...p} />;
    case "AuthenticatorEmailChallenge":
      return <AuthenticatorEmailStep challenge={c} {...p} />;
    case "CaptchaChallenge":
      return <CaptchaStep challenge={c} busy={p.busy} submit={p.submit} errors={p.errors} />;
    case "RedirectChallenge":
      return <RedirectStep challenge={c} />;
    case "AccessDeniedChallenge":
      return <AccessDeniedStep challenge={c} {...p} />;
    case "FlowErrorChallenge":
      return <FlowErrorStep challenge={c} {...p} />;
    default:
      return <UnknownStep typename={(c as { __typename?: string }).__typename ?? "unknown"} exhaustive={c} />;
  }
}

function uidLabel(fields: readonly string[]): { label: string; type: "text" | "email" } {
  const names = fields.map((f) => ({ USERNAME: "username", EMAIL: "email", UPN: "UPN" })[f] ?? f.toLowerCase());
  if (fields.length === 1 && fields[0] === "EMAIL") return { label: "Email", type: "email" };
  const text = names.join(" or ");
  return { label: text.charAt(0).toUpperCase() + text.slice(1), type: "text" };
}

function IdentificationStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"IdentificationChallenge">>) {
  const [uid, setUid] = useState(c.loginHint);
  const [password, setPassword] = useState("");
  const ids = useMemo(() => ({ uid: uniqueId("uid"), password: uniqueId("password") }), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useClearOnRejection(errors, () => setPassword(""));
  useInitialFocus(errors, refs.current, () => refs.current.get("uidField") ?? null, autoFocus);
  const { label, type } = uidLabel(c.userFields);
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ identification: { uidField: uid, ...(c.passwordFields ? { password } : {}) } });
      }}
    >
      <TextInput
        id={ids.uid}
        name="username"
        label={label}
        type={type}
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellcheck={false}
        required
        value={uid}
        onValue={setUid}
        error={errors.byField.get("uidField")}
        inputRef={(el: HTMLInputElement | null) => refs.current.set("uidField", el)}
      />
      {c.passwordFields && (
        <PasswordInput
          id={ids.password}
          name="password"
          label="Password"
          autoComplete="current-password"
          allowShow={c.allowShowPassword}
          required
          value={password}
          onValue={setPassword}
          error={errors.byField.get("password")}
          inputRef={(el: HTMLInputElement | null) => refs.current.set("password", el)}
        />
      )}
      <Actions busy={busy} label={c.primaryAction || "Log in"} />
      <Links
        links={[
          c.recoveryUrl && { href: c.recoveryUrl, text: "Forgot username or password?" },
          c.passwordlessUrl && { href: c.passwordlessUrl, text: "Use a security key instead" },
          c.enrollUrl && { href: c.enrollUrl, text: "Need an account? Sign up." },
        ]}
      />
    </form>
  );
}

function Links({ links }: { links: (false | "" | { href: string; text: string })[] }) {
  const shown = links.filter((l): l is { href: string; text: string } => Boolean(l));
  if (!shown.length) return null;
  return (
    <ul class="flow-links">
      {shown.map((l) => (
        <li key={l.href}>
          <a href={l.href}>{l.text}</a>
        </li>
      ))}
    </ul>
  );
}

function PasswordStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"PasswordChallenge">>) {
  const [password, setPassword] = useState("");
  const id = useMemo(() => uniqueId("password"), []);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useClearOnRejection(errors, () => setPassword(""));
  useInitialFocus(errors, refs.current, () => refs.current.get("password") ?? null, autoFocus);
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit({ password: { password } });
      }}
    >
      {/* Tells password managers whose password this is. */}
      <input type="text" name="username" autoComplete="username" value={c.pendingUser ?? ""} readOnly hidden />
      <PasswordInput
        id={id}
        name="password"
        label="Password"
        autoComplete="current-password"
        allowShow={c.allowShowPassword}
        required
        value={password}
        onValue={setPassword}
        error={errors.byField.get("password")}
        inputRef={(el: HTMLInputElement | null) => refs.current.set("password", el)}
      />
      <Actions busy={busy} label="Continue" />
    </form>
  );
}

function UserLoginStep({ busy, submit, errors, autoFocus }: StepProps<ChallengeOf<"UserLoginChallenge">>) {
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (autoFocus) yes.current?.focus();
  }, [errors, autoFocus]);
  return (
    <form class="form" method="post" onSubmit={(e) => e.preventDefault()}>
      <p>Stay signed in on this device? Choose “No” on a computer others use.</p>
      <div class="actions actions--row">
        <button ref={yes} type="button" class="button button--primary" disabled={busy} onClick={() => submit({ userLogin: { rememberMe: true } })}>
          Yes, stay signed in
        </button>
        <button type="button" class="button" disabled={busy} onClick={() => submit({ userLogin: { rememberMe: false } })}>
          No
        </button>
      </div>
    </form>
  );
}

function DummyStep({ challenge: c, busy, submit, errors, autoFocus }: StepProps<ChallengeOf<"DummyChallenge">>) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (autoFocus) button.current?.focus();
  }, [errors, autoFocus]);
  return (
    <form
      class="form"
      method="post"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ dummy: { continue: true } });
      }}
    >
      <p>{c.name}</p>
      <div class="actions">
        <button ref={button} type="submit" class="button button--primary" disabled={busy}>
          Continue
        </button>
      </div>
    </form>
  );
}

function RedirectStep({ challenge: c }: { challenge: ChallengeOf<"RedirectChallenge"> }) {
  return (
    <div class="flow-status" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Redirecting… <a href={c.to.startsWith("/") && !c.to.startsWith("//") ? c.to : "/"}>Continue</a>
    </div>
  );
}

function AccessDeniedStep({ challenge: c, restart, autoFocus }: StepProps<ChallengeOf<"AccessDeniedChallenge">>) {
  const again = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (autoFocus) again.current?.focus();
  }, [autoFocus]);
  return (
    <div class="denied">
      <p class="alert alert--error" role="alert">
        {c.errorMessage || "Access denied."}
      </p>
      <button ref={again} type="button" class="button" onClick={restart}>
        Start again
      </button>
    </div>
  );
}

function FlowErrorStep({ challenge: c, restart }: StepProps<ChallengeOf<"FlowErrorChallenge">>) {
  return (
    <div class="denied">
      <div class="alert alert--error" role="alert">
        <p>Something went wrong on our side, and this step could not be shown.</p>
        <p>
          If it keeps happening, give an administrator this reference: <code>{c.requestId}</code>
        </p>
      </div>
      <button type="button" class="button" onClick={restart}>
        Start again
      </button>
    </div>
  );
}

function UnknownStep({ typename }: { typename: string; exhaustive: never }) {
  return (
    <div class="alert alert--error" role="alert" data-testid="unknown-challenge">
      <p>
        This page cannot show the next step (<code>{typename}</code>). The web frontend is older than the server:
        reload the page, and if that does not help, tell an administrator.
      </p>
    </div>
  );
}
