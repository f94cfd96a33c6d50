// The prompt stage's challenge: a form of the fields the stage's
// configuration lists (text, email, username, password, number, checkbox,
// date, choices), each with its autocomplete hint and initial value.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { PromptFieldType } from "../gql/graphql";
import { Checkbox, Field, PasswordInput, TextInput, uniqueId } from "./fields";
import { Actions, useInitialFocus, type ChallengeOf, type StepProps } from "./step";

type PromptField = ChallengeOf<"PromptChallenge">["fields"][number];

function initialValue(f: PromptField): string | boolean {
  if (f.type === "CHECKBOX") return f.initialValue === "true";
  return f.initialValue;
}

/** The autocomplete token of a prompt field, for browsers and password managers. */
function autocompleteOf(f: PromptField): string {
  switch (f.type) {
    case "PASSWORD":
      return "new-password";
    case "USERNAME":
      return "username";
    case "EMAIL":
      return "email";
  }
  switch (f.fieldKey) {
    case "name":
      return "name";
    case "given_name":
    case "attributes.given_name":
      return "given-name";
    case "family_name":
    case "attributes.family_name":
      return "family-name";
    case "phone":
    case "attributes.phone":
      return "tel";
  }
  return "off";
}

const inputTypes: Partial<Record<PromptFieldType, string>> = {
  TEXT: "text",
  EMAIL: "email",
  USERNAME: "text",
  NUMBER: "number",
  DATE: "date",
  DATE_TIME: "datetime-local",
};

export function PromptStep({ challenge: c, errors, busy, submit, autoFocus }: StepProps<ChallengeOf<"PromptChallenge">>) {
  const fields = useMemo(() => [...c.fields].sort((a, b) => a.order - b.order), [c.fields]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((f) => [f.fieldKey, initialValue(f)])),
  );
  const ids = useMemo(() => Object.fromEntries(fields.map((f) => [f.fieldKey, uniqueId("field")])), [fields]);
  const refs = useRef(new Map<string, HTMLElement | null>());
  // Rejected passwords are typed again, as on every other form.
  useEffect(() => {
    if (!errors.byField.size && !errors.general.length) return;
    setValues((v) => ({ ...v, ...Object.fromEntries(fields.filter((f) => f.type === "PASSWORD").map((f) => [f.fieldKey, ""])) }));
  }, [errors, fields]);
  useInitialFocus(
    errors,
    refs.current,
    () => {
      for (const el of refs.current.values()) if (el) return el;
      return null;
    },
    autoFocus,
  );
  const set = (key: string) => (value: string | boolean) => setValues((v) => ({ ...v, [key]: value }));
  const hasInput = fields.some((f) => !["STATIC", "SEPARATOR", "HIDDEN", "TEXT_READ_ONLY"].includes(f.type));
  return (
    <form
      class="form"
      method="post"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          if (f.type === "STATIC" || f.type === "SEPARATOR") continue;
          const v = values[f.fieldKey];
          if (f.type === "NUMBER" && typeof v === "string") out[f.fieldKey] = v.trim() === "" ? "" : Number(v);
          else if (f.type === "DATE_TIME" && typeof v === "string" && v) out[f.fieldKey] = new Date(v).toISOString();
          else out[f.fieldKey] = v;
        }
        submit({ prompt: { values: out } });
      }}
    >
      {fields.map((f) => (
        <PromptInput
          key={f.fieldKey}
          field={f}
          id={ids[f.fieldKey] ?? f.fieldKey}
          value={values[f.fieldKey] ?? ""}
          onValue={set(f.fieldKey)}
          error={errors.byField.get(f.fieldKey)}
          inputRef={(el) => refs.current.set(f.fieldKey, el)}
        />
      ))}
      <Actions busy={busy} label={hasInput ? "Continue" : "OK"} />
    </form>
  );
}

interface PromptInputProps {
  field: PromptField;
  id: string;
  value: string | boolean;
  onValue: (v: string | boolean) => void;
  error: string | undefined;
  inputRef: (el: HTMLElement | null) => void;
}

function PromptInput({ field: f, id, value, onValue, error, inputRef }: PromptInputProps) {
  const help = f.subText || undefined;
  const common = { name: f.fieldKey, required: f.required, placeholder: f.placeholder || undefined };
  switch (f.type) {
    case "SEPARATOR":
      return <hr class="separator" />;
    case "STATIC":
      return <p class="static-text">{f.initialValue}</p>;
    case "HIDDEN":
      return <input type="hidden" name={f.fieldKey} value={String(value)} />;
    case "PASSWORD":
      return (
        <PasswordInput
          {...common}
          id={id}
          label={f.label}
          autoComplete="new-password"
          allowShow
          value={String(value)}
          onValue={onValue}
          error={error}
          help={help}
          inputRef={inputRef}
        />
      );
    case "CHECKBOX":
      return (
        <Checkbox
          id={id}
          name={f.fieldKey}
          label={f.label}
          checked={value === true}
          onChecked={onValue}
          help={help}
          error={error}
          inputRef={inputRef}
        />
      );
    case "TEXT_AREA":
      return (
        <Field id={id} label={f.label} error={error} help={help}>
          {(describedBy, invalid) => (
            <textarea
              {...common}
              id={id}
              ref={inputRef}
              rows={4}
              value={String(value)}
              aria-invalid={invalid ? "true" : undefined}
              aria-describedby={describedBy}
              onInput={(e) => onValue(e.currentTarget.value)}
            />
          )}
        </Field>
      );
    case "CHOICE":
      return (
        <Field id={id} label={f.label} error={error} help={help}>
          {(describedBy, invalid) => (
            <select
              {...common}
              id={id}
              ref={inputRef}
              value={String(value)}
              aria-invalid={invalid ? "true" : undefined}
              aria-describedby={describedBy}
              onChange={(e) => onValue(e.currentTarget.value)}
            >
              {!f.required || value === "" ? <option value="">{f.placeholder || "Choose…"}</option> : null}
              {(f.choices ?? []).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case "TEXT_READ_ONLY":
      return <TextInput id={id} label={f.label} value={String(value)} onValue={() => {}} readOnly help={help} />;
    default:
      return (
        <TextInput
          {...common}
          id={id}
          label={f.label}
          type={inputTypes[f.type] ?? "text"}
          autoComplete={autocompleteOf(f)}
          {...(f.type === "USERNAME" || f.type === "EMAIL" ? { autoCapitalize: "none", spellcheck: false } : {})}
          value={String(value)}
          onValue={onValue}
          error={error}
          help={help}
          inputRef={inputRef}
        />
      );
  }
}

