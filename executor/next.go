package executor

import (
	"net/url"
	"strings"
)

// FlowPath is where the web frontend runs the flow slug.
func FlowPath(slug string) string { return "/if/flow/" + url.PathEscape(slug) + "/" }

// parseNext returns the next URL of a flow's query string, validated: it
// must be a path on this server. Absolute and scheme-relative URLs, and
// anything a browser could read as one, are refused.
func parseNext(query string) (string, error) {
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", ErrInvalidNext
	}
	next := values.Get("next")
	if next == "" {
		return "", nil
	}
	return next, ValidateNext(next)
}

// ValidateNext returns ErrInvalidNext unless next is a relative path on
// this server ("/app?x=1").
func ValidateNext(next string) error {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ErrInvalidNext
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ErrInvalidNext
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return ErrInvalidNext
		}
	}
	return nil
}
