// app.js starts GraphiQL for the Gatehouse GraphQL playground.
//
// The page passes its settings in data-* attributes of #graphiql, so that its
// Content-Security-Policy can forbid inline scripts. Endpoints are paths on
// the page's own origin; they are resolved against window.location, so the
// page works behind any host, port and TLS termination.
(function () {
  'use strict';

  const DEFAULT_QUERY = `# Gatehouse GraphQL playground
#
# Requests use your session cookie when you are
# signed in to this site. To use an access token
# instead, open "Headers" below and set:
#
#   {"Authorization": "Bearer <token>"}
#
# Subscriptions send the same token when they open
# their websocket.
#
# Run a query with Ctrl-Enter or the play button.

{
  viewer {
    user {
      username
    }
  }
}
`;

  const root = document.getElementById('graphiql');

  // GraphiQL's dialogs add a <style> element to lock scrolling; it carries
  // the nonce from __webpack_nonce__, which the page's style-src allows.
  window.__webpack_nonce__ = root.dataset.styleNonce;

  const url = new URL(root.dataset.endpoint, window.location.href);
  const wsUrl = new URL(root.dataset.subscriptionEndpoint || root.dataset.endpoint, window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  // authorization returns the Authorization header among headers, or
  // undefined.
  function authorization(headers) {
    if (!headers || typeof headers !== 'object') {
      return undefined;
    }
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'authorization' && typeof value === 'string' && value !== '') {
        return value;
      }
    }
    return undefined;
  }

  // wsAuthorization is the Authorization header of the operation GraphiQL
  // ran last. GraphiQL hands the fetcher the parsed headers editor with
  // every operation, but does not pass them to a websocket client. Reading
  // them there, rather than from localStorage ("graphiql:headers", or the
  // tabs in "graphiql:tabState"), also works when the user turns header
  // persistence off, and right after a reload, when GraphiQL has moved the
  // headers from "graphiql:headers" into its tab state.
  let wsAuthorization;

  // The websocket connects on the first subscription, with connectionParams
  // read at that moment, and closes after the last one ends; a token changed
  // while a subscription is running applies from the next connection on.
  // Browsers send the session cookie with the upgrade request themselves.
  const wsClient = graphqlWs.createClient({
    url: wsUrl.href,
    lazy: true,
    connectionParams: () => (wsAuthorization ? { Authorization: wsAuthorization } : {}),
  });

  const graphiqlFetcher = GraphiQL.createFetcher({
    url: url.href,
    subscriptionUrl: wsUrl.href,
    wsClient: wsClient,
    fetch: (input, init) => window.fetch(input, { ...init, credentials: 'same-origin' }),
  });

  function fetcher(params, opts) {
    wsAuthorization = authorization(opts && opts.headers);
    return graphiqlFetcher(params, opts);
  }

  // The logo replaces GraphiQL's, a link to its GitHub page, so the page
  // points nowhere but its own origin.
  ReactDOM.createRoot(root).render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultQuery: DEFAULT_QUERY,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
      },
      React.createElement(GraphiQL.Logo, null, 'Gatehouse'),
    ),
  );
})();
