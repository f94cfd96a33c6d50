// Building blocks every admin page shares: loading data, showing errors
// (with what still refers to an object that cannot be deleted), labelled
// controls the flow pages' fields.tsx does not have, page headings, tables.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { Field } from "../flow/fields";
import { codes, messageOf, RequestError } from "../lib/graphql";
import { hasNavigated, href } from "./router";

/** The state of data loaded from the API. */
interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  reload: () => Promise<void>;
}

/** Loads data with load() now and whenever deps change; reload() again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const loader = useRef(load);
  loader.current = load;
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const call = ++latest.current;
    try {
      const d = await loader.current();
      if (call === latest.current) {
        setData(d);
        setError(undefined);
      }
    } catch (err) {
      if (call === latest.current) setError(err);
    }
  }, []);
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void reload();
  }, deps);
  return { data, error, reload };
}

/** For a node lookup: NOT_FOUND (a malformed or unknown ID) becomes null. */
export function notFoundAsNull(err: unknown): null {
  if (err instanceof RequestError && err.code === codes.notFound) return null;
  throw err;
}

/** The input field a VALIDATION_FAILED or CONFLICT error names, if any. */
export function errorField(err: unknown): string | undefined {
  if (!(err instanceof RequestError)) return undefined;
  const field = err.errors[0]?.extensions?.["field"];
  return typeof field === "string" && field ? field : undefined;
}

interface Referrer {
  type: string;
  id: string;
  name: string;
  field: string;
}

function referrersOf(err: unknown): Referrer[] {
  if (!(err instanceof RequestError) || err.code !== codes.referenced) return [];
  const refs = err.errors[0]?.extensions?.["referrers"];
  return Array.isArray(refs) ? (refs as Referrer[]) : [];
}

const referrerPages: Record<string, string> = {
  flow: "flows",
  stage: "stages",
  policy: "policies",
  user: "users",
  group: "groups",
  application: "applications",
  oauth2_provider: "providers",
};

const forbidden = "You need administrator rights for this. Your session may have changed; reload the page.";

/** An error, announced; for REFERENCED, the objects still using the target. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const refs = referrersOf(error);
  const code = error instanceof RequestError ? error.code : "";
  const message = code === codes.forbidden || code === codes.unauthenticated ? forbidden : messageOf(error);
  return (
    <div class="alert alert--error" role="alert" data-testid="error">
      {title && (
        <p>
          <strong>{title}</strong>
        </p>
      )}
      <p>{message}</p>
      {refs.length > 0 && (
        <>
          <p>It is still used by:</p>
          <ul class="referrers">
            {refs.map((r) => {
              const page = referrerPages[r.type];
              const label = `${r.type.replace(/_/g, " ")} ${r.name || r.id}${r.field ? ` (${r.field})` : ""}`;
              return <li key={`${r.type}-${r.id}-${r.field}`}>{page ? <a href={href(`/${page}/${r.id}`)}>{label}</a> : label}</li>;
            })}
          </ul>
        </>
      )}
    </div>
  );
}

/** A loading indicator, announced. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="admin-loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/**
 * A page's heading and actions. The heading takes focus when the user
 * opens another view (not on page load), so that screen readers announce
 * the new view.
 */
export function PageHeader({ title, back, children }: { title: string; back?: { to: string; label: string }; children?: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated()) h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div class="admin-page-header">
      {back && (
        <a class="admin-back" href={href(back.to)}>
          ← {back.label}
        </a>
      )}
      <div class="admin-page-header__row">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {children && <div class="admin-page-header__actions">{children}</div>}
      </div>
    </div>
  );
}

/** Asks before deleting; true when confirmed. */
export function confirmDelete(what: string): boolean {
  return window.confirm(`Delete ${what}? This cannot be undone.`);
}

/** A labelled <select> over value/label options. */
export function SelectInput({
  id,
  label,
  value,
  options,
  onValue,
  error,
  help,
  required,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onValue: (v: string) => void;
  error?: string | undefined;
  help?: string | undefined;
  required?: boolean;
  disabled?: boolean;
}) {
  return (
    <Field id={id} label={label} error={error} help={help}>
      {(describedBy, invalid) => (
        <select
          id={id}
          value={value}
          required={required}
          disabled={disabled}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onValue(e.currentTarget.value)}
        >
          {options.map((o) => (
            // selected too: value alone is lost when the options arrive later.
            <option key={o.value} value={o.value} selected={o.value === value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The options of an enum's label map, for SelectInput. */
export function enumOptions(labels: Record<string, string>): { value: string; label: string }[] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** The labelled checkbox the flow pages use too. */
export { Checkbox } from "../flow/fields";

/** A fieldset of checkboxes choosing a subset of options (order kept). */
export function CheckboxGroup({
  id,
  legend,
  options,
  selected,
  onSelected,
  help,
  error,
  empty,
}: {
  id: string;
  legend: string;
  options: { value: string; label: string }[];
  selected: string[];
  onSelected: (v: string[]) => void;
  help?: string | undefined;
  error?: string | undefined;
  empty?: string;
}) {
  const toggle = (value: string, on: boolean) =>
    onSelected(on ? [...selected.filter((v) => v !== value), value] : selected.filter((v) => v !== value));
  return (
    <fieldset class={`admin-fieldset${error ? " field--invalid" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {help && <p class="field__help">{help}</p>}
      {options.length === 0 && <p class="field__help">{empty ?? "Nothing to choose from."}</p>}
      <div class="admin-checks">
        {options.map((o, i) => (
          <label key={o.value} class="admin-check" for={`${id}-${i}`}>
            <input
              id={`${id}-${i}`}
              type="checkbox"
              checked={selected.includes(o.value)}
              onChange={(e) => toggle(o.value, e.currentTarget.checked)}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A labelled <textarea>. */
export function TextArea({
  id,
  label,
  value,
  onValue,
  error,
  help,
  rows = 4,
  code,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string | undefined;
  help?: string | undefined;
  rows?: number;
  code?: boolean;
}) {
  return (
    <Field id={id} label={label} error={error} help={help}>
      {(describedBy, invalid) => (
        <textarea
          id={id}
          rows={rows}
          class={code ? "admin-code-input" : undefined}
          spellcheck={!code}
          value={value}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** A scrollable table with a caption (visually hidden unless shown). */
export function Table({ caption, testid, head, children }: { caption: string; testid?: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="admin-table-wrap">
      <table class="admin-table" data-testid={testid}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A date for tables: local date and time, or a dash. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Runs mutations for a form: busy while one runs, its error kept. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** A form's save/cancel row. */
export function FormActions({ busy, submit, cancel }: { busy: boolean; submit: string; cancel?: { to: string } }) {
  return (
    <div class="admin-form-actions">
      <button type="submit" class="button button--primary" disabled={busy}>
        {busy && <span class="spinner" aria-hidden="true" />}
        {submit}
      </button>
      {cancel && (
        <a class="button" href={href(cancel.to)}>
          Cancel
        </a>
      )}
    </div>
  );
}
