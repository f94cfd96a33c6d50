// Package playground serves the GraphQL playground: a GraphiQL page for
// exploring and calling the Gatehouse GraphQL API from a browser.
//
// Handler serves the page at its base path and the scripts and styles it
// needs under {base path}/assets/. Queries and mutations go to the API over
// HTTP with the browser's session cookie, subscriptions over a
// graphql-transport-ws websocket. A bearer token typed into GraphiQL's
// headers editor is sent both as an HTTP header and in the websocket's
// connection_init payload.
//
// Everything the page loads comes from the Go binary: GraphiQL, React,
// ReactDOM and graphql-ws are vendored into assets/ and embedded, so the
// playground works without internet access and its Content-Security-Policy
// can allow only the page's own origin. The vendored files are the
// packages' minified UMD builds, byte for byte as published on the npm
// registry; assets/VERSIONS lists the package versions and each file's
// sha256. To refresh or upgrade them, change the pinned versions at the top
// of scripts/update-playground-assets and run it from the repository root.
// The page's own code is assets/app.js and assets/app.css. Source maps are
// not vendored (GraphiQL's alone is 4 MB), so browser developer tools get a
// 404 for the one graphiql.min.js names.
package playground
