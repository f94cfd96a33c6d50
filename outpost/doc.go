// Package outpost holds Gatehouse's outpost: forward auth for nginx,
// Traefik and Caddy, and a reverse proxy, for applications that do not
// speak OpenID Connect themselves.
//
// An outpost is a client of the core like any third party: it reads its
// configuration with a GraphQL query and follows changes with a
// subscription, through the Core interface (core.go). It never imports
// executor or graph, so the embedded outpost in `gatehouse serve` and a
// standalone `gatehouse outpost` process are the same code. It signs users
// in as an ordinary OpenID Connect relying party of the core (one client
// per proxy provider: code flow with PKCE S256, state and nonce, ID token
// verified with go-oidc).
//
// # Requests
//
//	browser ──▶ nginx / Traefik / Caddy ──▶ application          (forward auth)
//	                 │ auth request                ▲
//	                 ▼                             │ 200 + X-Gatehouse-* headers
//	           /outpost.gatehouse/auth/<proxy> ────┘
//	                 │ 401 (nginx) / 302 (Traefik, Caddy): no session
//	                 ▼
//	           /outpost.gatehouse/start?rd=<URL> ──▶ core: authorize ──▶ /outpost.gatehouse/callback
//	                                                   (sign-in flow)      │ code → tokens (back channel),
//	                                                                       │ ID token's sid → Core.Sessions
//	                                                                       ▼
//	                                                    session cookie, 302 to rd (only on the provider's hosts)
//
//	browser ──▶ outpost (PROXY mode) ── the same check ──▶ internal host (httputil.ReverseProxy)
//
// | route                             | answer                                                        |
// |-----------------------------------|---------------------------------------------------------------|
// | /outpost.gatehouse/auth/nginx     | 200 + identity headers, 401 sign in, 403 denied                |
// | /outpost.gatehouse/auth/traefik   | 200 + identity headers, 302 to start, 403 denied               |
// | /outpost.gatehouse/auth/caddy     | as traefik                                                    |
// | /outpost.gatehouse/start          | 302 to the core's authorize endpoint (sealed 10-minute cookie) |
// | /outpost.gatehouse/callback       | 302 to rd with the session cookie; 400/403/502/503 pages       |
// | /outpost.gatehouse/sign_out       | clears the cookie, 302 to the core's end_session endpoint      |
// | anything else on a PROXY host     | checked, then proxied; 302 to start, 403, 503                  |
//
// The original URL of a forward-auth request comes from X-Original-URL
// (nginx) or X-Forwarded-Proto/-Host/-Uri (Traefik, Caddy), believed only
// when the direct peer is in Options.TrustedProxies. Providers are found
// by host name (port ignored, case-insensitive): the exact external host
// first, then the forward_domain provider with the longest cookie domain
// containing the host. Skip-path regexes are anchored and matched against
// the percent-decoded, cleaned path.
//
// # Sessions
//
// The session cookie is sealed (AES-256-GCM, key from HKDF of the
// outpost's cookie secret and the provider ID) and holds the provider ID,
// the login's sid, an expiry, the refresh token and (when the provider
// sends it upstream) the access token. Whether a sid is still valid and
// allowed is the core's answer to Core.Sessions, cached in memory:
//
//	request with cookie ──▶ open cookie ──▶ cache[provider, sid]
//	                                          │ fresh (< 3 × CheckInterval): no I/O
//	                                          │ missing or stale: one Core.Sessions call,
//	                                          │   shared by concurrent requests
//	                                          ▼
//	        inactive → sign in (cookie cleared) · not allowed → 403 · else 200
//
//	Run: every CheckInterval (5 s) ── Core.Sessions for every sid used in
//	     the last hour, ≤ MaxSessionsPerCheck a call ──▶ cache replaced
//
// So a logout, a revoked session, a deactivated user or a policy change is
// enforced within about one CheckInterval. Access tokens are refreshed
// with the refresh token when they run out and the provider sends them
// upstream; a failed refresh means signing in again.
//
// # Failures
//
// When the core cannot be reached, a cached answer is trusted for three
// check intervals; after that the outpost fails closed: a forward-auth
// check answers as if there were no session (nginx accepts only 2xx, 401
// and 403 from auth_request, so a 503 would reach the user as a 500) but
// keeps the cookie, the reverse proxy answers 503, and sign-in shows a 503
// page. After a failed synchronous check, misses fail at once for a
// second rather than calling a core that is down once per request. Until
// the first configuration arrives every request gets 503. The
// configuration stream is re-opened with a backoff capped at 30 s; the
// last configuration keeps being served meanwhile. Logs never carry
// tokens, codes or cookies.
package outpost
