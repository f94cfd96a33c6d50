package playground_test

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/web/playground"
)

const basePath = "/graphql/playground"

// vendored are the files scripts/update-playground-assets vendors.
var vendored = []string{
	"graphiql.min.js", "graphiql.min.css", "graphiql.LICENSE",
	"react.production.min.js", "react.LICENSE",
	"react-dom.production.min.js", "react-dom.LICENSE",
	"graphql-ws.min.js", "graphql-ws.LICENSE",
}

var (
	// urlAttr matches attributes that make the browser load a URL.
	urlAttr = regexp.MustCompile(`(?i)\s(src|href|srcset|action|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	// dataAttr matches data-* attributes.
	dataAttr = regexp.MustCompile(`\sdata-([a-z-]+)="([^"]*)"`)
	// sumLine matches a sha256 line of VERSIONS.
	sumLine = regexp.MustCompile(`(?m)^([0-9a-f]{64})  (\S+)$`)
	// absoluteURL matches an absolute or protocol-relative URL.
	absoluteURL = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*:)?//[a-z0-9-]+(\.[a-z0-9-]+)+`)
)

func newHandler() http.Handler {
	return playground.Handler(playground.Options{Endpoint: "/graphql", BasePath: basePath})
}

func serve(t *testing.T, h http.Handler, method, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	maps.Copy(req.Header, header)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return serve(t, h, http.MethodGet, target, nil)
}

// csp parses a Content-Security-Policy into its directives.
func csp(t *testing.T, policy string) map[string][]string {
	t.Helper()
	directives := map[string][]string{}
	for d := range strings.SplitSeq(policy, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		require.NotContains(t, directives, fields[0], "duplicate directive")
		directives[fields[0]] = fields[1:]
	}
	return directives
}

// versions parses the sha256 lines of VERSIONS.
func versions(t *testing.T, h http.Handler) map[string]string {
	t.Helper()
	res, body := get(t, h, basePath+"/assets/VERSIONS")
	require.Equal(t, http.StatusOK, res.StatusCode)
	sums := map[string]string{}
	for _, m := range sumLine.FindAllStringSubmatch(body, -1) {
		sums[m[2]] = m[1]
	}
	return sums
}

// referencedURLs returns the URLs that page loads.
func referencedURLs(t *testing.T, page string) []string {
	t.Helper()
	var urls []string
	for _, m := range urlAttr.FindAllStringSubmatch(page, -1) {
		urls = append(urls, html.UnescapeString(strings.Trim(m[2], `"'`)))
	}
	require.NotEmpty(t, urls)
	return urls
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// wantTypes are the Content-Types assets must be served with, by extension.
var wantTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

func wantContentType(name string) string {
	if t, ok := wantTypes[path.Ext(name)]; ok {
		return t
	}
	return "text/plain; charset=utf-8"
}

func TestIndex(t *testing.T) {
	t.Parallel()
	h := newHandler()
	for _, target := range []string{basePath, basePath + "/"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, h, target)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
			require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
			require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
			require.Contains(t, body, `<div id="graphiql"`)

			policy := csp(t, res.Header.Get("Content-Security-Policy"))
			require.Equal(t, []string{"'none'"}, policy["default-src"])
			require.Equal(t, []string{"'self'"}, policy["script-src"])
			require.Equal(t, []string{"'self'", "'nonce-" + dataAttrs(body)["style-nonce"] + "'"}, policy["style-src"])
			require.Equal(t, []string{"'self'"}, policy["connect-src"])
			require.Equal(t, []string{"'self'", "data:"}, policy["img-src"])
			require.Equal(t, []string{"'self'", "data:"}, policy["font-src"])
			require.Equal(t, []string{"'none'"}, policy["frame-ancestors"])
			require.Equal(t, []string{"'none'"}, policy["base-uri"])
			require.Equal(t, []string{"'none'"}, policy["form-action"])
		})
	}
	t.Run("HEAD", func(t *testing.T) {
		t.Parallel()
		res, _ := get(t, h, basePath)
		headRes, _ := serve(t, h, http.MethodHead, basePath, nil)
		require.Equal(t, http.StatusOK, headRes.StatusCode)
		require.Contains(t, headRes.Header.Get("Content-Security-Policy"), "default-src 'none'")
		require.Equal(t, "text/html; charset=utf-8", headRes.Header.Get("Content-Type"))
		require.Equal(t, res.Header.Get("Content-Length"), headRes.Header.Get("Content-Length"))
	})
	t.Run("style nonce is fresh", func(t *testing.T) {
		t.Parallel()
		_, first := get(t, h, basePath)
		_, second := get(t, h, basePath)
		nonce := dataAttrs(first)["style-nonce"]
		require.Regexp(t, `^[A-Za-z0-9+/_-]{22,}=*$`, nonce)
		require.NotEqual(t, nonce, dataAttrs(second)["style-nonce"])
	})
}

