// Typed config forms: renders the fields config-kinds.ts describes, turns a
// config read from the API into form values and form values back into the
// kind's input (checking numbers on the way), and places the server's
// VALIDATION_FAILED errors next to the field they name.
import { useEffect, useRef, useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { messageOf } from "../lib/graphql";
import type { FieldSpec, KindInfo, RefFilter, RefTarget } from "./config-kinds";
import { promptFieldSpecs } from "./config-kinds";
import { defaultsOf, type Defaults } from "./defaults";
import { loadOptions, type RefOption } from "./options";
import { CheckboxGroup, enumOptions, errorField, SelectInput, TextArea } from "./ui";

/** A prompt field row; id keys the row while rows move. */
interface Row {
  id: string;
  values: Values;
}
/** A form value: text (also numbers, as typed), a flag, IDs or enum values, or rows. */
type Value = string | boolean | string[] | Row[];
export type Values = Record<string, Value>;
/** Errors by field path (normalized, see errorKey), relative to the config. */
export type FieldErrors = Map<string, string>;

type Specs = Record<string, FieldSpec>;

/**
 * The key a field path is filed under: the server names a reference by its
 * edge (targetFlow, validationPolicies), the input by its ID field
 * (targetFlowID, validationPolicyIDs), so both reduce to one stem.
 */
function errorKey(path: string): string {
  return path
    .split(".")
    .map((p) => p.replace(/IDs?$/, "").replace(/ies$/, "y").replace(/s$/, ""))
    .join(".");
}

/**
 * Files a failed save's error under the config field it names (the server
 * says config.<field>); returns the errors for the form.
 */
export function configErrorsOf(err: unknown): FieldErrors {
  const errors: FieldErrors = new Map();
  const field = errorField(err);
  if (field?.startsWith("config.")) {
    const rest = field.slice("config.".length);
    errors.set(errorKey(rest), messageOf(err).replace(`${field}: `, ""));
  }
  return errors;
}

/** Whether spec's field is shown with the form's values. */
function shown(spec: FieldSpec, values: Values): boolean {
  return !spec.when || spec.when.in.includes(String(values[spec.when.field] ?? ""));
}

/** A field's value when it has none: its schema default (def), if any. */
function blank(spec: FieldSpec, def?: unknown): Value {
  switch (spec.type) {
    case "string":
      return typeof def === "string" ? def : "";
    case "int":
      return String(typeof def === "number" ? def : 0);
    case "boolean":
      return typeof def === "boolean" ? def : false;
    case "enum":
      return typeof def === "string" ? def : spec.none !== undefined ? "" : (Object.keys(spec.options)[0] ?? "");
    case "enumList":
      return Array.isArray(def) ? def.map(String) : [];
    case "stringList":
      return Array.isArray(def) ? def.join("\n") : "";
    case "ref":
      return "";
    case "refList":
      return [];
    case "promptFields": {
      const row = newRow();
      return [{ ...row, values: { ...row.values, order: "10" } }];
    }
  }
}

function newRow(): Row {
  return { id: uniqueId("row"), values: initialValues(promptFieldSpecs, defaultsOf("PromptFieldInput")) };
}

/**
 * A kind's form values for a new object: the defaults of its input type in
 * the schema (loadDefaults), where it has them.
 */
export function initialValues(specs: Specs, defaults: Defaults = {}): Values {
  return Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, blank(spec, defaults[key])]));
}

/**
 * Form values from a config as the API reads it back: references are
 * aliased to the input's key and read as { id } (or a list of them).
 */
