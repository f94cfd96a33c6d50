package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

func builtApp() fstest.MapFS {
	return fstest.MapFS{
		"index.html":             {Data: []byte(`<!doctype html><div id="app"></div><script type="module" src="/if/assets/index-abc123.js"></script>`)},
		"assets/index-abc123.js": {Data: []byte(`console.log("app")`)},
	}
}

func serve(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(context.Background(), method, target, nil)
	maps.Copy(r.Header, header)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerServesPages(t *testing.T) {
	t.Parallel()
	h := handlerFor(builtApp())
	for _, path := range []string{"/if/flow/default-authentication-flow/", "/if/flow/default-authentication-flow/?next=%2Fapp", "/if/user/", "/if/admin/"} {
		w := serve(h, http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, w.Code, path)
		require.Contains(t, w.Body.String(), `<div id="app">`, path)
		require.Equal(t, "no-cache", w.Header().Get("Cache-Control"), path)
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "script-src 'self'", path)
		require.Equal(t, "DENY", w.Header().Get("X-Frame-Options"), path)
		require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"), path)
	}

	// Revalidation answers 304 while the page is unchanged.
	etag := serve(h, http.MethodGet, "/if/user/", nil).Header().Get("ETag")
	require.NotEmpty(t, etag)
	w := serve(h, http.MethodGet, "/if/user/", http.Header{"If-None-Match": {etag}})
	require.Equal(t, http.StatusNotModified, w.Code)
}

// directives parses a Content-Security-Policy.
func directives(policy string) map[string][]string {
	out := map[string][]string{}
	for d := range strings.SplitSeq(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// Pages that run flows allow the captcha providers' documented hosts and
// nothing else third-party; the admin console allows none.
func TestHandlerContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	h := handlerFor(builtApp())
	self := []string{"'self'"}
	strict := map[string][]string{
		"default-src": {"'none'"}, "script-src": self, "style-src": self, "img-src": {"'self'", "data:", "https:"},
		"font-src": self, "connect-src": self, "manifest-src": self, "frame-ancestors": {"'none'"},
		"base-uri": {"'none'"}, "form-action": self,
	}
	require.Equal(t, strict, directives(serve(h, http.MethodGet, "/if/admin/", nil).Header().Get("Content-Security-Policy")))

	hcaptcha := []string{"https://hcaptcha.com", "https://*.hcaptcha.com"}
	flows := maps.Clone(strict)
	flows["script-src"] = append([]string{"'self'", "https://challenges.cloudflare.com"}, append(hcaptcha,
		"https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/")...)
	flows["worker-src"] = self
	flows["style-src"] = append([]string{"'self'"}, hcaptcha...)
	flows["connect-src"] = append([]string{"'self'"}, hcaptcha...)
	flows["frame-src"] = append([]string{"https://challenges.cloudflare.com"}, append(hcaptcha,
		"https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/")...)
	for _, path := range []string{"/if/flow/default-enrollment-flow/", "/if/user/"} {
		require.Equal(t, flows, directives(serve(h, http.MethodGet, path, nil).Header().Get("Content-Security-Policy")), path)
	}
}

func TestHandlerRedirectsToTheTrailingSlashKeepingTheQuery(t *testing.T) {
	t.Parallel()
	h := handlerFor(builtApp())
	for path, want := range map[string]string{
		"/if/flow/default-authentication-flow?next=%2Fapp": "/if/flow/default-authentication-flow/?next=%2Fapp",
		"/if/user":  "/if/user/",
		"/if/admin": "/if/admin/",
	} {
		w := serve(h, http.MethodGet, path, nil)
		require.Equal(t, http.StatusMovedPermanently, w.Code, path)
		require.Equal(t, want, w.Header().Get("Location"), path)
	}
}

func TestHandlerServesHashedAssetsForAYear(t *testing.T) {
	t.Parallel()
	h := handlerFor(builtApp())
	w := serve(h, http.MethodGet, "/if/assets/index-abc123.js", nil)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, `console.log("app")`, w.Body.String())
	require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"))
	require.Contains(t, w.Header().Get("Content-Type"), "javascript")
}

