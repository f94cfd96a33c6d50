// Package redirecturi registers and matches the redirect URIs of OAuth2 and
// OpenID Connect clients: the redirect_uri of an authorization request and
// the post_logout_redirect_uri of RP-initiated logout.
//
// A redirect URI is where the provider sends an authorization code or
// tokens. If an attacker can make the provider redirect to a URI the client
// never registered, the code or token goes to the attacker (an open
// redirect, RFC 6749 §10.6 and §10.15, RFC 9700 §4.1). The rules below are
// therefore exact by default and fail closed.
//
// # Rules
//
// A client registers a list of [Rule] values, each a URL and a matching
// mode (stored in lower case, shown by GraphQL as STRICT or REGEX):
//
//	mode    registered URL                    matches
//	STRICT  https://app.example.com/cb        that exact string, byte for byte
//	REGEX   https://[a-z]+\.example\.com/cb  a whole URI, never a part of one
//
// STRICT compares the whole string with no normalisation at all: the case of
// the scheme or host, a trailing slash, a default port (:443), percent
// encoding, a query, a fragment, user information and IDN or punycode
// lookalikes all make a different URI. Loopback redirect URIs
// (http://127.0.0.1:8080/cb) are matched exactly too, port included: the
// port wildcard RFC 8252 §7.3 allows for native apps is deliberately not
// implemented; register every port, or use a REGEX rule.
//
// REGEX patterns use Go's regexp syntax (RE2, so matching takes linear time
// and a pattern cannot be used for ReDoS). A pattern is always matched
// anchored, as ^(?:pattern)$, against the whole URI. authentik had
// CVE-2024-52289: its regex redirect URIs were matched unanchored, so a
// pattern such as https://app\.example\.com/cb also matched
// https://evil.com/?https://app.example.com/cb and the authorization code
// went to the attacker. Anchoring makes an admin's pattern mean what it
// reads as. Even so, a REGEX rule only matches a URI that a STRICT rule
// could have registered (see below): never one with a fragment, user
// information, a javascript:, data:, file: or vbscript: scheme, characters a
// URI may not contain, or one that is not an absolute URL.
//
// # Registration
//
// [Rule.Validate] and [ValidateAll] check rules when an admin saves them
// and return [problem.FieldError] values. A STRICT URL must be an absolute
// URL of at most [MaxLength] bytes, made only of the characters RFC 3986
// allows (so no whitespace, control characters, backslashes or raw non-ASCII
// text: percent-encode, and write international host names in punycode),
// with no fragment and no user information, and with one of these schemes:
//
//   - https;
//   - http, for any host: plain http is refused nowhere in this package,
//     because development setups and loopback redirects (RFC 8252 §7.3)
//     need it; whether production clients may use it is the admin's call;
//   - a private-use scheme for native apps, which must contain a period
//     (RFC 8252 §7.1: com.example.app:/callback).
//
// javascript:, data:, file: and vbscript: are refused by name. A REGEX
// pattern must compile, be at most [MaxLength] bytes, and not match the
// empty string. A list holds at most [MaxRules] rules with no duplicates;
// an empty list is valid here, and a caller that needs at least one redirect
// URI checks that itself.
//
// # Matching
//
// [NewMatcher] checks and compiles a client's rules once; [Matcher.Match]
// then answers each request without compiling anything, and a Matcher is
// safe for concurrent use. [Match] is the one-shot form for callers that do
// not keep a Matcher: it compiles every REGEX rule on each call. Both fail
// closed: a rule that would not pass [Rule.Validate] today makes NewMatcher
// fail and Match return false for every URI.
package redirecturi