export function valuesFromConfig(specs: Specs, config: Record<string, unknown>): Values {
  const values: Values = {};
  for (const [key, spec] of Object.entries(specs)) {
    const v = config[key];
    switch (spec.type) {
      case "string":
      case "enum":
        values[key] = typeof v === "string" ? v : blank(spec);
        break;
      case "int":
        values[key] = typeof v === "number" ? String(v) : blank(spec);
        break;
      case "boolean":
        values[key] = typeof v === "boolean" ? v : blank(spec);
        break;
      case "enumList":
        values[key] = Array.isArray(v) ? v.map(String) : blank(spec);
        break;
      case "stringList":
        values[key] = Array.isArray(v) ? v.join("\n") : "";
        break;
      case "ref":
        values[key] = (v as { id?: string } | null)?.id ?? "";
        break;
      case "refList":
        values[key] = Array.isArray(v) ? v.map((x: { id: string }) => x.id) : [];
        break;
      case "promptFields":
        values[key] = Array.isArray(v)
          ? v.map((f: Record<string, unknown>) => ({ id: uniqueId("row"), values: valuesFromConfig(promptFieldSpecs, f) }))
          : [];
        break;
    }
  }
  return values;
}

/**
 * The input object for values, or the errors found before sending (numbers
 * that are not whole numbers — or decimals, where taken — in range, secrets
 * left empty). Fields not shown are left out: they take their defaults.
 */
export function toInput(specs: Specs, values: Values, path = ""): { input: Record<string, unknown>; errors: FieldErrors } {
  const input: Record<string, unknown> = {};
  const errors: FieldErrors = new Map();
  for (const [key, spec] of Object.entries(specs)) {
    // A field not shown has no meaning: it is left out, and the server
    // gives it the input type's default.
    if (!shown(spec, values)) continue;
    const v = values[key];
    const at = path + key;
    switch (spec.type) {
      case "string":
        if (spec.secret && !String(v ?? "")) errors.set(errorKey(at), "Enter the secret.");
        input[key] = v;
        break;
      case "int": {
        const text = String(v ?? "").trim();
        const n = Number(text);
        const number = text !== "" && (spec.decimal ? Number.isFinite(n) : Number.isInteger(n));
        if (!number) errors.set(errorKey(at), spec.decimal ? "Enter a number." : "Enter a whole number.");
        else if (spec.min !== undefined && n < spec.min) errors.set(errorKey(at), `Enter ${spec.min} or more.`);
        else if (spec.max !== undefined && n > spec.max) errors.set(errorKey(at), `Enter ${spec.max} or less.`);
        else input[key] = n;
        break;
      }
      case "stringList": {
        const lines = String(v ?? "")
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean);
        input[key] = lines.length ? lines : null;
        break;
      }
      case "ref":
        input[key] = v ? v : null;
        break;
      case "enum":
        input[key] = spec.none !== undefined && !v ? null : v;
        break;
      case "promptFields":
        input[key] = ((v as Row[]) ?? []).map((row, i) => {
          const r = toInput(promptFieldSpecs, row.values, `${at}.${i}.`);
          r.errors.forEach((m, k) => errors.set(k, m));
          return r.input;
        });
        break;
      default:
        input[key] = v;
    }
  }
  return { input, errors };
}

/** Loads each reference target's options once per form. */
function useOptions(targets: RefTarget[]) {
  const [options, setOptions] = useState<Partial<Record<RefTarget, RefOption[]>>>({});
  const [error, setError] = useState("");
  const wanted = [...new Set(targets)].sort().join(",");
  useEffect(() => {
    let live = true;
    for (const t of wanted.split(",").filter(Boolean) as RefTarget[]) {
      loadOptions(t).then(
        (list) => live && setOptions((o) => ({ ...o, [t]: list })),
        (err) => live && setError(messageOf(err)),
      );
    }
    return () => {
      live = false;
    };
  }, [wanted]);
  return { options, error };
}

function matches(o: RefOption, filter: RefFilter): boolean {
  return (!filter.designation || o.designation === filter.designation) && (!filter.kind || o.kind === filter.kind);
}

function refTargets(specs: Specs): RefTarget[] {
  return Object.values(specs).flatMap((s) => (s.type === "ref" || s.type === "refList" ? [s.target] : []));
}

