// Package outpost holds Gatehouse's outpost: forward auth for nginx,
// Traefik and Caddy, and a reverse proxy, for applications that do not
// speak OpenID Connect themselves.
//
// An outpost is a client of the core like any third party: it reads its
// configuration with a GraphQL query and follows changes with a
// subscription, through the Core interface (core.go). It never imports
// executor or graph, so the embedded outpost in `gatehouse serve` and a
// standalone `gatehouse outpost` process are the same code.
package outpost
