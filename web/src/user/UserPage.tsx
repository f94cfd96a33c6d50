// The page at /if/user/: the signed-in user's settings. Profile and
// password are changed through their flows (the brand's user settings flow
// and the password stage's configure flow), run in place; sessions are
// listed and revoked directly, as are the applications the user consented
// to; the user's applications are listed (by group) to open them. The
// account is deleted through the brand's unenrollment flow, when it has one.
// Second factors are listed, renamed and deleted, and set up through their
// setup flows (devices.tsx).
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { FlowExecutor } from "../flow/FlowExecutor";
import type { ConnectedApplicationsQuery, MyApplicationsQuery, MySessionsQuery } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { Brand } from "../lib/layout";
import { NotificationBell } from "../lib/notifications";
import { flowURL, loadSite, type Site } from "../lib/site";
import {
  ConnectedApplications,
  MyApplications,
  MySessions,
  PasswordChangeFlow,
  RevokeApplicationAccess,
  RevokeOtherSessions,
  RevokeSession,
} from "./operations";
import { DevicesSection } from "./devices";
import { EmbeddedFlow } from "./embedded-flow";

export function UserPage({ site: initial }: { site: Site }) {
  const [site, setSite] = useState(initial);
  const user = site.viewer.user;
  const brand = site.currentBrand;

  useEffect(() => {
    if (!user && brand.authenticationFlow) window.location.replace(flowURL(brand.authenticationFlow, "/if/user/"));
  }, [user, brand.authenticationFlow]);
  useEffect(() => {
    document.title = `Your account · ${brand.title}`;
  }, [brand.title]);

  const refresh = useCallback(() => {
    loadSite().then(setSite, () => {});
  }, []);

  if (!user) {
    return (
      <main class="page-message">
        <p role="status">You are not signed in. Taking you to the login page…</p>
        {brand.authenticationFlow && <a href={flowURL(brand.authenticationFlow, "/if/user/")}>Log in</a>}
      </main>
    );
  }

  const sections: { id: string; title: string; body: ComponentChildren }[] = [
    { id: "applications", title: "My applications", body: <ApplicationsSection /> },
    {
      id: "profile",
      title: "Profile",
      body: brand.userSettingsFlow ? (
        <EmbeddedFlow slug={brand.userSettingsFlow} doneMessage="Your profile is saved." onDone={refresh} />
      ) : (
        <p>Your administrator has not set up profile editing.</p>
      ),
    },
    { id: "password", title: "Password", body: <PasswordSection /> },
    { id: "mfa", title: "Second factors", body: <DevicesSection /> },
    { id: "connected", title: "Connected applications", body: <ConnectedSection /> },
    { id: "sessions", title: "Sessions", body: <SessionsSection /> },
  ];
  if (brand.unenrollmentFlow) {
    sections.push({ id: "delete", title: "Delete account", body: <DeleteAccountSection slug={brand.unenrollmentFlow} /> });
  }

  return (
    <div class="app-shell">
      <header class="app-header">
        <Brand site={site} />
        <nav aria-label="Account">
          <ul class="app-nav">
            {sections.map((s) => (
              <li key={s.id}>
                <a href={`#${s.id}`}>{s.title}</a>
              </li>
            ))}
            {site.viewer.isSuperuser && (
              <li>
                <a href="/if/admin/">Admin console</a>
              </li>
            )}
          </ul>
        </nav>
        <div class="app-header__user">
          <NotificationBell />
          <span data-testid="signed-in-as">{user.username}</span>
          {brand.invalidationFlow && (
            <a class="button button--small" href={flowURL(brand.invalidationFlow)}>
              Log out
            </a>
          )}
        </div>
      </header>
      <main class="settings">
        <h1>Your account</h1>
        {sections.map((s) => (
          <section key={s.id} id={s.id} class="card" aria-labelledby={`${s.id}-title`}>
            <h2 id={`${s.id}-title`} class="card__title">
              {s.title}
            </h2>
            {s.body}
          </section>
        ))}
      </main>
    </div>
  );
}

