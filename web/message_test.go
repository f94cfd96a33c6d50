package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// hostile is a message whose every field tries to break out of its place.
var hostile = Message{
	Kind:  MessageError,
	Title: `Bad "title" </title><script>alert(1)</script>`,
	Text:  `It's <script>alert("x")</script> & "quoted" '--><!--`,
	Link:  &MessageLink{URL: `/back?a=1&b="2"`, Label: `<b>Back</b> "home"`},
}

// hostileHref is hostile's link as the markup has it: html/template
// percent-encodes the quotes (the same address).
const hostileHref = `/back?a=1&b=%222%22`

// builtIndex is the shape of the built app's index.html.
const builtIndex = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Gatehouse</title>
    <script type="module" crossorigin src="/if/assets/index-abc123.js"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>Gatehouse needs JavaScript to log you in.</noscript>
  </body>
</html>
`

func serveMessage(t *testing.T, ms *messages, method string, status int, m Message) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	ms.serve(w, httptest.NewRequestWithContext(t.Context(), method, "/oauth2/authorize?x=1", nil), status, m)
	return w
}

// page is what a browser reads of a message page: as the message's own
// characters ('"', '<') come only escaped, a field that broke out of its
// place would end its element early and not match.
type page struct {
	meta    string // the gatehouse-message meta's content, unescaped
	metas   int    // how many gatehouse-message metas
	title   string
	texts   []string // the text of every h1, p and a, in order
	hrefs   []string
	scripts int // how many <script elements
}

var (
	metaRE    = regexp.MustCompile(`<meta name="` + MessageMeta + `" content="([^"<>]*)">`)
	titleRE   = regexp.MustCompile(`<title>([^<>]*)</title>`)
	textRE    = regexp.MustCompile(`<(?:h1|p|a)(?: href="([^"<>]*)")?>([^<>]*)</(?:h1|p|a)>`)
	scriptRE  = regexp.MustCompile(`(?i)<script`)
	messageRE = regexp.MustCompile(`(?s)<main>.*</main>|<main class="page-message">.*</main>`)
)

func parsePage(t *testing.T, body string) page {
	t.Helper()
	var p page
	metas := metaRE.FindAllStringSubmatch(body, -1)
	p.metas = len(metas)
	if len(metas) > 0 {
		p.meta = html.UnescapeString(metas[0][1])
	}
	if m := titleRE.FindStringSubmatch(body); m != nil {
		p.title = html.UnescapeString(m[1])
	}
	for _, m := range textRE.FindAllStringSubmatch(messageRE.FindString(body), -1) {
		p.texts = append(p.texts, html.UnescapeString(m[2]))
		if m[1] != "" {
			p.hrefs = append(p.hrefs, html.UnescapeString(m[1]))
		}
	}
	p.scripts = len(scriptRE.FindAllString(body, -1))
	return p
}

// The built app's page carries the message as data in one meta (the app's
// only script is its own bundle), in the title and as plain markup in the
// app's root, every field escaped: the browser reads back exactly the text
// given.
func TestMessageInTheBuiltApp(t *testing.T) {
	t.Parallel()
	ms := newMessages(fstest.MapFS{"index.html": {Data: []byte(builtIndex)}})
	w := serveMessage(t, ms, http.MethodGet, http.StatusBadRequest, hostile)
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Empty(t, w.Header().Get("Location"))
	requireMessageHeaders(t, w)

	body := w.Body.String()
	require.NotContains(t, body, "<script>alert")
	require.NotContains(t, body, "<b>Back")
	p := parsePage(t, body)
	require.Equal(t, 1, p.metas)
	var got Message
	require.NoError(t, json.Unmarshal([]byte(p.meta), &got))
	require.Equal(t, hostile, got)
	require.Equal(t, hostile.Title, p.title)
	require.Equal(t, []string{hostile.Title, hostile.Text, hostile.Link.Label}, p.texts)
	require.Equal(t, []string{hostileHref}, p.hrefs)
	require.Equal(t, 1, p.scripts, "no script but the app's")
}

// Without the built app, a plain page says the same, with the same status
// and headers, escaped as well.
func TestMessageWithoutTheApp(t *testing.T) {
	t.Parallel()
	for name, ms := range map[string]*messages{
		"not built":     newMessages(nil),
		"no index.html": newMessages(fstest.MapFS{"assets/x.js": {}}),
		"no head":       newMessages(fstest.MapFS{"index.html": {Data: []byte(`<div id="app"></div>`)}}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := serveMessage(t, ms, http.MethodPost, http.StatusForbidden, hostile)
			require.Equal(t, http.StatusForbidden, w.Code)
			requireMessageHeaders(t, w)
			body := w.Body.String()
			require.NotContains(t, body, "<b>Back")
			p := parsePage(t, body)
			require.Zero(t, p.metas)
			require.Zero(t, p.scripts)
			require.Equal(t, hostile.Title, p.title)
			require.Equal(t, []string{hostile.Title, hostile.Text, hostile.Link.Label}, p.texts)
			require.Equal(t, []string{hostileHref}, p.hrefs)
		})
	}
}

func requireMessageHeaders(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Equal(t, "DENY", w.Header().Get("X-Frame-Options"))
	csp := directives(w.Header().Get("Content-Security-Policy"))
	require.Equal(t, []string{"'self'"}, csp["script-src"], "no inline script")
	require.Equal(t, []string{"'self'"}, csp["style-src"], "no inline style")
	require.Equal(t, []string{"'none'"}, csp["frame-ancestors"])
}

// A link goes only to a path here or an http(s) URL, with a label; any
// other is dropped, and a kind other than error is a notice.
func TestMessageNormalized(t *testing.T) {
	t.Parallel()
	for u, keep := range map[string]bool{
		"/":                         true,
		"/if/user/?a=1":             true,
		"https://app.example/home":  true,
		"http://127.0.0.1:9/":       true,
		"//evil.example/":           false,
		`/\evil.example/`:           false,
		"javascript:alert(1)":       false,
		"JavaScript:alert(1)":       false,
		"data:text/html,<b>x</b>":   false,
		"https:/no-host":            false,
		"relative/path":             false,
		"":                          false,
		"ftp://files.example/a.txt": false,
	} {
		m := Message{Kind: MessageError, Title: "t", Text: "x", Link: &MessageLink{URL: u, Label: "Go"}}.normalized()
		require.Equal(t, keep, m.Link != nil, "%q", u)
	}
	require.Nil(t, Message{Link: &MessageLink{URL: "/"}}.normalized().Link, "a link needs a label")
	require.Equal(t, MessageInfo, Message{}.normalized().Kind)
	require.Equal(t, MessageInfo, Message{Kind: "warning"}.normalized().Kind)
	require.Equal(t, MessageError, Message{Kind: MessageError}.normalized().Kind)

	// A dropped link is on neither page.
	bad := Message{Kind: MessageError, Title: "t", Text: "x", Link: &MessageLink{URL: "javascript:alert(1)", Label: "Go"}}
	for _, ms := range []*messages{newMessages(nil), newMessages(fstest.MapFS{"index.html": {Data: []byte(builtIndex)}})} {
		body := serveMessage(t, ms, http.MethodGet, http.StatusBadRequest, bad).Body.String()
		require.NotContains(t, body, "javascript")
		require.Empty(t, parsePage(t, body).hrefs)
	}
}