/** The fields of one kind's config, each rendered from its descriptor. */
export function ConfigFields({
  kind,
  values,
  onValues,
  errors,
}: {
  kind: KindInfo;
  values: Values;
  onValues: (v: Values) => void;
  errors: FieldErrors;
}) {
  const { options, error } = useOptions(refTargets(kind.fields));
  const idBase = useRef(uniqueId(`config-${kind.key}`)).current;
  return (
    <div class="admin-config" data-testid="config-fields" data-kind={kind.key}>
      {error && (
        <p class="alert alert--error" role="alert">
          The choices for some fields could not be loaded: {error}
        </p>
      )}
      <SpecFields
        specs={kind.fields}
        values={values}
        onValues={onValues}
        errors={errors}
        options={options}
        idBase={idBase}
        path=""
      />
    </div>
  );
}

interface SpecFieldsProps {
  specs: Specs;
  values: Values;
  onValues: (v: Values) => void;
  errors: FieldErrors;
  options: Partial<Record<RefTarget, RefOption[]>>;
  idBase: string;
  /** The path of these values in the config, e.g. "fields.2." */
  path: string;
}

function SpecFields({ specs, values, onValues, errors, options, idBase, path }: SpecFieldsProps) {
  return (
    <>
      {Object.entries(specs)
        .filter(([, spec]) => !spec.hidden && shown(spec, values))
        .map(([key, spec]) => (
          <SpecField
            key={key}
            name={key}
            spec={spec}
            value={values[key] ?? blank(spec)}
            onValue={(v) => onValues({ ...values, [key]: v })}
            error={errors.get(errorKey(path + key))}
            errors={errors}
            options={options}
            id={`${idBase}-${key}`}
            path={path + key}
          />
        ))}
    </>
  );
}

interface SpecFieldProps {
  name: string;
  spec: FieldSpec;
  value: Value;
  onValue: (v: Value) => void;
  error: string | undefined;
  errors: FieldErrors;
  options: Partial<Record<RefTarget, RefOption[]>>;
  id: string;
  path: string;
}

function SpecField({ name, spec, value, onValue, error, errors, options, id, path }: SpecFieldProps) {
  const help = spec.help;
  switch (spec.type) {
    case "string":
      if (spec.secret) {
        return (
          <TextInput
            id={id}
            name={name}
            type="password"
            autoComplete="new-password"
            label={spec.label}
            value={String(value)}
            onValue={onValue}
            error={error}
            help={help}
            required
          />
        );
      }
      return spec.multiline ? (
        <TextArea id={id} label={spec.label} value={String(value)} onValue={onValue} error={error} help={help} code />
      ) : (
        <TextInput id={id} name={name} label={spec.label} value={String(value)} onValue={onValue} error={error} help={help} />
      );
    case "int":
      return (
        <TextInput
          id={id}
          name={name}
          type="number"
          {...(spec.decimal ? { step: "any" } : {})}
          label={spec.label}
          value={String(value)}
          onValue={onValue}
          error={error}
          help={help}
        />
      );
    case "boolean":
      return <Checkbox id={id} label={spec.label} checked={Boolean(value)} onChecked={onValue} help={help} error={error} />;
    case "enum":
      return (
        <SelectInput
          id={id}
          label={spec.label}
          value={String(value)}
          options={[...(spec.none !== undefined ? [{ value: "", label: spec.none }] : []), ...enumOptions(spec.options)]}
          onValue={onValue}
          error={error}
          help={help}
        />
      );
    case "enumList":
      return (
        <CheckboxGroup
          id={id}
          legend={spec.label}
          options={enumOptions(spec.options)}
          selected={value as string[]}
          onSelected={onValue}
          help={help}
          error={error}
        />
      );
    case "stringList":
      return <TextArea id={id} label={spec.label} value={String(value)} onValue={onValue} error={error} help={help} rows={3} />;
    case "ref": {
      const list = options[spec.target];
      const choices = (list ?? []).filter((o) => matches(o, spec) || o.id === value);
      const current = value && list && !list.some((o) => o.id === value) ? [{ value: String(value), label: `#${value} (not found)` }] : [];
      return (
        <SelectInput
          id={id}
          label={spec.label}
          value={String(value)}
          options={[
            { value: "", label: list ? "— None —" : "Loading…" },
            ...current,
            ...choices.map((o) => ({ value: o.id, label: o.label })),
          ]}
          onValue={onValue}
          error={error}
          help={help}
        />
      );
    }
    case "refList": {
      const list = (options[spec.target] ?? []).filter((o) => matches(o, spec));
      return (
        <CheckboxGroup
          id={id}
          legend={spec.label}
          options={list.map((o) => ({ value: o.id, label: o.label }))}
          selected={value as string[]}
          onSelected={onValue}
          help={help}
          error={error}
          empty={options[spec.target] ? `There is no ${spec.target} to choose yet.` : "Loading…"}
        />
      );
    }
    case "promptFields":
      return (
        <PromptFieldRows
          legend={spec.label}
          rows={value as Row[]}
          onRows={onValue}
          error={error}
          errors={errors}
          options={options}
          id={id}
          path={path}
        />
      );
  }
}

