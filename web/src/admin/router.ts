// The console's routes live in the URL fragment (#/flows/12), so the server
// serves one page for /if/admin/ and every view is linkable.
import { useEffect, useState } from "preact/hooks";

export type Section = "dashboard" | "flows" | "stages" | "policies" | "users" | "groups" | "brands" | "applications" | "providers" | "signing-keys" | "scopes" | "proxy-providers" | "outposts" | "invitations" | "tokens" | "notification-rules" | "notification-transports" | "system-tasks" | "audit-log" | "inspector";

/** A view: a section's list, its "new" form, or one object (id). */
export interface Route {
  section: Section;
  /** An object's ID, "new", or undefined for the list. */
  id?: string;
}

const sections: Section[] = ["dashboard", "flows", "stages", "policies", "users", "groups", "brands", "applications", "providers", "signing-keys", "scopes", "proxy-providers", "outposts", "invitations", "tokens", "notification-rules", "notification-transports", "system-tasks", "audit-log", "inspector"];

/** The route of a location hash; unknown paths give undefined. */
export function parseRoute(hash: string): Route | undefined {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { section: "dashboard" };
  const section = sections.find((s) => s === parts[0]);
  if (!section || parts.length > 2) return undefined;
  return parts[1] ? { section, id: parts[1] } : { section };
}

/** The href of a console path such as "/flows/12". */
export function href(path: string): string {
  return `#${path}`;
}

let pendingFlash = "";

/** Opens a console path; flash is announced on the page it opens. */
export function navigate(path: string, flash = ""): void {
  pendingFlash = flash;
  window.location.hash = path;
}

/** The flash message of the last navigation, once. */
export function takeFlash(): string {
  const flash = pendingFlash;
  pendingFlash = "";
  return flash;
}

let navigated = false;

/** Whether the user has moved to another view since the page loaded. */
export function hasNavigated(): boolean {
  return navigated;
}

/** The current location hash, updated on navigation. */
export function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => {
      navigated = true;
      setHash(window.location.hash);
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}