/** The brand's password change flow, behind a button; "" when it has none. */
function PasswordSection() {
  const [slug, setSlug] = useState<string | undefined>();
  const [error, setError] = useState("");
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState("");
  useEffect(() => {
    request(PasswordChangeFlow).then(
      (data) => setSlug(data.currentBrand.passwordChangeFlow),
      (err) => setError(messageOf(err)),
    );
  }, []);
  if (error) return <p class="alert alert--error" role="alert">{error}</p>;
  if (slug === undefined) return <p role="status">Loading…</p>;
  if (!slug) return <p>Your password cannot be changed here.</p>;
  if (!open) {
    return (
      <div>
        <div role="status" aria-live="polite" class={done ? "alert alert--success" : "visually-hidden"}>
          {done}
        </div>
        <p>Change the password you log in with. You will be asked for the current one first.</p>
        <button type="button" class="button" onClick={() => setOpen(true)}>
          Change password
        </button>
      </div>
    );
  }
  return (
    <div class="embedded-flow">
      <FlowExecutor
        slug={slug}
        headingLevel={2}
        embedded
        autoFocus
        onComplete={() => {
          setDone("Your password was changed.");
          setOpen(false);
        }}
      />
      <button type="button" class="link-button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </div>
  );
}

/**
 * The brand's unenrollment flow, run in place behind a button: when it
 * ends the account is gone, and the page leaves for where the flow sends
 * it (the login page).
 */
function DeleteAccountSection({ slug }: { slug: string }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <div>
        <p>Delete your account, its sessions and its API tokens. This cannot be undone.</p>
        <button type="button" class="button button--danger" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      </div>
    );
  }
  return (
    <div class="embedded-flow">
      <FlowExecutor slug={slug} headingLevel={2} embedded autoFocus onComplete={(to) => window.location.assign(to)} />
      <button type="button" class="link-button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </div>
  );
}

type Application = MyApplicationsQuery["viewer"]["applications"][number];

/**
 * The applications the user may open, grouped as the server orders them
 * (by group, then name: the ungrouped ones first, under no heading). Each
 * opens its launch URL in this tab; one without a launch URL is listed
 * without a link.
 */
