// What every page needs first: the brand serving this host and who is
// signed in.
import { graphql } from "../gql";
import { request } from "./graphql";
import type { SiteQuery } from "../gql/graphql";

export const SiteDocument = graphql(`
  query Site {
    currentBrand {
      title
      logo
      favicon
      authenticationFlow
      invalidationFlow
      recoveryFlow
      userSettingsFlow
      unenrollmentFlow
    }
    viewer {
      isSuperuser
      user {
        id
        username
        name
        email
      }
    }
  }
`);

export type Site = SiteQuery;

/** Loads the brand and the viewer, and sets the page's favicon. */
export async function loadSite(): Promise<Site> {
  const site = await request(SiteDocument);
  if (site.currentBrand.favicon) {
    let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) {
      link = document.createElement("link");
      link.rel = "icon";
      document.head.append(link);
    }
    link.href = site.currentBrand.favicon;
  }
  return site;
}

/** The page that runs the flow slug, then sends the user to next. */
export function flowURL(slug: string, next?: string): string {
  const url = `/if/flow/${encodeURIComponent(slug)}/`;
  return next ? `${url}?${new URLSearchParams({ next })}` : url;
}
