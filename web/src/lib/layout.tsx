// Pieces every page shares: the brand's logo and title.
import type { Site } from "./site";

/** The brand's logo (or its title when it has none). */
export function Brand({ site }: { site: Site }) {
  const b = site.currentBrand;
  return (
    <div class="brand">
      {b.logo ? <img class="brand__logo" src={b.logo} alt={b.title} /> : <span class="brand__title">{b.title}</span>}
    </div>
  );
}