function ApplicationsSection() {
  const [apps, setApps] = useState<Application[] | undefined>();
  const [error, setError] = useState("");
  useEffect(() => {
    request(MyApplications).then(
      (data) => setApps(data.viewer.applications),
      (err) => setError(messageOf(err)),
    );
  }, []);
  if (error) return <p class="alert alert--error" role="alert">{error}</p>;
  if (!apps) return <p role="status">Loading your applications…</p>;
  if (apps.length === 0) return <p>You have no applications yet.</p>;
  const groups: { name: string; apps: Application[] }[] = [];
  for (const app of apps) {
    const last = groups[groups.length - 1];
    if (last && last.name === app.group) last.apps.push(app);
    else groups.push({ name: app.group, apps: [app] });
  }
  return (
    <div data-testid="applications">
      {groups.map((g) => (
        <div key={g.name} class="app-group" data-group={g.name}>
          {g.name && <h3 class="app-group__title">{g.name}</h3>}
          <ul class="app-grid" aria-label={g.name || "Applications"}>
            {g.apps.map((app) => (
              <li key={app.slug} class="app-tile" data-app={app.slug}>
                {app.launchUrl ? (
                  <a class="app-tile__link" href={app.launchUrl}>
                    <AppIcon name={app.name} icon={app.icon} />
                    <span class="app-tile__name">{app.name}</span>
                  </a>
                ) : (
                  <span class="app-tile__link">
                    <AppIcon name={app.name} icon={app.icon} />
                    <span class="app-tile__name">{app.name}</span>
                  </span>
                )}
                {app.description && <p class="app-tile__description">{app.description}</p>}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

/** An application's icon, or its initials when it has none. */
function AppIcon({ name, icon }: { name: string; icon: string }) {
  if (icon) return <img class="app-icon" src={icon} alt="" width={40} height={40} />;
  return (
    <span class="app-icon app-icon--initials" aria-hidden="true">
      {initials(name)}
    </span>
  );
}

/** Up to two initials of name: of its first two words, or its first two letters. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  if (words.length === 1) return Array.from(words[0]).slice(0, 2).join("").toUpperCase();
  return (Array.from(words[0])[0] + Array.from(words[1])[0]).toUpperCase();
}

type Connected = ConnectedApplicationsQuery["viewer"]["connectedApplications"][number];

/**
 * The applications the user consented to (remembered consents that have
 * not lapsed). Revoking one forgets the consent and ends the application's
 * access at once; its next sign-in asks again.
 */
function ConnectedSection() {
  const [connected, setConnected] = useState<Connected[] | undefined>();
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const data = await request(ConnectedApplications);
      setConnected(data.viewer.connectedApplications);
      setError("");
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (c: Connected) => {
    setBusy(true);
    setStatus("");
    try {
      await request(RevokeApplicationAccess, { slug: c.application.slug });
      setStatus(`${c.application.name} no longer has access to your account.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      await load();
    }
  };

  if (error && !connected) return <p class="alert alert--error" role="alert">{error}</p>;
  if (!connected) return <p role="status">Loading your connected applications…</p>;
  return (
    <div>
      <p>Applications you allowed to use your account. Revoke any you no longer use: they lose access at once.</p>
      <div role="status" aria-live="polite" class={status ? "alert alert--success" : "visually-hidden"}>
        {status}
      </div>
      {error && (
        <p class="alert alert--error" role="alert">
          {error}
        </p>
      )}
      {connected.length === 0 ? (
        <p>No application has access to your account.</p>
      ) : (
        <ul class="session-list" data-testid="connected-applications">
          {connected.map((c) => (
            <li key={c.application.slug} class="session" data-app={c.application.slug}>
              <div class="connected__what">
                <AppIcon name={c.application.name} icon={c.application.icon} />
                <div>
                  <strong>{c.application.name}</strong>
                  <div class="session__meta">
                    {c.scopes.join(", ")} · allowed {when(c.consentedAt)}
                    {c.expiresAt && ` · until ${when(c.expiresAt)}`}
                  </div>
                </div>
              </div>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={busy}
                aria-label={`Revoke the access of ${c.application.name}`}
                onClick={() => void revoke(c)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type UserSession = MySessionsQuery["viewer"]["sessions"][number];

function SessionsSection() {
  const [sessions, setSessions] = useState<UserSession[] | undefined>();
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const data = await request(MySessions);
      setSessions(data.viewer.sessions);
      setError("");
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setStatus(await what());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      await load();
    }
  };

  if (error && !sessions) return <p class="alert alert--error" role="alert">{error}</p>;
  if (!sessions) return <p role="status">Loading your sessions…</p>;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div>
      <p>Browsers and devices where you are signed in. End any you do not recognise.</p>
      <div role="status" aria-live="polite" class={status ? "alert alert--success" : "visually-hidden"}>
        {status}
      </div>
      {error && (
        <p class="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <ul class="session-list" data-testid="sessions">
        {sessions.map((s) => (
          <li key={s.key} class="session" data-current={s.current}>
            <div class="session__what">
              <strong>{describeAgent(s.userAgent)}</strong>
              {s.current && <span class="badge">This device</span>}
              <div class="session__meta">
                {s.clientIp || "unknown address"} · signed in {when(s.createdAt)} · last active {when(s.lastSeenAt)}
              </div>
            </div>
            {!s.current && (
              <button
                type="button"
                class="button button--small button--danger"
                disabled={busy}
                aria-label={`Revoke the session of ${describeAgent(s.userAgent)} from ${s.clientIp || "an unknown address"}`}
                onClick={() =>
                  act(async () => {
                    await request(RevokeSession, { key: s.key });
                    return "The session was ended.";
                  })
                }
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={() =>
            act(async () => {
              const n = (await request(RevokeOtherSessions)).revokeOtherSessions;
              return n === 1 ? "One other session was ended." : `${n} other sessions were ended.`;
            })
          }
        >
          Sign out everywhere else
        </button>
      )}
    </div>
  );
}

/** A short name for a User-Agent: browser on system. */
export function describeAgent(ua: string): string {
  if (!ua) return "Unknown device";
  const browser =
    /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /(Chrome|Chromium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl\//.test(ua) ? "curl" : "";
  const system = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  if (browser && system) return `${browser} on ${system}`;
  return browser || system || ua.slice(0, 60);
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
