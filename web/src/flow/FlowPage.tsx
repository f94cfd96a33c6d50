// The page at /if/flow/<slug>/: the brand around the flow executor, in the
// flow's layout and background. The page's query string is the flow's
// (next=…); the execution ID is kept in it so that a reload resumes.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Site } from "../lib/site";
import { Brand } from "../lib/layout";
import { FlowExecutor, type Execution } from "./FlowExecutor";

const executionParam = "execution";

const layouts: Record<string, string> = {
  STACKED: "stacked",
  CONTENT_LEFT: "content-left",
  CONTENT_RIGHT: "content-right",
  SIDEBAR_LEFT: "sidebar-left",
  SIDEBAR_RIGHT: "sidebar-right",
  SIDEBAR_LEFT_FRAME_BACKGROUND: "sidebar-left frame",
  SIDEBAR_RIGHT_FRAME_BACKGROUND: "sidebar-right frame",
};

export function FlowPage({ slug, site }: { slug: string; site: Site }) {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const executionId = params.get(executionParam) ?? undefined;
  const startQuery = (() => {
    const q = new URLSearchParams(params);
    q.delete(executionParam);
    return q.toString();
  })();
  const [flow, setFlow] = useState<Execution["flow"] | undefined>();
  const [running, setRunning] = useState<string | undefined>();

  const onExecution = useCallback(
    (e: Execution) => {
      setFlow(e.flow);
      setRunning(e.completed ? undefined : e.id);
      document.title = `${e.flow.title} · ${site.currentBrand.title}`;
      if (e.completed) return;
      const url = new URL(window.location.href);
      if (url.searchParams.get(executionParam) !== e.id) {
        url.searchParams.set(executionParam, e.id);
        window.history.replaceState(null, "", url);
      }
    },
    [site],
  );

  // The background is set through the CSSOM: the page's CSP allows no inline styles.
  useEffect(() => {
    const el = document.getElementById("flow-background");
    if (el) el.style.backgroundImage = flow?.background ? `url(${JSON.stringify(flow.background)})` : "";
  }, [flow?.background]);

  const layout = layouts[flow?.layout ?? "STACKED"] ?? "stacked";
  return (
    <div class={`flow-page layout-${layout}`} id="flow-background">
      <main class="flow-card">
        <Brand site={site} />
        <FlowExecutor slug={slug} query={startQuery} executionId={executionId} onExecution={onExecution} />
      </main>
      <footer class="flow-footer">
        <span>Powered by Gatehouse</span>
        {site.viewer.isSuperuser && running && (
          <>
            {" · "}
            <a href={`/if/admin/#/inspector/${encodeURIComponent(running)}`} target="_blank" rel="noopener">
              Inspect this execution
            </a>
          </>
        )}
      </footer>
    </div>
  );
}
