package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/session"
)

// Watch returns a channel that receives a value whenever the execution
// changes (in this process or another), until ctx ends. The caller must
// own the execution.
func (x *Executor) Watch(ctx context.Context, id string, sid session.ID) (<-chan struct{}, error) {
	if _, _, err := x.load(viewer.SystemContext(ctx), id, sid, Client{}); err != nil {
		return nil, err
	}
	if x.broker == nil {
		return nil, errors.New("executor: no broker to watch executions with")
	}
	msgs, err := x.broker.Subscribe(ctx, topic(id))
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		for range msgs {
			select {
			case out <- struct{}{}:
			default: // a notification is already pending; one is enough
			}
		}
	}()
	return out, nil
}

// Follow streams the execution's views: the current one at once, then
// the latest after every change (in this process or another), until ctx
// ends, the flow completes (the completed view is the last), or the
// execution is cancelled or expires. The caller proves ownership once,
// with its session; from then on the stream follows the execution's
// session scope, which survives the ID rotation at login, so a page
// watching its own login flow sees it complete. Views are rendered for
// the session sid while that ID lives, and without a session after.
func (x *Executor) Follow(ctx context.Context, id string, sid session.ID, c Client) (<-chan *View, error) {
	sys := viewer.SystemContext(ctx)
	st, _, err := x.load(sys, id, sid, c)
	if err != nil {
		return nil, err
	}
	scope := st.exec.Scope
	return stream(ctx, x, id, func(ctx context.Context) (*View, bool, error) {
		exec, err := x.fetch(ctx, id)
		if err != nil {
			return nil, false, err
		}
		if exec.Scope != scope {
			return nil, false, ErrExecutionNotFound
		}
		st := &state{exec: exec, client: c, now: x.deps.Now()}
		if err := x.resumeSession(ctx, st, sid); err != nil && !errors.Is(err, ErrExecutionNotFound) {
			return nil, false, err
		}
		if err := x.attach(ctx, st); err != nil {
			return nil, false, err
		}
		v := x.view(ctx, st)
		v.Session = nil // session changes reach the client that caused them
		return v, v.Completed, nil
	})
}

// stream subscribes to execution id's changes and sends render's result
// now and after each change, until done, an error, or ctx ends. render
// runs as the system.
func stream[T any](ctx context.Context, x *Executor, id string, render func(context.Context) (T, bool, error)) (<-chan T, error) {
	if x.broker == nil {
		return nil, errors.New("executor: no broker to watch executions with")
	}
	// A stream outlives its request: it must see sessions end.
	ctx, cancel := context.WithCancel(session.WithoutRequestCache(ctx))
	msgs, err := x.broker.Subscribe(ctx, topic(id)) // before the first render: no change is missed
	if err != nil {
		cancel()
		return nil, err
	}
	sys := viewer.SystemContext(ctx)
	first, done, err := render(sys)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan T, 1)
	out <- first
	go func() {
		defer close(out)
		defer cancel()
		if done {
			return
		}
		for range msgs {
			v, done, err := render(sys)
			if err != nil {
				return // cancelled, expired or unreadable: the stream ends
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
			if done {
				return
			}
		}
	}()
	return out, nil
}

// announce tells watchers the execution changed.
func (x *Executor) announce(ctx context.Context, id string) {
	if x.broker == nil {
		return
	}
	if err := x.broker.Publish(ctx, topic(id), []byte("changed")); err != nil && x.deps.Logger != nil {
		x.deps.Logger.WarnContext(ctx, "announce flow execution change", "error", err)
	}
}

// topic is the pub/sub topic of an execution: a hash, so channel names do
// not reveal execution IDs.
func topic(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "flow.execution." + hex.EncodeToString(sum[:16])
}
