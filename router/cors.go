package router

import (
	"net/http"
	"strconv"
	"strings"
)

// Cross-origin resource sharing (CORS) for the GraphQL API: browser pages
// of the trusted origins (Options.CORSOrigins: the public URL's origin and
// GATEHOUSE_ALLOWED_ORIGINS) may call it with credentials. Every other
// origin gets no CORS header at all, so the browser keeps its answers from
// the page; "*" is never sent.
const (
	// CORSMaxAge is how long (seconds) a browser may cache a preflight.
	CORSMaxAge = 600
	// corsMethods are the methods of the GraphQL API.
	corsMethods = "GET, POST, OPTIONS"
	// corsExposed are the response headers pages may read besides the
	// CORS-safelisted ones.
	corsExposed = "X-Request-ID, Retry-After, WWW-Authenticate"
)

// CORSHeaders are the request headers a trusted page may send: the ones
// GraphQL clients send by default (Apollo Client, urql, graphql-request,
// graphql-sse) and Gatehouse's credentials. A preflight asking for any
// other header is answered without CORS headers, and the browser refuses
// the request.
var CORSHeaders = []string{
	"Accept", "Authorization", "Content-Type", "Gatehouse-Session",
	"apollo-require-preflight", "x-apollo-operation-name", "apollographql-client-name",
	"apollographql-client-version", "X-Request-ID",
}

// cors answers preflights and adds CORS headers for requests from origins;
// requests without an Origin, or from other origins, pass untouched.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	trusted := make(map[string]bool, len(origins))
	for _, o := range origins {
		if o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/")); o != "" {
			trusted[o] = true
		}
	}
	allowed := make(map[string]bool, len(CORSHeaders))
	for _, h := range CORSHeaders {
		allowed[strings.ToLower(h)] = true
	}
	allowHeaders := strings.Join(CORSHeaders, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !trusted[strings.ToLower(origin)] {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !methodAllowed(r.Header.Get("Access-Control-Request-Method")) ||
				!headersAllowed(r.Header.Values("Access-Control-Request-Headers"), allowed) {
				w.WriteHeader(http.StatusNoContent) // no CORS headers: the browser refuses
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", allowHeaders)
			h.Set("Access-Control-Max-Age", strconv.Itoa(CORSMaxAge))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Expose-Headers", corsExposed)
		next.ServeHTTP(w, r)
	})
}

// headersAllowed reports whether every header of an
// Access-Control-Request-Headers list is allowed.
func headersAllowed(lists []string, allowed map[string]bool) bool {
	for _, list := range lists {
		for name := range strings.SplitSeq(list, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" && !allowed[name] {
				return false
			}
		}
	}
	return true
}

// methodAllowed reports whether a preflight's method is one of corsMethods.
func methodAllowed(method string) bool {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodOptions:
		return true
	}
	return false
}
