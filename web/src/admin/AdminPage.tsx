import type { Site } from "../lib/site";

// AdminPage is the admin console; it is being built.
export function AdminPage({ site }: { site: Site }) {
  return (
    <main class="page-message">
      <h1>Administration</h1>
      <p>The admin console of {site.currentBrand.title} is not in this build.</p>
    </main>
  );
}
