package graph

import (
	"context"
	"errors"
	"strconv"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// flowClient describes the HTTP client of ctx to the executor.
func flowClient(ctx context.Context) executor.Client {
	info := requestinfo.FromContext(ctx)
	return executor.Client{IP: info.ClientIP, UserAgent: info.UserAgent, Headers: info.Headers}
}

// deliver applies a view's session change to the HTTP response — the
// session cookie is set or cleared — and passes the view on; the change
// also reaches clients without cookies as FlowExecution.sessionToken.
func (r *Resolver) deliver(ctx context.Context) func(*executor.View, error) (*executor.View, error) {
	return func(v *executor.View, err error) (*executor.View, error) {
		if err != nil || v.Session == nil {
			return v, err
		}
		if v.Session.ID == "" || v.Session.Session == nil {
			authn.ClearSessionCookie(ctx)
			return v, nil
		}
		authn.SetSessionCookie(ctx, v.Session.ID, v.Session.Session.ExpiresAt, v.Session.Persistent)
		return v, nil
	}
}

// inspect returns any execution for the flow inspector (@superuser).
func (r *Resolver) inspect(ctx context.Context, id string) (*executor.Inspection, error) {
	i, err := r.Executor.Inspect(ctx, id)
	if errors.Is(err, executor.ErrExecutionNotFound) {
		return nil, nil //nolint:nilnil // an unknown execution is null
	}
	return i, err
}

// optionalID is an ID, or null for 0.
func optionalID(id int) *string {
	if id == 0 {
		return nil
	}
	return new(strconv.Itoa(id))
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
