// Package provider is Gatehouse's OpenID Connect provider: the protocol is
// github.com/zitadel/oidc/v3/pkg/op (an OpenID-certified library); this
// package supplies its storage (clients, authorization requests, codes and
// tokens in the database, keys from oidc/keys) and hands the user over to
// the flow engine and back:
//
//	client ──▶ /oauth2/authorize            client and redirect URI checked first
//	           (bad: Gatehouse's error page, 400, never a redirect)
//	       ──▶ /oauth2/authorize/resume?request=ID
//	           no session, prompt=login, max_age passed
//	             ──▶ 302 /if/flow/<brand authentication flow>/?next=<resume>
//	           the application's policies refuse the user ──▶ error page (403)
//	           authorization flow not passed yet
//	             ──▶ 302 /if/flow/<provider's authorization flow>/?execution=E
//	                 (ends with a redirect back to resume)
//	           all passed ──▶ /oauth2/authorize/callback ──▶ 302 redirect_uri?code&state
//	client ──▶ /oauth2/token                code (+PKCE) ──▶ access, ID, refresh tokens
//	                                        client_credentials (confidential clients)
//	                                          ──▶ an access token for the client itself
//
// Codes are single-use: the first redemption claims the code with a
// compare-and-set; presenting it again revokes every token the first
// redemption issued (the request is their family). Refresh tokens are
// opaque, stored as SHA-256, rotated on every use; presenting a rotated
// one revokes its family. Access tokens are opaque too (the library seals
// a token ID in them): every use checks the token's row, so revoking a
// token, or deactivating or deleting its user, stops it at once.
package provider
