// The admin console at /if/admin/: checks the viewer is an administrator,
// then shows the header, the section navigation and the view the URL
// fragment names (see router.ts).
import { lazy, Suspense } from "preact/compat";
import { useCallback, useEffect, useState } from "preact/hooks";
import { Brand } from "../lib/layout";
import { NotificationBell } from "../lib/notifications";
import { flowURL, type Site } from "../lib/site";
import "./admin.css";
import { ApplicationDetail, ApplicationList, ApplicationNew } from "./applications";
import { BrandDetail, BrandList, BrandNew } from "./brands";
import { EventDetail, EventList } from "./events";
import { FlowDetail, FlowList, FlowNew, NotFound } from "./flows";
import { GroupDetail, GroupList, GroupNew } from "./groups";
import { Inspector } from "./inspector";
import { InvitationList } from "./invitations";
import { NotificationRuleDetail, NotificationRuleList, NotificationRuleNew } from "./notification-rules";
import { NotificationTransportDetail, NotificationTransportList, NotificationTransportNew } from "./notification-transports";
import { PolicyDetail, PolicyList, PolicyNew } from "./policies";
import { OutpostList } from "./outposts";
import { ProxyProviderDetail, ProxyProviderList, ProxyProviderNew } from "./proxy-providers";
import { ProviderDetail, ProviderList, ProviderNew } from "./providers";
import { href, parseRoute, takeFlash, useHash, type Route, type Section } from "./router";
import { SigningKeyList } from "./signing-keys";
import { ScopeDetail, ScopeList, ScopeNew } from "./scopes";
import { StageDetail, StageList, StageNew } from "./stages";
import { SystemTasks } from "./system-tasks";
import { TokenList } from "./tokens";
import { Loading } from "./ui";
import { UserDetail, UserList, UserNew } from "./users";

// The dashboard brings Chart.js: a chunk of its own, loaded when opened.
const Dashboard = lazy(() => import("./dashboard").then((m) => ({ default: m.Dashboard })));

const nav: { section: Section; label: string }[] = [
  { section: "dashboard", label: "Dashboard" },
  { section: "flows", label: "Flows" },
  { section: "stages", label: "Stages" },
  { section: "policies", label: "Policies" },
  { section: "users", label: "Users" },
  { section: "groups", label: "Groups" },
  { section: "brands", label: "Brands" },
  { section: "applications", label: "Applications" },
  { section: "providers", label: "Providers" },
  { section: "signing-keys", label: "Signing keys" },
  { section: "scopes", label: "Scopes" },
  { section: "proxy-providers", label: "Proxy providers" },
  { section: "outposts", label: "Outposts" },
  { section: "invitations", label: "Invitations" },
  { section: "tokens", label: "API tokens" },
  { section: "notification-rules", label: "Notification rules" },
  { section: "notification-transports", label: "Notification transports" },
  { section: "system-tasks", label: "System tasks" },
  { section: "audit-log", label: "Audit log" },
  { section: "inspector", label: "Inspector" },
];

export function AdminPage({ site }: { site: Site }) {
  const brand = site.currentBrand;
  const user = site.viewer.user;

  useEffect(() => {
    if (!user && brand.authenticationFlow) window.location.replace(flowURL(brand.authenticationFlow, `/if/admin/${window.location.hash}`));
  }, [user, brand.authenticationFlow]);

  if (!user) {
    return (
      <main class="page-message">
        <p role="status">You are not signed in. Taking you to the login page…</p>
        {brand.authenticationFlow && <a href={flowURL(brand.authenticationFlow, `/if/admin/${window.location.hash}`)}>Log in</a>}
      </main>
    );
  }
  if (!site.viewer.isSuperuser) {
    return (
      <main class="page-message" data-testid="admin-forbidden">
        <h1>You need administrator rights</h1>
        <p>
          You are signed in as <strong>{user.username}</strong>, who is not an administrator. Ask an administrator to add you to a
          superuser group, or log in as another user.
        </p>
        <p>
          <a href="/if/user/">Go to your account</a>
        </p>
      </main>
    );
  }
  return <Console site={site} />;
}

