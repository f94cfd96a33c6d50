// Form fields with their label, help text and inline error wired together
// for assistive technology: the input names its label, points at its help
// and error texts, and says whether it is invalid.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

let nextId = 0;
/** A page-unique element ID. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  help?: string | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

/** A label, the control children renders, its help text and its error. */
export function Field({ id, label, error, help, children }: FieldProps) {
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " field--invalid" : ""}`}>
      <label for={id}>{label}</label>
      {children(describedBy, Boolean(error))}
      {help && (
        <p class="field__help" id={helpId}>
          {help}
        </p>
      )}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The <input> attributes the forms set. */
export interface InputAttributes {
  name?: string | undefined;
  type?: string | undefined;
  autoComplete?: string | undefined;
  autoCapitalize?: string | undefined;
  autoCorrect?: string | undefined;
  /** The virtual keyboard to show ("numeric" for codes). */
  inputMode?: "text" | "numeric" | undefined;
  spellcheck?: boolean | undefined;
  required?: boolean | undefined;
  readOnly?: boolean | undefined;
  placeholder?: string | undefined;
  step?: string | undefined;
  class?: string | undefined;
}

export interface TextInputProps extends InputAttributes {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
  help?: string | undefined;
  inputRef?: (el: HTMLInputElement | null) => void;
}

/** A labelled <input>. */
export function TextInput({ id, label, value, onValue, error, help, inputRef, ...rest }: TextInputProps) {
  return (
    <Field id={id} label={label} error={error} help={help}>
      {(describedBy, invalid) => (
        <input
          {...(rest as { type?: "text" })}
          id={id}
          ref={inputRef}
          value={value}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export interface PasswordInputProps extends Omit<TextInputProps, "type" | "autoComplete"> {
  /** Offer a button that shows the password as text. */
  allowShow: boolean;
  autoComplete: "current-password" | "new-password";
}

/** A labelled password input, with a show/hide toggle when allowed. */
export function PasswordInput({ allowShow, autoComplete, id, label, value, onValue, error, help, inputRef, ...rest }: PasswordInputProps) {
  const [shown, setShown] = useState(false);
  return (
    <Field id={id} label={label} error={error} help={help}>
      {(describedBy, invalid) => (
        <div class="password">
          <input
            {...rest}
            id={id}
            ref={inputRef}
            {...({ type: shown ? "text" : "password" } as { type: "text" })}
            autoComplete={autoComplete}
            autoCapitalize="none"
            spellcheck={false}
            value={value}
            aria-invalid={invalid ? "true" : undefined}
            aria-describedby={describedBy}
            onInput={(e) => onValue(e.currentTarget.value)}
          />
          {allowShow && (
            <button
              type="button"
              class="password__toggle"
              aria-pressed={shown}
              aria-controls={id}
              onClick={() => setShown(!shown)}
            >
              {shown ? "Hide" : "Show"}
              <span class="visually-hidden"> password</span>
            </button>
          )}
        </div>
      )}
    </Field>
  );
}

/** A labelled checkbox with its help text and error. */
export function Checkbox({
  id,
  label,
  checked,
  onChecked,
  help,
  error,
  name,
  inputRef,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChecked: (v: boolean) => void;
  help?: string | undefined;
  error?: string | undefined;
  name?: string | undefined;
  inputRef?: ((el: HTMLInputElement | null) => void) | undefined;
}) {
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div class={`field field--checkbox${error ? " field--invalid" : ""}`}>
      <input
        id={id}
        ref={inputRef}
        name={name}
        type="checkbox"
        checked={checked}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={[errorId, helpId].filter(Boolean).join(" ") || undefined}
        onChange={(e) => onChecked(e.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
      {help && (
        <p class="field__help" id={helpId}>
          {help}
        </p>
      )}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The errors of a response: per field, and those about the whole response. */
export interface Errors {
  byField: Map<string, string>;
  general: string[];
}

/** Sorts a challenge's errors by field ("" is the whole response). */
export function sortErrors(errors: readonly { field: string; message: string }[]): Errors {
  const byField = new Map<string, string>();
  const general: string[] = [];
  for (const e of errors) {
    if (!e.field) general.push(e.message);
    else if (byField.has(e.field)) byField.set(e.field, `${byField.get(e.field)} ${e.message}`);
    else byField.set(e.field, e.message);
  }
  return { byField, general };
}
