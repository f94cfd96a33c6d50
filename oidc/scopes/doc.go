// Package scopes is the custom OAuth2 scopes of the OpenID Connect
// provider (ent ScopeMapping): a scope token, the description a consent
// screen shows, and a CEL expression over the user whose result is the
// scope's claims. The built-in scopes (openid, profile, email, groups,
// offline_access) are oidc/clients'; a mapping cannot take their names.
//
// An expression runs in the sandboxed, cost-bounded evaluator expression
// policies use (package celeval) and sees one variable, `user`, the map an
// expression policy sees (id, username, name, email, is_active,
// is_superuser, type, groups, attributes). It must evaluate to a map with
// string keys, e.g.
//
//	{"department": user.attributes.department, "is_staff": "staff" in user.attributes}
//
// Create and Update compile the expression (a field error on
// "expression" when it does not compile or cannot give a map).
//
// At token time (Evaluator.Claims) every custom scope granted is
// evaluated once for the user, at the time of the request, and its claims
// are merged into the ID token (when the provider includes claims there),
// userinfo and introspection:
//
//	granted scopes ──▶ mappings of the custom ones (one query)
//	               ──▶ for each, by scope name: evaluate ──▶ map
//	                      reserved claims dropped (a warning)
//	                      an error or the cost limit: the scope gives no
//	                      claims, a warning and a CONFIGURATION_ERROR event
//	               ──▶ merged (a later scope name wins a shared claim)
//
// A failing mapping never fails the token request. Reserved claims
// (ReservedClaims: the token's own claims and the built-in scopes') are
// never set by a mapping. Logs and events name the mapping and the kind
// of failure, never CEL's message, which may quote the user's data;
// testScopeMapping shows the message to administrators.
package scopes