function Console({ site }: { site: Site }) {
  const brand = site.currentBrand;
  const hash = useHash();
  const route = parseRoute(hash);
  const [flash, setFlash] = useState("");

  useEffect(() => {
    setFlash(takeFlash());
  }, [hash]);
  useEffect(() => {
    const label = nav.find((n) => n.section === route?.section)?.label ?? "Not found";
    document.title = `${label} · Admin · ${brand.title}`;
  }, [route?.section, brand.title]);

  const onFlash = useCallback((m: string) => setFlash(m), []);

  return (
    <div class="app-shell admin-shell">
      <a class="admin-skip" href="#admin-main" onClick={(e) => {
        e.preventDefault();
        document.getElementById("admin-main")?.focus();
      }}>
        Skip to content
      </a>
      <header class="app-header">
        <Brand site={site} />
        <nav aria-label="Admin">
          <ul class="app-nav admin-nav">
            {nav.map((n) => (
              <li key={n.section}>
                <a href={href(`/${n.section}`)} aria-current={route?.section === n.section ? "page" : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="app-header__user">
          <NotificationBell />
          <a href="/if/user/" data-testid="signed-in-as">
            {site.viewer.user?.username}
          </a>
          {brand.invalidationFlow && (
            <a class="button button--small" href={flowURL(brand.invalidationFlow)}>
              Log out
            </a>
          )}
        </div>
      </header>
      <main id="admin-main" class="admin-main" tabIndex={-1} data-testid="admin-console">
        <div role="status" aria-live="polite" class={flash ? "alert alert--success admin-flash" : "visually-hidden"} data-testid="flash">
          {flash}
        </div>
        <View route={route} onFlash={onFlash} />
      </main>
    </div>
  );
}

function View({ route, onFlash }: { route: Route | undefined; onFlash: (m: string) => void }) {
  if (!route) {
    return (
      <div class="page-message">
        <h1>Page not found</h1>
        <p>
          <a href={href("/flows")}>Go to the flows</a>
        </p>
      </div>
    );
  }
  const { section, id } = route;
  // Keyed by the view, so that opening another object starts afresh.
  const key = `${section}/${id ?? ""}`;
  switch (section) {
    case "dashboard":
      return id ? (
        <NotFound what="page" back="/dashboard" />
      ) : (
        <Suspense key={key} fallback={<Loading what="the dashboard" />}>
          <Dashboard />
        </Suspense>
      );
    case "flows":
      return id === "new" ? <FlowNew key={key} /> : id ? <FlowDetail key={key} id={id} onFlash={onFlash} /> : <FlowList key={key} />;
    case "stages":
      return id === "new" ? <StageNew key={key} /> : id ? <StageDetail key={key} id={id} onFlash={onFlash} /> : <StageList key={key} />;
    case "policies":
      return id === "new" ? <PolicyNew key={key} /> : id ? <PolicyDetail key={key} id={id} onFlash={onFlash} /> : <PolicyList key={key} />;
    case "users":
      return id === "new" ? <UserNew key={key} /> : id ? <UserDetail key={key} id={id} onFlash={onFlash} /> : <UserList key={key} />;
    case "groups":
      return id === "new" ? <GroupNew key={key} /> : id ? <GroupDetail key={key} id={id} onFlash={onFlash} /> : <GroupList key={key} />;
    case "brands":
      return id === "new" ? <BrandNew key={key} /> : id ? <BrandDetail key={key} id={id} onFlash={onFlash} /> : <BrandList key={key} />;
    case "applications":
      return id === "new" ? (
        <ApplicationNew key={key} />
      ) : id ? (
        <ApplicationDetail key={key} id={id} onFlash={onFlash} />
      ) : (
        <ApplicationList key={key} />
      );
    case "proxy-providers":
      return id === "new" ? (
        <ProxyProviderNew key={key} />
      ) : id ? (
        <ProxyProviderDetail key={key} id={id} onFlash={onFlash} />
      ) : (
        <ProxyProviderList key={key} />
      );
    case "outposts":
      return <OutpostList key={key} />;
    case "providers":
      return id === "new" ? <ProviderNew key={key} /> : id ? <ProviderDetail key={key} id={id} onFlash={onFlash} /> : <ProviderList key={key} />;
    case "signing-keys":
      // Keys are read-only: a list, no page per key.
      return id ? <NotFound what="page" back="/signing-keys" /> : <SigningKeyList key={key} />;
    case "scopes":
      return id === "new" ? <ScopeNew key={key} /> : id ? <ScopeDetail key={key} id={id} onFlash={onFlash} /> : <ScopeList key={key} />;
    case "notification-rules":
      return id === "new" ? (
        <NotificationRuleNew key={key} />
      ) : id ? (
        <NotificationRuleDetail key={key} id={id} onFlash={onFlash} />
      ) : (
        <NotificationRuleList key={key} />
      );
    case "notification-transports":
      return id === "new" ? (
        <NotificationTransportNew key={key} />
      ) : id ? (
        <NotificationTransportDetail key={key} id={id} onFlash={onFlash} />
      ) : (
        <NotificationTransportList key={key} />
      );
    case "system-tasks":
      return id ? <NotFound what="page" back="/system-tasks" /> : <SystemTasks key={key} />;
    case "invitations":
      return id ? <NotFound what="page" back="/invitations" /> : <InvitationList key={key} />;
    case "tokens":
      return id ? <NotFound what="page" back="/tokens" /> : <TokenList key={key} />;
    case "audit-log":
      return id ? <EventDetail key={key} id={id} /> : <EventList key={key} />;
    case "inspector":
      return <Inspector executionId={id} />;
  }
}
