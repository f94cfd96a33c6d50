package authn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/session"
)

// Causes of a watched context's end. Both wrap ErrAuthorityEnded.
var (
	// ErrAuthorityEnded is what every cause wraps: the credentials that
	// authenticated a connection no longer grant what they did.
	ErrAuthorityEnded = errors.New("the credentials of this connection no longer grant what they did")
	// ErrCredentialsEnded: the session or token ended, or its user was
	// deactivated or deleted; the connection is anonymous now.
	ErrCredentialsEnded = fmt.Errorf("%w: the session or API token ended", ErrAuthorityEnded)
	// ErrPermissionsChanged: the user became or stopped being a superuser.
	ErrPermissionsChanged = fmt.Errorf("%w: the user's permissions changed", ErrAuthorityEnded)
)

// DefaultRecheckInterval is how often a Watcher checks credentials that
// nobody announced a change of: it bounds how long an expiry, or a lost
// announcement, goes unnoticed.
const DefaultRecheckInterval = time.Minute

// Watcher keeps long-lived connections (subscriptions) honest: their
// viewer was decided when they opened, and must not outlive the authority
// that decided it. It re-checks a connection's credentials whenever a
// change of the user's authority is announced (Announcer, on every
// server through the Broker), and every Interval.
type Watcher struct {
	// Auth re-checks credentials.
	Auth *Authenticator
	// Broker delivers the announcements of every server.
	Broker pubsub.Broker
	// Interval between checks without an announcement
	// (DefaultRecheckInterval if zero).
	Interval time.Duration
	// Logger receives checks that failed for lack of a dependency; nil
	// discards them.
	Logger *slog.Logger
}

// Watch returns a context derived from ctx that is cancelled, with cause
// ErrCredentialsEnded or ErrPermissionsChanged, once the credentials behind ctx's viewer — its API
// token, else the session it presented — stop granting that viewer: a
// viewer of another user or superuser flag, or none. It checks once
// before returning, then on every announcement and
// every Interval until ctx ends; a check that fails for lack of a
// dependency keeps the connection until one succeeds. Before returning it
// answers the cause if the credentials already stopped granting, and
// another error if they cannot be checked now. Anonymous viewers
// have no authority to lose: their context is only derived. Call the
// CancelFunc when the connection ends.
func (w *Watcher) Watch(ctx context.Context) (context.Context, context.CancelFunc, error) {
	watched, cancel := context.WithCancelCause(ctx)
	stop := func() { cancel(context.Canceled) }
	v := viewer.FromContext(ctx)
	sid := SessionID(ctx)
	if v.Kind != viewer.User || (v.TokenID == 0 && sid == "") {
		return watched, stop, nil
	}
	// check returns a cause wrapping ErrAuthorityEnded once the
	// credentials stop granting what they did; another error when they
	// cannot be checked.
	check := func() error {
		now, err := w.current(watched, v, sid)
		switch {
		case err != nil:
			return err
		case now.Kind != v.Kind || now.UserID != v.UserID:
			return ErrCredentialsEnded
		case now.Superuser != v.Superuser:
			return ErrPermissionsChanged
		}
		return nil
	}
	// Subscribed first, checked next: a change announced in between is
	// not missed.
	user, err := w.Broker.Subscribe(watched, UserTopic(v.UserID))
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("watch credentials: %w", err)
	}
	everyone, err := w.Broker.Subscribe(watched, TopicEveryone)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("watch credentials: %w", err)
	}
	if err := check(); err != nil {
		stop()
		return nil, nil, err
	}
	go w.follow(watched, cancel, check, user, everyone)
	return watched, stop, nil
}

// follow runs check on every announcement and every Interval until ctx
// ends or check finds the authority ended, which cancels ctx with that
// cause. A check that fails otherwise is logged; the next one decides.
func (w *Watcher) follow(ctx context.Context, cancel context.CancelCauseFunc, check func() error, user, everyone <-chan []byte) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultRecheckInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, open := <-user:
			if !open {
				return
			}
		case _, open := <-everyone:
			if !open {
				return
			}
		case <-ticker.C:
		}
		err := check()
		switch {
		case errors.Is(err, ErrAuthorityEnded):
			cancel(err)
			return
		case err != nil && w.Logger != nil && ctx.Err() == nil:
			w.Logger.WarnContext(ctx, "check the credentials of a connection", "error", err)
		}
	}
}

// current returns the viewer the credentials of v grant now: the zero
// viewer when they no longer authenticate.
func (w *Watcher) current(ctx context.Context, v viewer.Viewer, sid session.ID) (viewer.Viewer, error) {
	if v.TokenID != 0 {
		t, err := credential.APITokenByID(ctx, w.Auth.Client, v.TokenID, w.Auth.now())
		if errors.Is(err, credential.ErrInvalidToken) {
			return viewer.Viewer{}, nil
		}
		if err != nil {
			return viewer.Viewer{}, err
		}
		now, err := w.Auth.userViewer(ctx, t.Edges.User)
		now.TokenID = t.ID
		return now, err
	}
	now, err := w.Auth.session(session.WithoutRequestCache(ctx), sid)
	if errors.Is(err, session.ErrNotFound) {
		return viewer.Viewer{}, nil
	}
	return now, err
}
