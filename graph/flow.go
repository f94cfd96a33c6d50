package graph

import (
	"context"

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

// watchExecution pushes the execution now and after every change, until
// the subscriber leaves or the execution ends or disappears.
func (r *Resolver) watchExecution(ctx context.Context, id string) (<-chan *executor.View, error) {
	sid := authn.SessionID(ctx)
	changes, err := r.Executor.Watch(ctx, id, sid)
	if err != nil {
		return nil, err
	}
	first, err := r.Executor.Get(ctx, id, sid, flowClient(ctx))
	if err != nil {
		return nil, err
	}
	out := make(chan *executor.View, 1)
	out <- first
	go func() {
		defer close(out)
		for range changes {
			v, err := r.Executor.Get(ctx, id, sid, flowClient(ctx))
			if err != nil {
				return // ended, cancelled or expired: the subscription completes
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
