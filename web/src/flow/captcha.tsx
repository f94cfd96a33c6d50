// The captcha stage's challenge. The built-in proof of work is solved in a
// Web Worker and submitted by itself while the page says "Checking your
// browser…"; a third-party provider's script is loaded (web/web.go's
// Content-Security-Policy allows exactly the three providers' hosts on
// flow pages) and its widget's token submitted.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ChallengeResponseInput, ExecutionFieldsFragment } from "../gql/graphql";
import { solve } from "./pow";
import type { PowAnswer, PowRequest } from "./pow.worker";

type Challenge = Extract<ExecutionFieldsFragment["challenge"], { __typename: "CaptchaChallenge" }>;

export interface CaptchaProps {
  challenge: Challenge;
  busy: boolean;
  submit: (response: ChallengeResponseInput) => void;
  /** The errors of the last answer: a rejected token asks for a new one. */
  errors: unknown;
}

export function CaptchaStep({ challenge: c, busy, submit, errors }: CaptchaProps) {
  // The latest submit, for callbacks made long after rendering.
  const send = useRef(submit);
  send.current = submit;
  const answer = (token: string) => send.current({ captcha: { token } });
  if (c.provider === "POW") {
    return <ProofOfWork challenge={c.challenge} difficulty={c.difficulty} busy={busy} answer={answer} />;
  }
  return <Widget challenge={c} answer={answer} errors={errors} />;
}

function Status({ children }: { children: string }) {
  return (
    <div class="flow-status" role="status" aria-live="polite" data-testid="captcha-status">
      <span class="spinner" aria-hidden="true" /> {children}
    </div>
  );
}

/**
 * Solves the proof of work in a Web Worker and answers with the nonce. A
 * browser that cannot run the worker solves on the page, in slices that
 * leave it responsive. A new challenge (after a rejected answer) starts
 * over; an answer that did not reach the server (the network) can be sent
 * again.
 */
function ProofOfWork({ challenge, difficulty, busy, answer }: { challenge: string; difficulty: number; busy: boolean; answer: (token: string) => void }) {
  const done = useRef(answer);
  done.current = answer;
  const [solved, setSolved] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setSolved(undefined);
    const finish = (nonce: string) => {
      if (!live) return;
      setSolved(nonce);
      done.current(nonce);
    };
    // On the page: 50 000 hashes (tens of milliseconds) per slice.
    const onPage = (start: number) => {
      if (!live) return;
      const slice = 50_000;
      const nonce = solve(challenge, difficulty, start, slice);
      if (nonce !== undefined) finish(nonce);
      else timer = setTimeout(() => onPage(start + slice), 0);
    };
    let worker: Worker | undefined;
    try {
      worker = new Worker(new URL("./pow.worker.ts", import.meta.url), { type: "module" });
      worker.onmessage = (e: MessageEvent<PowAnswer>) => finish(e.data.nonce);
      worker.onerror = (e) => {
        e.preventDefault();
        worker?.terminate();
        onPage(0);
      };
      worker.postMessage({ challenge, difficulty } satisfies PowRequest);
    } catch {
      onPage(0);
    }
    return () => {
      live = false;
      worker?.terminate();
      clearTimeout(timer);
    };
  }, [challenge, difficulty]);
  if (solved !== undefined && !busy) {
    // Solved and sent, yet still here: the answer did not get through.
    return (
      <div class="actions">
        <button type="button" class="button button--primary" onClick={() => done.current(solved)}>
          Continue
        </button>
      </div>
    );
  }
  return <Status>{solved !== undefined ? "Checking your browser… almost done" : "Checking your browser…"}</Status>;
}

interface TurnstileAPI {
  render(el: HTMLElement, opts: { sitekey: string; action?: string; callback: (token: string) => void }): string | undefined;
  remove(id: string): void;
}
interface HCaptchaAPI {
  render(el: HTMLElement, opts: { sitekey: string; callback: (token: string) => void }): string;
  remove?(id: string): void;
  reset(id?: string): void;
}
interface RecaptchaAPI {
  ready(fn: () => void): void;
  execute(siteKey: string, opts: { action: string }): Promise<string>;
}
declare global {
  interface Window {
    turnstile?: TurnstileAPI;
    hcaptcha?: HCaptchaAPI;
    grecaptcha?: RecaptchaAPI;
  }
}

/** Loads a provider's script once per page. */
const scripts = new Map<string, Promise<void>>();
function loadScript(src: string): Promise<void> {
  let p = scripts.get(src);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.async = true;
      el.onload = () => resolve();
      el.onerror = () => {
        scripts.delete(src);
        reject(new Error(`could not load ${src}`));
      };
      document.head.appendChild(el);
    });
    scripts.set(src, p);
  }
  return p;
}

/**
 * A third-party widget: rendered into the page (Turnstile, hCaptcha) or
 * run invisibly (reCAPTCHA v3, with the flow's designation as the action).
 * Its token is the answer; a rejected one renders the widget anew.
 */
function Widget({ challenge: c, answer, errors }: { challenge: Challenge; answer: (token: string) => void; errors: unknown }) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const done = useRef(answer);
  done.current = answer;
  const action = c.flowInfo.designation.toLowerCase();
  useEffect(() => {
    let live = true;
    let remove: (() => void) | undefined;
    setFailed(false);
    const callback = (token: string) => live && done.current(token);
    loadScript(c.scriptUrl).then(
      () => {
        const el = box.current;
        if (!live || !el) return;
        switch (c.provider) {
          case "TURNSTILE": {
            const id = window.turnstile?.render(el, { sitekey: c.siteKey, action, callback });
            remove = () => id !== undefined && window.turnstile?.remove(id);
            break;
          }
          case "HCAPTCHA": {
            const id = window.hcaptcha?.render(el, { sitekey: c.siteKey, callback });
            remove = () => id !== undefined && (window.hcaptcha?.remove ? window.hcaptcha.remove(id) : window.hcaptcha?.reset(id));
            break;
          }
          case "RECAPTCHA_V3":
            window.grecaptcha?.ready(() => {
              window.grecaptcha?.execute(c.siteKey, { action }).then(callback, () => live && setFailed(true));
            });
            break;
          case "POW":
            break;
        }
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      remove?.();
    };
  }, [c.provider, c.scriptUrl, c.siteKey, action, errors]);
  return (
    <div class="captcha">
      {failed ? (
        <p class="alert alert--error" role="alert">
          The check could not be loaded. Check your connection and reload the page.
        </p>
      ) : (
        <p id="captcha-help">{c.provider === "RECAPTCHA_V3" ? "Checking your browser…" : "Complete the check below to continue."}</p>
      )}
      <div ref={box} class="captcha__widget" aria-describedby="captcha-help" />
    </div>
  );
}
