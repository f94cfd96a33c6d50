// The flow executor: starts (or resumes) an execution, shows its current
// challenge, submits the responses, follows the execution's subscription so
// that a change made elsewhere (an email link opened on a phone, another
// tab) moves the page on by itself, and follows the final redirect.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ChallengeResponseInput, ExecutionFieldsFragment } from "../gql/graphql";
import { codes, messageOf, request, RequestError, subscribe } from "../lib/graphql";
import { ChallengeView } from "./challenges";
import { FlowExecutionChanges, FlowExecutionQuery, RestartFlow, StartFlow, SubmitChallenge } from "./operations";

export type Execution = ExecutionFieldsFragment;

export interface FlowExecutorProps {
  /** The flow to start. */
  slug: string;
  /** The query string the flow starts with (e.g. "next=%2Fapp"), without "?". */
  query?: string;
  /** An execution to resume (after a reload, or a continuation from another flow). */
  executionId?: string | undefined;
  /**
   * Called with where the flow sends the user once it has ended. Without it
   * the page goes there.
   */
  onComplete?: (to: string) => void;
  /** Called whenever the execution is known or replaced (to keep it in the URL). */
  onExecution?: (execution: Execution) => void;
  /** The level of the flow title's heading: 1 on its own page, 2 inside another. */
  headingLevel?: 1 | 2;
  /** Run inside another page (the settings). */
  embedded?: boolean;
  /** Focus the challenge's first field as it appears; default: unless embedded. */
  autoFocus?: boolean;
}

type State =
  | { phase: "loading" }
  | { phase: "failed"; error: RequestError | Error; retry: () => void }
  | { phase: "running"; execution: Execution };

/** The execution's current challenge, live. */
export function FlowExecutor(props: FlowExecutorProps) {
  const { slug, query, executionId, onComplete, onExecution, headingLevel = 1, embedded = false, autoFocus = !embedded } = props;
  const [state, setState] = useState<State>({ phase: "loading" });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>("");
  const busyRef = useRef(false);
  const current = useRef<Execution | undefined>(undefined);

  const show = useCallback(
    (execution: Execution) => {
      current.current = execution;
      setState({ phase: "running", execution });
      onExecution?.(execution);
    },
    [onExecution],
  );

  const start = useCallback(async () => {
    setState({ phase: "loading" });
    setNotice("");
    try {
      const data = await request(StartFlow, { slug, query: query ?? null });
      show(data.startFlow);
    } catch (err) {
      setState({ phase: "failed", error: asError(err), retry: () => void start() });
    }
  }, [slug, query, show]);

  // Start the flow, or resume the execution named in the URL.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      if (executionId) {
        try {
          const data = await request(FlowExecutionQuery, { id: executionId });
          if (cancelled) return;
          if (data.flowExecution) {
            show(data.flowExecution);
            return;
          }
          setNotice("That sign-in had expired, so it was started again.");
        } catch (err) {
          if (cancelled) return;
          setState({ phase: "failed", error: asError(err), retry: () => void start() });
          return;
        }
      }
      if (!cancelled) await start();
    })();
    return () => {
      cancelled = true;
    };
    // Only on mount: later changes of the execution come from the flow itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const running = state.phase === "running" ? state.execution : undefined;
  const liveId = running && !running.completed ? running.id : undefined;

  // Follow the execution while it runs: another device or tab may move it.
  useEffect(() => {
    if (!liveId) return;
    return subscribe(
      FlowExecutionChanges,
      { id: liveId },
      {
        next: (data) => {
          const pushed = data.flowExecution;
          const now = current.current;
          // A push no newer than what is shown is stale: the first one is
          // rendered when the subscription starts, and can arrive after
          // the answer to a response submitted meanwhile.
          if (busyRef.current || !now || pushed.id !== now.id || pushed.revision <= now.revision) return;
          if (pushed.step !== now.step || pushed.completed !== now.completed || verifiedElsewhere(pushed, now)) show(pushed);
        },
      },
    );
  }, [liveId, show]);

  // Go where the flow ends.
  useEffect(() => {
    if (running?.completed && running.challenge.__typename === "RedirectChallenge") {
      const to = safeTarget(running.challenge.to);
      if (onComplete) onComplete(to);
      else window.location.assign(to);
    }
  }, [running, onComplete]);

  const submit = useCallback(
    async (response: ChallengeResponseInput) => {
      const now = current.current;
      if (!now || busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      setNotice("");
      try {
        const data = await request(SubmitChallenge, { executionId: now.id, response, step: now.step });
        show(data.submitChallenge);
      } catch (err) {
        const e = asError(err);
        if (e instanceof RequestError && (e.code === codes.wrongStage || e.code === codes.staleExecution)) {
          // Answered elsewhere (a double click, another tab): show where it is now.
          const data = await request(FlowExecutionQuery, { id: now.id }).catch(() => undefined);
          if (data?.flowExecution) {
            show(data.flowExecution);
            setNotice("This step had already been answered, perhaps in another tab. Here is where it stands now.");
          } else {
            setState({ phase: "failed", error: e, retry: () => void start() });
          }
        } else if (e instanceof RequestError && e.code === codes.notFound) {
          setState({
            phase: "failed",
            error: new Error("This sign-in took too long and has expired. Start again."),
            retry: () => void start(),
          });
        } else {
          setNotice(messageOf(e));
        }
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [show, start],
  );

  const restart = useCallback(async () => {
    const now = current.current;
    if (!now || now.completed) {
      await start();
      return;
    }
    setBusy(true);
    try {
      const data = await request(RestartFlow, { executionId: now.id });
      show(data.restartFlow);
    } catch {
      await start();
    } finally {
      setBusy(false);
    }
  }, [show, start]);

  if (state.phase === "loading") {
    return (
      <div class="flow-status" role="status" aria-live="polite">
        <span class="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  }
  if (state.phase === "failed") {
    return <FlowFailure error={state.error} retry={state.retry} headingLevel={headingLevel} />;
  }
  return (
    <ChallengeView
      key={`${state.execution.id}:${state.execution.step}:${state.execution.challenge.__typename}`}
      execution={state.execution}
      busy={busy}
      notice={notice}
      submit={submit}
      restart={restart}
      headingLevel={headingLevel}
      embedded={embedded}
      autoFocus={autoFocus}
    />
  );
}

function FlowFailure({ error, retry, headingLevel }: { error: Error; retry: () => void; headingLevel: 1 | 2 }) {
  const H = headingLevel === 1 ? "h1" : "h2";
  const notFound = error instanceof RequestError && error.code === codes.notFound;
  return (
    <div class="challenge" role="alert">
      <H class="challenge__title">{notFound ? "This page does not exist" : "Something went wrong"}</H>
      <p>{notFound ? "The flow in this address does not exist or is not available to you." : error.message}</p>
      {!notFound && (
        <button type="button" class="button button--primary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Where a redirect may go: a path on this origin, or an http(s) URL. The
 * server only sends such targets; anything else (javascript:, data:) is
 * refused here too and replaced by the start page.
 */
export function safeTarget(to: string): string {
  if (to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\")) return to;
  try {
    const url = new URL(to);
    if (url.protocol === "https:" || url.protocol === "http:") return url.toString();
  } catch {
    // fall through
  }
  return "/";
}

/**
 * Whether a pushed view says that the mailed link of the "check your mail"
 * page was confirmed on another device (the step stays the same).
 */
function verifiedElsewhere(pushed: Execution, now: Execution): boolean {
  const a = pushed.challenge;
  const b = now.challenge;
  return a.__typename === "EmailChallenge" && b.__typename === "EmailChallenge" && a.verified && !b.verified;
}
