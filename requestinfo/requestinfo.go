// Package requestinfo carries facts about the HTTP request being served —
// the client's address, its user agent, the request ID — through a context,
// for audit events, policies and logs.
package requestinfo

import (
	"context"
	"net/netip"
)

// Info describes the request behind a context.
type Info struct {
	// ClientIP is the client's address: the peer, or the address a trusted
	// proxy reported for it. Invalid when unknown.
	ClientIP netip.Addr
	// Host is the host name the request was sent to, lower case and
	// without a port (it picks the brand).
	Host string
	// UserAgent is the client's User-Agent header.
	UserAgent string
	// RequestID identifies the request in logs and in error messages.
	RequestID string
	// Headers are the request's headers, names lower-cased, repeated values
	// joined with ", " (for policies).
	Headers map[string]string
}

type ctxKey struct{}

// NewContext returns a copy of ctx carrying info.
func NewContext(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// FromContext returns the Info in ctx; the zero Info when there is none.
func FromContext(ctx context.Context) Info {
	info, _ := ctx.Value(ctxKey{}).(Info)
	return info
}
