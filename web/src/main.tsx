// The app's entry: one bundle for /if/flow/<slug>/ and /if/user/; the admin
// console is loaded on demand. Each page first reads the brand and viewer.
// A page the server answered itself (web.ServeMessage) carries its message
// in a meta element and shows it, whatever its path.
import { render } from "preact";
import { lazy, Suspense } from "preact/compat";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";
import { FlowPage } from "./flow/FlowPage";
import { messageOf } from "./lib/graphql";
import { loadSite, type Site } from "./lib/site";
import { MessagePage, readMessage } from "./message/MessagePage";
import { UserPage } from "./user/UserPage";

const AdminPage = lazy(() => import("./admin/AdminPage").then((m) => ({ default: m.AdminPage })));

/** Which page a path is. */
export type Route = { page: "flow"; slug: string } | { page: "user" } | { page: "admin" } | { page: "unknown" };

export function route(pathname: string): Route {
  const flow = /^\/if\/flow\/([^/]+)\/?$/.exec(pathname);
  if (flow?.[1]) return { page: "flow", slug: decodeURIComponent(flow[1]) };
  if (/^\/if\/user\/?$/.test(pathname)) return { page: "user" };
  if (/^\/if\/admin\/?$/.test(pathname)) return { page: "admin" };
  return { page: "unknown" };
}

function App() {
  const [site, setSite] = useState<Site | undefined>();
  const [error, setError] = useState<string>("");
  const [message] = useState(() => readMessage());
  const r = route(window.location.pathname);
  useEffect(() => {
    loadSite().then(setSite, (err) => setError(messageOf(err)));
  }, []);
  // The server's message matters more than the brand: without it, Gatehouse's look.
  if (message && (site || error)) return <MessagePage message={message} site={site} />;
  if (error) {
    return (
      <main class="page-message">
        <h1>Gatehouse is not available</h1>
        <p role="alert">{error}</p>
        <button type="button" class="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    );
  }
  if (!site) {
    return (
      <div class="flow-status page-message" role="status">
        <span class="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  }
  switch (r.page) {
    case "flow":
      return <FlowPage slug={r.slug} site={site} />;
    case "user":
      return <UserPage site={site} />;
    case "admin":
      return (
        <Suspense fallback={<div class="flow-status page-message" role="status">Loading…</div>}>
          <AdminPage site={site} />
        </Suspense>
      );
    default:
      return (
        <main class="page-message">
          <h1>Page not found</h1>
          <p>
            <a href="/">Go to the start page</a>
          </p>
        </main>
      );
  }
}

const root = document.getElementById("app");
if (root) {
  root.replaceChildren(); // a message page's text for browsers without JavaScript
  render(<App />, root);
}
