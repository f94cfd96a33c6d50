package playground

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// files holds the page template and the assets it loads.
//
//go:embed index.html assets
var files embed.FS

const (
	defaultEndpoint = "/graphql"
	defaultTitle    = "Gatehouse GraphQL Playground"

	// versionParam is the query parameter that carries an asset's content
	// version in the URLs the page uses.
	versionParam = "v"

	// contentSecurityPolicy allows the page to load and connect to its own
	// origin only; 'self' in connect-src also covers ws: and wss: on the
	// same host and port. The %s is the nonce of the one inline style
	// GraphiQL adds: its dialogs lock scrolling with a <style> element
	// (react-remove-scroll), which takes the nonce from __webpack_nonce__.
	contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-%s'; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

	immutableCacheControl  = "public, max-age=31536000, immutable"
	revalidateCacheControl = "public, max-age=300"
)

// Options configures the playground served by Handler.
type Options struct {
	// Endpoint is the path of the GraphQL HTTP endpoint on the page's own
	// origin, such as "/graphql". The page resolves it against its own URL.
	// Empty means "/graphql".
	Endpoint string
	// SubscriptionEndpoint is the path of the graphql-transport-ws
	// websocket endpoint on the page's own origin. The page turns it into a
	// ws: or wss: URL matching its own scheme. Empty means Endpoint.
	SubscriptionEndpoint string
	// Title is the page title. Empty means "Gatehouse GraphQL Playground".
	Title string
	// BasePath is the path the handler is mounted at, such as
	// "/graphql/playground". The page is served at BasePath and BasePath/,
	// its assets under BasePath/assets/.
	BasePath string
}

// asset is an embedded file served under BasePath/assets/.
type asset struct {
	body        []byte
	contentType string
	etag        string
	version     string
}

// page is the data index.html is rendered with.
type page struct {
	Title                string
	Endpoint             string
	SubscriptionEndpoint string
	StyleNonce           string
}

// handler serves the playground page and its assets.
type handler struct {
	basePath    string
	assetPrefix string
	assets      map[string]asset
	index       *template.Template
	page        page
}

// Handler returns an http.Handler serving the playground page at
// opts.BasePath and opts.BasePath+"/", and its embedded assets under
// opts.BasePath+"/assets/". It answers GET and HEAD, 405 to other methods
// and 404 to any other path. It panics only if the embedded files are
// broken, which the package's tests rule out.
func Handler(opts Options) http.Handler {
	h, err := newHandler(opts)
	if err != nil {
		panic(fmt.Errorf("playground: %w", err))
	}
	return h
}

// newHandler loads the embedded assets and the page template for opts.
func newHandler(opts Options) (*handler, error) {
	basePath := strings.TrimRight(opts.BasePath, "/")
	if basePath != "" && !strings.HasPrefix(basePath, "/") {
		basePath = "/" + basePath
	}
	h := &handler{basePath: basePath, assetPrefix: basePath + "/assets/"}

	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	h.assets = assets

	funcs := template.FuncMap{"asset": h.assetURL}
	h.index, err = template.New("index.html").Funcs(funcs).ParseFS(files, "index.html")
	if err != nil {
		return nil, fmt.Errorf("parse index: %w", err)
	}
	endpoint := cmp.Or(opts.Endpoint, defaultEndpoint)
	h.page = page{
		Title:                cmp.Or(opts.Title, defaultTitle),
		Endpoint:             endpoint,
		SubscriptionEndpoint: cmp.Or(opts.SubscriptionEndpoint, endpoint),
	}
	// Render once so that a broken template fails here, not per request.
	if _, err := h.renderIndex("nonce"); err != nil {
		return nil, err
	}
	return h, nil
}

// loadAssets reads the files under assets/ and computes their metadata.
func loadAssets() (map[string]asset, error) {
	entries, err := fs.ReadDir(files, "assets")
	if err != nil {
		return nil, fmt.Errorf("read assets: %w", err)
	}
	assets := make(map[string]asset, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(files, path.Join("assets", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read asset: %w", err)
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		assets[e.Name()] = asset{
			body:        body,
			contentType: contentType(e.Name()),
			etag:        `"` + hash + `"`,
			version:     hash[:16],
		}
	}
	return assets, nil
}

// contentType returns the Content-Type of the asset with the given name.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}

// renderIndex renders index.html with the given style nonce.
func (h *handler) renderIndex(nonce string) ([]byte, error) {
	p := h.page
	p.StyleNonce = nonce
	var buf bytes.Buffer
	if err := h.index.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render index: %w", err)
	}
	return buf.Bytes(), nil
}

// assetURL returns the versioned URL of the named asset.
func (h *handler) assetURL(name string) (string, error) {
	a, ok := h.assets[name]
	if !ok {
		return "", fmt.Errorf("unknown asset %q", name)
	}
	return h.assetPrefix + name + "?" + versionParam + "=" + a.version, nil
}

// ServeHTTP serves the page, an asset, 404 or 405.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == h.basePath || p == h.basePath+"/":
		if allowMethod(w, r) {
			h.serveIndex(w)
		}
	case strings.HasPrefix(p, h.assetPrefix):
		// Assets are looked up by exact name, so no path can reach
		// anything else.
		a, ok := h.assets[strings.TrimPrefix(p, h.assetPrefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if allowMethod(w, r) {
			serveAsset(w, r, a)
		}
	default:
		http.NotFound(w, r)
	}
}

// allowMethod reports whether r is a GET or HEAD request, answering 405
// otherwise.
func allowMethod(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// serveIndex writes the page with its security headers and a fresh style
// nonce.
func (h *handler) serveIndex(w http.ResponseWriter) {
	nonce := rand.Text()
	body, err := h.renderIndex(nonce)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", fmt.Sprintf(contentSecurityPolicy, nonce))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// serveAsset writes a, answering conditional and range requests. Requests
// whose version parameter matches the content may be cached for good;
// others must be revalidated after a few minutes.
func serveAsset(w http.ResponseWriter, r *http.Request, a asset) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("ETag", a.etag)
	if r.URL.Query().Get(versionParam) == a.version {
		hdr.Set("Cache-Control", immutableCacheControl)
	} else {
		hdr.Set("Cache-Control", revalidateCacheControl)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
