package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// dist holds the built app (dist/app) when it was built before the binary.
//
//go:embed all:dist
var dist embed.FS

const (
	// BasePath is where the app is served.
	BasePath = "/if/"
	// UserPath is the signed-in user's settings page.
	UserPath = "/if/user/"

	// contentSecurityPolicy lets the app load its own scripts and styles
	// and talk to its own origin only (connect-src 'self' covers ws: and
	// wss: on the same host). Images may come from anywhere over https, as
	// brands and flows name logos and backgrounds by URL. No page may frame
	// the app (clickjacking of the login form). The admin console has it.
	contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"img-src 'self' data: https:; font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

	// flowContentSecurityPolicy is contentSecurityPolicy plus what the
	// captcha stage's third-party widgets need, on the pages that run
	// flows (a flow's page, the settings page that embeds flows): the
	// hosts each provider's documentation lists, no more. The proof-of-work
	// worker is the app's own script (worker-src 'self').
	flowContentSecurityPolicy = "default-src 'none'; " +
		"script-src 'self' " + turnstileHosts + " " + hcaptchaHosts + " " + recaptchaScriptHosts + "; " +
		"worker-src 'self'; " +
		"style-src 'self' " + hcaptchaHosts + "; " +
		"img-src 'self' data: https:; font-src 'self'; " +
		"connect-src 'self' " + hcaptchaHosts + "; " +
		"frame-src " + turnstileHosts + " " + hcaptchaHosts + " " + recaptchaFrameHosts + "; " +
		"manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

	// The captcha providers' hosts: Cloudflare Turnstile (script, frame),
	// hCaptcha (script, frame, style, connect), reCAPTCHA (script, frame).
	turnstileHosts       = "https://challenges.cloudflare.com"
	hcaptchaHosts        = "https://hcaptcha.com https://*.hcaptcha.com"
	recaptchaScriptHosts = "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/"
	recaptchaFrameHosts  = "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"

	immutableCacheControl = "public, max-age=31536000, immutable"
)

// app is the built app; nil when the binary was built without it.
var app = func() fs.FS {
	sub, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}()

// Built reports whether the binary holds the built app.
func Built() bool { return app != nil }

// Handler serves the app under /if/: its hashed assets under /if/assets/
// (cached for a year), and index.html for every page path, which the app
// routes itself. A page path without its trailing slash is redirected to
// it, the query kept (flows read it).
func Handler() http.Handler { return handlerFor(app) }

// handlerFor serves the built app in fsys (index.html and assets/); nil
// serves the "frontend not built" page.
func handlerFor(fsys fs.FS) http.Handler {
	if fsys == nil {
		return notBuilt()
	}
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return notBuilt()
	}
	sum := sha256.Sum256(index)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	assets := http.StripPrefix(BasePath, http.FileServerFS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, BasePath+"assets/"):
			if strings.HasSuffix(p, "/") {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", immutableCacheControl)
			assets.ServeHTTP(w, r)
		case isPage(p):
			if !strings.HasSuffix(p, "/") {
				u := *r.URL
				u.Path = p + "/"
				// The target is the request's own path under /if/ plus a slash.
				http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently) //nolint:gosec // not an open redirect: the path starts with /if/
				return
			}
			policy := flowContentSecurityPolicy
			if strings.HasPrefix(p, BasePath+"admin") {
				policy = contentSecurityPolicy // the console runs no flows
			}
			servePage(w, r, index, etag, policy)
		default:
			http.NotFound(w, r)
		}
	})
}

// isPage reports whether p is one of the app's pages: /if/flow/<slug>/,
// /if/user/ or /if/admin/, with or without the trailing slash.
func isPage(p string) bool {
	rest, ok := strings.CutPrefix(p, BasePath)
	if !ok {
		return false
	}
	first, more, _ := strings.Cut(rest, "/")
	switch first {
	case "user":
		return more == ""
	case "admin":
		return more == "" // the console routes in the URL's fragment
	case "flow":
		slug, tail, _ := strings.Cut(more, "/")
		return slug != "" && tail == ""
	}
	return false
}

func servePage(w http.ResponseWriter, r *http.Request, index []byte, etag, policy string) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Frame-Options", "DENY")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
}

// notBuilt answers every page with an explanation instead of a blank page.
func notBuilt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(notBuiltPage))
	})
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse: frontend not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#eef1f4;padding:.1em .3em;border-radius:3px}</style>
</head><body>
<h1>The web frontend is not built</h1>
<p>This Gatehouse binary was built without its web frontend, so there is no login page to show.</p>
<p>Build it with <code>make web</code> (needs Node.js and npm), then rebuild or restart the server
(<code>make run</code> does both).</p>
<p>The GraphQL API at <a href="/graphql/playground"><code>/graphql</code></a> works without it;
try it in the <a href="/graphql/playground">playground</a>.</p>
</body></html>
`

// Root answers "/": a signed-in user is sent to the settings page, anyone
// else to the brand's authentication flow with next set to the settings
// page. It needs the viewer in the request context (the authenticating
// middleware) and the brand, which site finds for the request.
func Root(site func(r *http.Request) (brand.Site, error), logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if v := viewer.FromContext(r.Context()); v.Kind == viewer.User {
			http.Redirect(w, r, UserPath, http.StatusFound)
			return
		}
		s, err := site(r)
		if err != nil {
			logger.ErrorContext(r.Context(), "find the brand", "error", err)
			w.Header().Set("Retry-After", "5") // as authn.RetryAfter
			http.Error(w, "Gatehouse cannot read its configuration right now; try again.", http.StatusServiceUnavailable)
			return
		}
		if s.AuthenticationFlow == "" {
			http.Error(w, "This site has no authentication flow; an administrator must set one on the brand.", http.StatusNotFound)
			return
		}
		http.Redirect(w, r, FlowURL(s.AuthenticationFlow, UserPath), http.StatusFound)
	})
}

// FlowURL is the page that runs the flow slug and then sends the user to
// next (a relative path; empty for none).
func FlowURL(slug, next string) string {
	u := BasePath + "flow/" + url.PathEscape(slug) + "/"
	if next != "" {
		u += "?" + url.Values{"next": {next}}.Encode()
	}
	return u
}
