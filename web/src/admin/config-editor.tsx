// The form that creates or edits a stage or a policy: its name, its kind
// (chosen when creating, fixed afterwards) and the kind's typed config.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { TextInput, uniqueId } from "../flow/fields";
import { messageOf } from "../lib/graphql";
import type { KindInfo } from "./config-kinds";
import { defaultsLoaded, defaultsOf, loadDefaults } from "./defaults";
import { ConfigFields, configErrorsOf, initialValues, toInput, type FieldErrors, type Values } from "./config-forms";
import { ErrorAlert, errorField, FormActions, useAction } from "./ui";

interface ConfigEditorProps<Config> {
  /** "stage" or "policy", for labels. */
  noun: string;
  kinds: KindInfo[];
  /** The kind of an existing object; absent when creating. */
  kind?: KindInfo;
  name: string;
  values?: Values;
  /** Fields of the object besides name and config. */
  children?: ComponentChildren;
  submit: string;
  cancel?: string;
  /** Saves; config is the @oneOf config input (StageConfigInput, PolicyConfigInput). */
  onSubmit: (name: string, config: Config) => Promise<void>;
}

/**
 * The form, once the schema's defaults are loaded (a new object's fields
 * start at its input type's defaults).
 */
export function ConfigEditor<Config>(props: ConfigEditorProps<Config>) {
  const [ready, setReady] = useState(defaultsLoaded());
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!ready) loadDefaults().then(() => setReady(true), setError);
  }, [ready]);
  if (error) return <ErrorAlert error={error} title="The form could not be loaded." />;
  if (!ready) return <p role="status">Loading…</p>;
  return <ConfigEditorForm {...props} />;
}

function ConfigEditorForm<Config>({
  noun,
  kinds,
  kind: fixedKind,
  name: initialName,
  values: initial,
  children,
  submit,
  cancel,
  onSubmit,
}: ConfigEditorProps<Config>) {
  const [kind, setKind] = useState<KindInfo | undefined>(fixedKind);
  const [name, setName] = useState(initialName);
  const [values, setValues] = useState<Values>(() => initial ?? (fixedKind ? initialValues(fixedKind.fields, defaultsOf(`${fixedKind.typename}Input`)) : {}));
  const [localErrors, setLocalErrors] = useState<FieldErrors>(new Map());
  const [ids] = useState(() => uniqueId(noun));
  const action = useAction();

  const serverErrors = configErrorsOf(action.error);
  const errors = localErrors.size ? localErrors : serverErrors;
  const nameError = errorField(action.error) === "name" ? messageOf(action.error).replace("name: ", "") : undefined;

  const choose = (k: KindInfo) => {
    setKind(k);
    setValues(initialValues(k.fields, defaultsOf(`${k.typename}Input`)));
    setLocalErrors(new Map());
    action.setError(undefined);
  };

  return (
    <form
      class="form admin-form"
      data-testid={`${noun}-form`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!kind) return;
        const { input, errors: found } = toInput(kind.fields, values);
        setLocalErrors(found);
        if (found.size) {
          action.setError(new Error("Some fields are not valid; they are marked below."));
          return;
        }
        // The kind's key and fields are checked against the config input
        // type in config-kinds.ts, which makes this the input's shape.
        const config = { [kind.key]: input } as Config;
        void action.run(() => onSubmit(name.trim(), config));
      }}
    >
      <ErrorAlert error={action.error} title={`The ${noun} was not saved.`} />
      {!fixedKind && (
        <fieldset class="admin-fieldset admin-kinds" data-testid="kind-picker">
          <legend>Kind</legend>
          <div class="admin-kind-grid">
            {kinds.map((k) => (
              <label key={k.key} class={`admin-kind${kind?.key === k.key ? " admin-kind--chosen" : ""}`} for={`${ids}-kind-${k.key}`}>
                <input
                  type="radio"
                  id={`${ids}-kind-${k.key}`}
                  name={`${ids}-kind`}
                  value={k.key}
                  checked={kind?.key === k.key}
                  onChange={() => choose(k)}
                  aria-labelledby={`${ids}-kind-${k.key}-label`}
                  aria-describedby={`${ids}-kind-${k.key}-desc`}
                />
                <span class="admin-kind__label" id={`${ids}-kind-${k.key}-label`}>
                  {k.label}
                </span>
                <span class="admin-kind__desc" id={`${ids}-kind-${k.key}-desc`}>
                  {k.description}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {fixedKind && (
        <p class="admin-muted">
          Kind: <strong>{fixedKind.label}</strong> — {fixedKind.description}
        </p>
      )}
      {kind && (
        <>
          <TextInput id={`${ids}-name`} name="name" label="Name" value={name} onValue={setName} required error={nameError} />
          {children}
          {Object.values(kind.fields).some((f) => !f.hidden) ? (
            <>
              <h3 class="admin-subtitle">{kind.label} settings</h3>
              <ConfigFields key={kind.key} kind={kind} values={values} onValues={setValues} errors={errors} />
            </>
          ) : (
            <p class="admin-muted">This kind has no settings.</p>
          )}
          <FormActions busy={action.busy} submit={submit} cancel={cancel ? { to: cancel } : undefined} />
        </>
      )}
      {!kind && <p class="admin-muted">Choose a kind to see its settings.</p>}
    </form>
  );
}