func TestMountedOnServeMux(t *testing.T) {
	t.Parallel()
	h := newHandler()
	mux := http.NewServeMux()
	mux.Handle(basePath, h)
	mux.Handle(basePath+"/", h)
	for _, target := range []string{basePath, basePath + "/", basePath + "/assets/app.js"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			res, _ := get(t, mux, target)
			require.Equal(t, http.StatusOK, res.StatusCode)
		})
	}
}

func TestIndexLoadsNothingInline(t *testing.T) {
	t.Parallel()
	_, page := get(t, newHandler(), basePath)
	scripts := regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, scripts)
	for _, s := range scripts {
		require.Contains(t, s[1], "src=", "inline script")
		require.Empty(t, strings.TrimSpace(s[2]), "inline script")
	}
	require.NotRegexp(t, `(?i)<style|\sstyle\s*=|\son[a-z]+\s*=`, page)
}

func TestIndexReferencesOnlySameOriginAssets(t *testing.T) {
	t.Parallel()
	h := newHandler()
	_, page := get(t, h, basePath)
	require.NotRegexp(t, absoluteURL, page)
	sums := versions(t, h)

	var loaded []string
	for _, ref := range referencedURLs(t, page) {
		require.NotContains(t, ref, "//", "absolute or protocol-relative URL %q", ref)
		u, err := url.Parse(ref)
		require.NoError(t, err)
		if u.Scheme == "data" {
			continue
		}
		require.Empty(t, u.Scheme, ref)
		require.Empty(t, u.Host, ref)
		require.True(t, strings.HasPrefix(u.Path, basePath+"/assets/"), "asset outside the base path: %q", ref)
		name := strings.TrimPrefix(u.Path, basePath+"/assets/")
		loaded = append(loaded, name)

		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, h, ref)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, wantContentType(name), res.Header.Get("Content-Type"))
			require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
			require.Equal(t, `"`+sha256Hex(body)+`"`, res.Header.Get("ETag"))
			if sum, ok := sums[name]; ok {
				require.Equal(t, sum, sha256Hex(body), "sha256 differs from VERSIONS")
			} else {
				require.Contains(t, []string{"app.js", "app.css"}, name, "asset neither vendored nor the page's own")
				require.NotRegexp(t, absoluteURL, body, "the page's own code must not load from another origin")
			}
		})
	}
	require.ElementsMatch(t, []string{
		"graphiql.min.css", "app.css",
		"react.production.min.js", "react-dom.production.min.js", "graphql-ws.min.js", "graphiql.min.js", "app.js",
	}, loaded)
}

