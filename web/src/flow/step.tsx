// What every challenge component shares: the props it receives, the
// challenge types by __typename, focusing the first field, and the
// primary button. Each group of challenge components lives in its own
// file beside this one; challenges.tsx picks one by __typename.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { ChallengeResponseInput, ExecutionFieldsFragment } from "../gql/graphql";
import type { Errors } from "./fields";

export type Execution = ExecutionFieldsFragment;
export type Challenge = Execution["challenge"];
export type ChallengeOf<T extends Challenge["__typename"]> = Extract<Challenge, { __typename: T }>;

/** The props of every challenge component. */
export interface StepProps<T> {
  challenge: T;
  errors: Errors;
  busy: boolean;
  submit: (response: ChallengeResponseInput) => void;
  restart: () => void;
  /** Focus the first field when the challenge appears. */
  autoFocus: boolean;
}

/**
 * Focuses the first invalid field after a rejected response, else the
 * first field (on mount only when autoFocus).
 */
export function useInitialFocus(errors: Errors, fields: Map<string, HTMLElement | null>, first: () => HTMLElement | null, autoFocus: boolean) {
  const mounted = useRef(false);
  useEffect(() => {
    const initial = !mounted.current;
    mounted.current = true;
    for (const [key, el] of fields) {
      if (errors.byField.has(key) && el) {
        el.focus();
        return;
      }
    }
    if (!initial || autoFocus) first()?.focus();
    // Runs when the errors change (a rejected response) and on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [errors]);
}

/**
 * Calls clear when the errors change after the component mounted (a
 * rejected answer: the password typed is cleared), never on mount. An
 * effect runs after the browser paints, so clearing on mount would wipe
 * what was typed (or filled by a password manager) in between.
 */
export function useClearOnRejection(errors: Errors, clear: () => void) {
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) clear();
    mounted.current = true;
    // Runs when the errors change (a rejected response), not for clear.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [errors]);
}

/** The form's primary button (and any secondary actions beside it). */
export function Actions({ busy, label, children }: { busy: boolean; label: string; children?: ComponentChildren }) {
  return (
    <div class="actions">
      <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
        {busy ? "Please wait…" : label}
      </button>
      {children}
    </div>
  );
}
