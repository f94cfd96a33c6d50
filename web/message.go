package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

// MessageKind is what a message page tells: an error or a notice.
type MessageKind string

// The kinds of message page.
const (
	// MessageError is a request that cannot go on (shown as an alert).
	MessageError MessageKind = "error"
	// MessageInfo is a notice, such as "You are signed out".
	MessageInfo MessageKind = "info"
)

// MessageMeta names the <meta> element that carries a message page's
// Message (JSON) to the app.
const MessageMeta = "gatehouse-message"

// Message is a page the server answers itself (an OpenID Connect error,
// the signed-out page) in the app's look.
type Message struct {
	// Kind is MessageError or MessageInfo; anything else is shown as
	// MessageInfo.
	Kind MessageKind `json:"kind"`
	// Title is the page's heading.
	Title string `json:"title"`
	// Text says what happened and what to do; plain text.
	Text string `json:"text"`
	// Link is an optional way on; dropped unless its URL is a path on
	// this server or an absolute http(s) URL and it has a label.
	Link *MessageLink `json:"link,omitempty"`
}

// MessageLink is a message page's way on.
type MessageLink struct {
	// URL is a path on this server ("/…", not "//…") or an absolute
	// http(s) URL.
	URL string `json:"url"`
	// Label is the link's text.
	Label string `json:"label"`
}

// ServeMessage answers m with status, never a redirect: the built app's
// page, which shows m in the brand's layout (the message rides in a
// <meta name="gatehouse-message"> as JSON, HTML-escaped, and as plain
// markup in the app's root for browsers without JavaScript), or a plain
// page with the same text when the binary was built without the app. The
// headers are the app's (Content-Security-Policy, X-Frame-Options), and
// the answer is never cached. Any method is answered (the page answers
// the request it refuses).
func ServeMessage(w http.ResponseWriter, r *http.Request, status int, m Message) {
	appMessages.serve(w, r, status, m)
}

// appMessages answers message pages with the embedded app.
var appMessages = newMessages(app)

// messages answers message pages from a built app's index.html (nil: the
// plain fallback page).
type messages struct {
	index []byte
}

// newMessages reads fsys's index.html; fsys nil, or without an
// index.html or a </head> to put the message in, gives the plain page.
func newMessages(fsys fs.FS) *messages {
	if fsys == nil {
		return &messages{}
	}
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil || !bytes.Contains(index, []byte(headEnd)) {
		return &messages{}
	}
	return &messages{index: index}
}

const (
	headEnd  = "</head>"
	appRoot  = `<div id="app"></div>`
	appTitle = "<title>Gatehouse</title>"
)

func (ms *messages) serve(w http.ResponseWriter, _ *http.Request, status int, m Message) {
	m = m.normalized()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy) // the page runs no flow
	h.Set("X-Frame-Options", "DENY")
	var body bytes.Buffer
	if ms.index == nil || ms.render(&body, m) != nil {
		body.Reset()
		_ = plainMessage.Execute(&body, m)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body.Bytes())
}

// render writes the app's index.html with m in it: the <meta> the app
// reads, the page's <title>, and m as plain markup inside the app's root
// (the app replaces it).
func (ms *messages) render(b *bytes.Buffer, m Message) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("web: encode message: %w", err)
	}
	var meta, root bytes.Buffer
	meta.WriteString(`<meta name="` + MessageMeta + `" content="`)
	meta.WriteString(html.EscapeString(string(data)))
	meta.WriteString("\">\n")
	_ = rootMessage.Execute(&root, m)

	page := string(ms.index)
	page = strings.Replace(page, appTitle, "<title>"+html.EscapeString(m.Title)+"</title>", 1)
	page = strings.Replace(page, headEnd, meta.String()+headEnd, 1)
	page = strings.Replace(page, appRoot, root.String(), 1)
	b.WriteString(page)
	return nil
}

// normalized is m with its kind one of the two and a link only when safe.
func (m Message) normalized() Message {
	if m.Kind != MessageError {
		m.Kind = MessageInfo
	}
	if m.Link != nil && (m.Link.Label == "" || !safeLinkURL(m.Link.URL)) {
		m.Link = nil
	}
	return m
}

// safeLinkURL reports whether u is a path on this server or an absolute
// http(s) URL (no javascript:, data: or protocol-relative //host).
func safeLinkURL(u string) bool {
	if strings.HasPrefix(u, "/") {
		return !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, `/\`)
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// rootMessage is a message inside the app's root, for browsers that run
// no JavaScript; the app replaces it with the branded page.
var rootMessage = template.Must(template.New("root").Parse(
	`<div id="app"><main class="page-message"><h1>{{.Title}}</h1><p>{{.Text}}</p>` +
		`{{with .Link}}<p><a href="{{.URL}}">{{.Label}}</a></p>{{end}}</main></div>`))

// plainMessage is a message page without the app.
var plainMessage = template.Must(template.New("plain").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p>{{with .Link}}
<p><a href="{{.URL}}">{{.Label}}</a></p>{{end}}</main></body></html>
`))
