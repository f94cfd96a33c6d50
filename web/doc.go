// Package web serves Gatehouse's single-page frontend under /if/: the flow
// executor (/if/flow/<slug>/), the signed-in user's settings (/if/user/)
// and the admin console (/if/admin/). The app is built from this folder by
// `npm run build` (make web) into dist/app and embedded in the binary. A
// binary built without it (a clean clone, no Node.js) still serves the API
// and answers the pages with a "frontend not built" page.
//
// The app talks only GraphQL: queries and mutations to /graphql, and
// subscriptions over graphql-transport-ws on the same path, authenticated
// by the session cookie. Its TypeScript types are generated from the
// schema (src/gql, npm run generate), so a schema change that breaks the
// app fails its build.
//
// Root answers "/": signed-in users go to their settings, everyone else to
// the brand's authentication flow, which brings them back to their settings.
//
// ServeMessage answers a page the server renders itself (the OpenID Connect
// provider's errors, its signed-out page) with any HTTP status: the app's
// page with the message as data, which the app shows in the brand's layout.
package web