func TestHandlerRefusesWhatIsNotAPage(t *testing.T) {
	t.Parallel()
	h := handlerFor(builtApp())
	for _, path := range []string{
		"/if/assets/",              // no listings
		"/if/assets/missing.js",    // no such asset
		"/if/flow/",                // no slug
		"/if/flow/a/b/",            // too deep
		"/if/user/profile",         // the settings page has no sub-pages
		"/if/admin/flows",          // the console routes in the fragment
		"/if/other/",               // no such page
		"/if/index.html",           // the shell only through its pages
		"/if/assets/../index.html", // no escape from assets
	} {
		w := serve(h, http.MethodGet, path, nil)
		require.Contains(t, []int{http.StatusNotFound, http.StatusMovedPermanently}, w.Code, path)
		require.NotContains(t, w.Body.String(), `<div id="app">`, path)
	}
	w := serve(h, http.MethodPost, "/if/user/", nil)
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
}

func TestHandlerWithoutTheBuiltAppExplains(t *testing.T) {
	t.Parallel()
	for _, fsys := range []http.Handler{handlerFor(nil), handlerFor(fstest.MapFS{"assets/x.js": {}})} {
		w := serve(fsys, http.MethodGet, "/if/flow/default-authentication-flow/", nil)
		require.Equal(t, http.StatusServiceUnavailable, w.Code)
		require.Contains(t, w.Body.String(), "The web frontend is not built")
		require.Contains(t, w.Body.String(), "make web")
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	}
}

func TestRoot(t *testing.T) {
	t.Parallel()
	// answer returns a brand lookup that answers s and err.
	answer := func(s brand.Site, err error) func(*http.Request) (brand.Site, error) {
		return func(*http.Request) (brand.Site, error) { return s, err }
	}
	found := answer(brand.Site{Title: "Example", AuthenticationFlow: "login-flow"}, nil)

	t.Run("anonymous visitors go to the authentication flow, then to their settings", func(t *testing.T) {
		t.Parallel()
		w := serve(Root(found, nil), http.MethodGet, "/", nil)
		require.Equal(t, http.StatusFound, w.Code)
		require.Equal(t, "/if/flow/login-flow/?next=%2Fif%2Fuser%2F", w.Header().Get("Location"))
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	})

	t.Run("signed-in users go to their settings", func(t *testing.T) {
		t.Parallel()
		r := httptest.NewRequestWithContext(viewer.NewContext(context.Background(), viewer.Viewer{Kind: viewer.User, UserID: 7}), http.MethodGet, "/", nil)
		w := httptest.NewRecorder()
		Root(func(*http.Request) (brand.Site, error) {
			t.Error("the brand is not needed for a signed-in user")
			return brand.Site{}, nil
		}, nil).ServeHTTP(w, r)
		require.Equal(t, http.StatusFound, w.Code)
		require.Equal(t, "/if/user/", w.Header().Get("Location"))
	})

	t.Run("a brand without an authentication flow is explained", func(t *testing.T) {
		t.Parallel()
		w := serve(Root(answer(brand.Site{Title: "Example"}, nil), nil), http.MethodGet, "/", nil)
		require.Equal(t, http.StatusNotFound, w.Code)
		require.Contains(t, w.Body.String(), "no authentication flow")
	})

	t.Run("a failure to read the brand is not shown", func(t *testing.T) {
		t.Parallel()
		broken := func(*http.Request) (brand.Site, error) {
			return brand.Site{}, errors.New("pq: connection refused at 10.0.0.5")
		}
		w := serve(Root(broken, nil), http.MethodGet, "/", nil)
		require.Equal(t, http.StatusServiceUnavailable, w.Code)
		require.NotContains(t, w.Body.String(), "10.0.0.5")
		require.Equal(t, "5", w.Header().Get("Retry-After"))
	})
}

func TestFlowURL(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/if/flow/a%2Fb/", FlowURL("a/b", ""))
	require.Equal(t, "/if/flow/x/?next=%2Fif%2Fuser%2F%3Fa%3D1%26b", FlowURL("x", "/if/user/?a=1&b"))
	require.True(t, strings.HasPrefix(FlowURL("x", "/"), BasePath))
}
