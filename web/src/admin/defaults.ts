// The defaults of the config input types, read from the schema itself
// (introspection, which superusers — the console's users — may use). The
// server's Go code declares each kind's defaults once; the SDL repeats them
// as input defaults (a Go test keeps the two equal), and the console takes
// them from there instead of writing them a third time.
import { graphql } from "../gql";
import { request } from "../lib/graphql";

const InputDefaults = graphql(`
  query InputDefaults {
    __schema {
      types {
        name
        kind
        inputFields {
          name
          defaultValue
        }
      }
    }
  }
`);

/** An input type's field defaults, by field name; absent when it has none. */
export type Defaults = Record<string, unknown>;

let loading: Promise<Map<string, Defaults>> | undefined;
let loaded: Map<string, Defaults> | undefined;

/** Reports whether loadDefaults has finished. */
export function defaultsLoaded(): boolean {
  return loaded !== undefined;
}

/** The defaults of input type name, once loadDefaults has finished. */
export function defaultsOf(name: string): Defaults {
  return loaded?.get(name) ?? {};
}

/** Loads every input type's defaults, once per page. */
export function loadDefaults(): Promise<Map<string, Defaults>> {
  if (!loading) {
    loading = request(InputDefaults).then((data) => {
      const out = new Map<string, Defaults>();
      for (const t of data.__schema.types) {
        if (t.kind !== "INPUT_OBJECT" || !t.inputFields || !t.name) continue;
        const defaults: Defaults = {};
        for (const f of t.inputFields) {
          if (f.defaultValue != null) defaults[f.name] = parseValue(f.defaultValue);
        }
        out.set(t.name, defaults);
      }
      loaded = out;
      return out;
    });
    loading.catch(() => {
      loading = undefined; // try again next time
    });
  }
  return loading;
}

/**
 * Parses a GraphQL value literal as introspection prints a default value:
 * null, booleans, numbers, strings (JSON escapes), enum values (as their
 * name), lists and input objects. It throws on anything else.
 */
export function parseValue(text: string): unknown {
  let i = 0;
  const space = () => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === "[") {
      i++;
      const list: unknown[] = [];
      for (space(); text[i] !== "]"; space()) {
        if (i >= text.length) throw new Error(`unterminated list in ${text}`);
        list.push(value());
      }
      i++;
      return list;
    }
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      for (space(); text[i] !== "}"; space()) {
        const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))?.[0];
        if (!name) throw new Error(`bad object in ${text}`);
        i += name.length;
        space();
        if (text[i++] !== ":") throw new Error(`bad object in ${text}`);
        obj[name] = value();
      }
      i++;
      return obj;
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!m) throw new Error(`bad string in ${text}`);
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?|^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i));
    if (!m) throw new Error(`bad value in ${text}`);
    i += m[0].length;
    const word = m[0];
    if (word === "null") return null;
    if (word === "true") return true;
    if (word === "false") return false;
    if (/^-?[0-9]/.test(word)) return Number(word);
    return word; // an enum value
  };
  const v = value();
  space();
  if (i !== text.length) throw new Error(`trailing text in ${text}`);
  return v;
}
