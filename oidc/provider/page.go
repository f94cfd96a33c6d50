package provider

import (
	"html/template"
	"net/http"
)

// Page is a page the provider shows itself (Options.PageFunc).
type Page struct {
	// Error marks an error page; else it is a notice (signed out).
	Error bool
	// Title is the page's heading; Text says what happened, plain text.
	Title, Text string
}

// errorTitle and errorHint frame every error page's message.
const (
	errorTitle = "This sign-in cannot continue"
	errorHint  = "Go back to the application and try again; if it keeps happening, tell its administrator."
)

// errorPage answers with Gatehouse's error page.
func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	p.page(w, r, status, Page{Error: true, Title: errorTitle, Text: message + " " + errorHint})
}

// page answers pg with status through Options.PageFunc, or as plain HTML.
func (p *Provider) page(w http.ResponseWriter, r *http.Request, status int, pg Page) {
	if p.opts.PageFunc != nil {
		p.opts.PageFunc(w, r, status, pg)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, pg)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body></html>
`))