/** A prompt stage's fields: an editable, reorderable list of rows. */
function PromptFieldRows({
  legend,
  rows,
  onRows,
  error,
  errors,
  options,
  id,
  path,
}: {
  legend: string;
  rows: Row[];
  onRows: (rows: Row[]) => void;
  error: string | undefined;
  errors: FieldErrors;
  options: Partial<Record<RefTarget, RefOption[]>>;
  id: string;
  path: string;
}) {
  // Moving a row renumbers every row's order to its position.
  const move = (i: number, by: number) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    if (row) next.splice(i + by, 0, row);
    onRows(next.map((r, j) => ({ ...r, values: { ...r.values, order: String((j + 1) * 10) } })));
  };
  const add = () => {
    const row = newRow();
    const last = Math.max(0, ...rows.map((r) => Number(r.values["order"]) || 0));
    onRows([...rows, { ...row, values: { ...row.values, order: String(last + 10) } }]);
  };
  return (
    <fieldset class="admin-fieldset admin-prompt-fields" data-testid="prompt-fields">
      <legend>{legend}</legend>
      {error && <p class="field__error">{error}</p>}
      {rows.length === 0 && <p class="field__help">No fields yet.</p>}
      <ol class="admin-rows">
        {rows.map((row, i) => {
          const name = String(row.values["label"] || row.values["fieldKey"] || `field ${i + 1}`);
          return (
            <li key={row.id} class="admin-row" data-testid="prompt-field">
              <div class="admin-row__head">
                <h4>
                  Field {i + 1}
                  {row.values["fieldKey"] ? `: ${String(row.values["fieldKey"])}` : ""}
                </h4>
                <div class="admin-row__buttons">
                  <button type="button" class="button button--small" disabled={i === 0} aria-label={`Move ${name} up`} onClick={() => move(i, -1)}>
                    ↑<span aria-hidden="true"> Up</span>
                  </button>
                  <button
                    type="button"
                    class="button button--small"
                    disabled={i === rows.length - 1}
                    aria-label={`Move ${name} down`}
                    onClick={() => move(i, 1)}
                  >
                    ↓<span aria-hidden="true"> Down</span>
                  </button>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    aria-label={`Remove ${name}`}
                    onClick={() => onRows(rows.filter((r) => r.id !== row.id))}
                  >
                    Remove
                  </button>
                </div>
              </div>
              <div class="admin-row__fields">
                <SpecFields
                  specs={promptFieldSpecs}
                  values={row.values}
                  onValues={(values) => onRows(rows.map((r) => (r.id === row.id ? { ...r, values } : r)))}
                  errors={errors}
                  options={options}
                  idBase={`${id}-${row.id}`}
                  path={`${path}.${i}.`}
                />
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" class="button button--small" onClick={add}>
        Add a field
      </button>
    </fieldset>
  );
}
