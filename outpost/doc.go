// Package outpost will hold Gatehouse's embedded outpost: forward auth for
// nginx, Traefik and Caddy, and a reverse proxy, for applications that do
// not speak OpenID Connect themselves.
//
// An outpost is a client of the core like any third party: it reads its
// configuration with a GraphQL query and follows changes with a
// subscription, through a Core interface that server.go adapts. It never
// imports executor or graph, so a standalone outpost binary is the same
// code. The package is populated by the outpost issue; until then it holds
// only this contract.
package outpost
