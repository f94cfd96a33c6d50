// A client secret, shown once: the box that shows it (with a copy button
// and a warning), and the hand-over from the "new provider" page to the
// provider's page. The secret lives only in memory: never in the URL,
// localStorage or sessionStorage, and the box's state ends with the page
// that shows it.
import { useEffect, useRef, useState } from "preact/hooks";
import { uniqueId } from "../flow/fields";

let handedOver: { providerId: string; secret: string } | undefined;

/** Passes a new secret to the page of providerId, opened next. */
export function handOverSecret(providerId: string, secret: string): void {
  handedOver = { providerId, secret };
}

/** The secret handed over to providerId's page, once; any other is dropped. */
export function takeSecret(providerId: string): string | undefined {
  const h = handedOver;
  handedOver = undefined;
  return h?.providerId === providerId ? h.secret : undefined;
}

/**
 * Shows a client secret once, with a copy button. It takes the focus so
 * that screen readers announce it; onDone hides it.
 */
export function SecretBox({
  secret,
  onDone,
  title = "Client secret",
  warning = "Only a hash is stored. If it is lost, rotate the secret to get a new one.",
}: {
  secret: string;
  onDone: () => void;
  /** What the secret is (the box's heading and the field's label). */
  title?: string;
  /** What to do if it is lost. */
  warning?: string;
}) {
  const [id] = useState(() => uniqueId("client-secret"));
  const [copied, setCopied] = useState<"" | "copied" | "failed">("");
  const box = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    box.current?.focus();
    setCopied("");
  }, [secret]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      // No clipboard (an insecure origin, or refused): select it to copy by hand.
      input.current?.select();
      setCopied("failed");
    }
  };

  return (
    <div class="admin-secret" data-testid="client-secret-box" role="region" aria-labelledby={`${id}-title`} tabIndex={-1} ref={box}>
      <h2 id={`${id}-title`} class="admin-secret__title">
        {title}
      </h2>
      <p class="admin-secret__warning">
        <strong>Copy it now: it will not be shown again.</strong> {warning}
      </p>
      <div class="admin-secret__row">
        <label class="visually-hidden" for={id}>
          {title}
        </label>
        <input
          id={id}
          ref={input}
          class="admin-secret__value admin-code-input"
          data-testid="client-secret"
          type="text"
          readOnly
          value={secret}
          spellcheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="button button--primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" class="admin-muted">
        {copied === "copied" && "Copied to the clipboard."}
        {copied === "failed" && "The browser did not allow copying: the secret is selected, copy it with the keyboard."}
      </p>
      <button type="button" class="button button--small" onClick={onDone}>
        I have stored it; hide the secret
      </button>
    </div>
  );
}
