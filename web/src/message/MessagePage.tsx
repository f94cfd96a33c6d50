// A page the server answers itself (web.ServeMessage: an OpenID Connect
// error, the signed-out page) with its HTTP status, whatever the path: the
// message rides in <meta name="gatehouse-message"> as JSON, and is shown
// here in the brand's look, like a flow's page.
import { useEffect } from "preact/hooks";
import { Brand } from "../lib/layout";
import type { Site } from "../lib/site";
import { safeTarget } from "../flow/FlowExecutor";

/** A server-rendered message (web.Message). */
export type Message = {
  kind: "error" | "info";
  title: string;
  text: string;
  link?: { url: string; label: string };
};

/** The message the server put in the page, or undefined on the app's own pages. */
export function readMessage(doc: Document = document): Message | undefined {
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="gatehouse-message"]');
  if (!meta) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(meta.content);
  } catch {
    return { kind: "error", title: "Something went wrong", text: "This page could not be shown." };
  }
  const m = (data ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const link = (m.link ?? {}) as Record<string, unknown>;
  const url = str(link.url);
  const label = str(link.label);
  return {
    kind: m.kind === "error" ? "error" : "info",
    title: str(m.title),
    text: str(m.text),
    // The server sends only a path here or an http(s) URL; anything else goes to the start page.
    link: url && label ? { url: safeTarget(url), label } : undefined,
  };
}

/** The message in the brand's layout; without the brand (it could not be read), Gatehouse's. */
export function MessagePage({ message: m, site }: { message: Message; site?: Site }) {
  const brand = site?.currentBrand.title ?? "Gatehouse";
  useEffect(() => {
    document.title = m.title ? `${m.title} · ${brand}` : brand;
  }, [m.title, brand]);
  return (
    <div class="flow-page layout-stacked">
      <main class="flow-card message" data-message={m.kind}>
        {site ? (
          <Brand site={site} />
        ) : (
          <div class="brand">
            <span class="brand__title">{brand}</span>
          </div>
        )}
        <h1 class="challenge__title">{m.title}</h1>
        {m.kind === "error" ? (
          <p class="alert alert--error message__text" role="alert">
            {m.text}
          </p>
        ) : (
          <p class="message__text" role="status">
            {m.text}
          </p>
        )}
        {m.link && (
          <p class="message__link">
            <a class="button button--primary" href={m.link.url}>
              {m.link.label}
            </a>
          </p>
        )}
      </main>
      <footer class="flow-footer">
        <span>Powered by Gatehouse</span>
      </footer>
    </div>
  );
}