func TestVendoredAssetsMatchVersions(t *testing.T) {
	t.Parallel()
	h := newHandler()
	res, body := get(t, h, basePath+"/assets/VERSIONS")
	require.Equal(t, http.StatusOK, res.StatusCode)
	for _, pkg := range []string{"graphiql@3.", "react@18.3.", "react-dom@18.3.", "graphql-ws@"} {
		require.Regexp(t, `(?m)^`+regexp.QuoteMeta(pkg), body)
	}

	sums := versions(t, h)
	require.ElementsMatch(t, vendored, keys(sums))
	for name, sum := range sums {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, h, basePath+"/assets/"+name)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, wantContentType(name), res.Header.Get("Content-Type"))
			require.Equal(t, sum, sha256Hex(body))
		})
	}
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestAssetCaching(t *testing.T) {
	t.Parallel()
	h := newHandler()
	target := basePath + "/assets/app.js"
	res, body := get(t, h, target)
	require.Equal(t, http.StatusOK, res.StatusCode)
	etag := res.Header.Get("ETag")
	require.Equal(t, `"`+sha256Hex(body)+`"`, etag)

	t.Run("unversioned URL is revalidated", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, "public, max-age=300", res.Header.Get("Cache-Control"))
	})
	t.Run("stale version is revalidated", func(t *testing.T) {
		t.Parallel()
		res, _ := get(t, h, target+"?v=0000000000000000")
		require.Equal(t, "public, max-age=300", res.Header.Get("Cache-Control"))
	})
	t.Run("If-None-Match", func(t *testing.T) {
		t.Parallel()
		res, body := serve(t, h, http.MethodGet, target, http.Header{"If-None-Match": {etag}})
		require.Equal(t, http.StatusNotModified, res.StatusCode)
		require.Empty(t, body)
		require.Equal(t, etag, res.Header.Get("ETag"))
	})
	t.Run("If-None-Match with another ETag", func(t *testing.T) {
		t.Parallel()
		res, got := serve(t, h, http.MethodGet, target, http.Header{"If-None-Match": {`"other"`}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, body, got)
	})
	t.Run("HEAD", func(t *testing.T) {
		t.Parallel()
		res, got := serve(t, h, http.MethodHead, target, nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Empty(t, got)
		require.Equal(t, etag, res.Header.Get("ETag"))
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	h := newHandler()
	for _, target := range []string{
		"/",
		"/graphql",
		basePath + "x",
		basePath + "/index.html",
		basePath + "/playground.go",
		basePath + "/assets",
		basePath + "/assets/",
		basePath + "/assets/nope.js",
		basePath + "/assets/app.js/",
		basePath + "/assets/./app.js",
		basePath + "/assets/../playground.go",
		basePath + "/assets/../index.html",
		basePath + "/assets/%2e%2e/playground.go",
		basePath + "/assets/..%2fplayground.go",
		basePath + "/assets/%2e%2e%2fplayground.go",
		basePath + "/assets/%2E%2E%2Fdoc.go",
		basePath + "/assets/..%5cplayground.go",
		basePath + "/assets/%2e%2e",
		basePath + "/assets/..",
		basePath + "/assets//etc/passwd",
		basePath + "/assets/../../../../etc/passwd",
	} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			res, _ := get(t, h, target)
			require.Equal(t, http.StatusNotFound, res.StatusCode)
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h := newHandler()
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, target := range []string{basePath, basePath + "/", basePath + "/assets/app.js"} {
			t.Run(method+" "+target, func(t *testing.T) {
				t.Parallel()
				res, _ := serve(t, h, method, target, nil)
				require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
				require.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
			})
		}
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		_, page := get(t, playground.Handler(playground.Options{BasePath: basePath}), basePath)
		require.Equal(t, map[string]string{
			"endpoint":              "/graphql",
			"subscription-endpoint": "/graphql",
		}, endpoints(page))
		require.Contains(t, page, "<title>Gatehouse GraphQL Playground</title>")
	})
	t.Run("set", func(t *testing.T) {
		t.Parallel()
		h := playground.Handler(playground.Options{
			Endpoint:             "/api/graphql",
			SubscriptionEndpoint: "/api/graphql/ws",
			Title:                "Test Playground",
			BasePath:             "/api/playground/",
		})
		res, page := get(t, h, "/api/playground")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, map[string]string{
			"endpoint":              "/api/graphql",
			"subscription-endpoint": "/api/graphql/ws",
		}, endpoints(page))
		require.Contains(t, page, "<title>Test Playground</title>")
		for _, ref := range referencedURLs(t, page) {
			if !strings.HasPrefix(ref, "data:") {
				require.True(t, strings.HasPrefix(ref, "/api/playground/assets/"), ref)
				res, _ := get(t, h, ref)
				require.Equal(t, http.StatusOK, res.StatusCode, ref)
			}
		}
	})
	t.Run("escaped", func(t *testing.T) {
		t.Parallel()
		endpoint := `/graphql"><script>alert(1)</script>`
		subscriptions := `/ws' onload='alert(2)`
		title := `</title><script>alert(3)</script>`
		h := playground.Handler(playground.Options{
			Endpoint:             endpoint,
			SubscriptionEndpoint: subscriptions,
			Title:                title,
			BasePath:             basePath,
		})
		_, page := get(t, h, basePath)
		require.NotContains(t, page, `"><script>`)
		require.NotContains(t, page, "<script>alert")
		require.NotContains(t, page, "' onload='")
		require.Contains(t, page, `data-endpoint="/graphql&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`)
		require.Equal(t, map[string]string{
			"endpoint":              endpoint,
			"subscription-endpoint": subscriptions,
		}, endpoints(page))
	})
}

// endpoints returns the endpoint data-* attributes of page, unescaped.
func endpoints(page string) map[string]string {
	attrs := dataAttrs(page)
	delete(attrs, "style-nonce")
	return attrs
}

// dataAttrs returns the unescaped data-* attributes of page.
func dataAttrs(page string) map[string]string {
	attrs := map[string]string{}
	for _, m := range dataAttr.FindAllStringSubmatch(page, -1) {
		attrs[m[1]] = html.UnescapeString(m[2])
	}
	return attrs
}
