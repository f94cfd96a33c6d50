// A flow run inside the settings page (profile, password, second factors).
import { useCallback, useState } from "preact/hooks";
import { FlowExecutor } from "../flow/FlowExecutor";

/**
 * A flow run inside the page. When it ends, doneMessage is announced and
 * the flow starts again, ready for the next change.
 */
export function EmbeddedFlow({ slug, doneMessage, onDone }: { slug: string; doneMessage: string; onDone?: () => void }) {
  const [run, setRun] = useState(0);
  const [done, setDone] = useState("");
  const complete = useCallback(() => {
    setDone(doneMessage);
    setRun((n) => n + 1);
    onDone?.();
  }, [doneMessage, onDone]);
  return (
    <div class="embedded-flow">
      <div role="status" aria-live="polite" class={done ? "alert alert--success" : "visually-hidden"}>
        {done}
      </div>
      <FlowExecutor key={run} slug={slug} onComplete={complete} headingLevel={2} embedded />
    </div>
  );
}
