package authn_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/sqlstore"
)

// watchBundle is a testBundle with sessions, a broker and the
// announcements installed, as server.go wires them.
type watchBundle struct {
	*testBundle

	sessions *session.Manager
	watcher  *authn.Watcher
}

func setupWatch(t *testing.T, interval time.Duration) *watchBundle {
	t.Helper()
	b := setup(t, dialect.SQLite)
	broker := pubsub.NewLocal(nil)
	t.Cleanup(func() { _ = broker.Close() })
	announcer := &authn.Announcer{Broker: broker}
	announcer.Install(b.client)
	b.now = time.Now() // sessions are stored with real expiry
	sessions := &session.Manager{Store: sqlstore.New(b.client, nil), EndedFunc: announcer.User}
	b.auth.Sessions = sessions
	return &watchBundle{testBundle: b, sessions: sessions, watcher: &authn.Watcher{Auth: b.auth, Broker: broker, Interval: interval}}
}

// sessionContext is the context of a request that presented a new
// session of userID, as Middleware makes it.
func (b *watchBundle) sessionContext(t *testing.T, userID int) (context.Context, session.ID) {
	t.Helper()
	id, _, err := b.sessions.Login(b.ctx, "", userID, session.LoginOptions{})
	require.NoError(t, err)
	got := &captured{}
	r := request(map[string][]string{authn.SessionHeader: {string(id)}})
	b.auth.Middleware(got).ServeHTTP(nopWriter{}, r)
	require.Equal(t, userID, viewer.FromContext(got.ctx).UserID)
	return context.WithoutCancel(got.ctx), id
}

// ended waits for ctx to end and returns its cause.
func ended(ctx context.Context, t *testing.T) error {
	t.Helper()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(30 * time.Second):
		t.Fatal("the watched context did not end")
		return nil
	}
}

func TestWatcherEndsWithTheAuthority(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// end ends what the connection of alice (a superuser, through
		// group admins) was opened with.
		end  func(t *testing.T, b *watchBundle, alice int, sid session.ID, tokenID int)
		want error
	}{
		{"Logout", func(t *testing.T, b *watchBundle, _ int, sid session.ID, _ int) {
			require.NoError(t, b.sessions.Logout(b.ctx, sid))
		}, authn.ErrCredentialsEnded},
		{"SessionRevoked", func(t *testing.T, b *watchBundle, alice int, sid session.ID, _ int) {
			require.NoError(t, b.sessions.Revoke(b.ctx, alice, sid.Key()))
		}, authn.ErrCredentialsEnded},
		{"Deactivated", func(t *testing.T, b *watchBundle, alice int, _ session.ID, _ int) {
			require.NoError(t, b.client.User.UpdateOneID(alice).SetIsActive(false).Exec(b.ctx))
		}, authn.ErrCredentialsEnded},
		{"LostSuperuser", func(t *testing.T, b *watchBundle, alice int, _ session.ID, _ int) {
			require.NoError(t, b.client.User.UpdateOneID(alice).ClearGroups().Exec(b.ctx))
		}, authn.ErrPermissionsChanged},
		{"GroupNoLongerSuperuser", func(t *testing.T, b *watchBundle, _ int, _ session.ID, _ int) {
			_, err := b.client.Group.Update().SetIsSuperuser(false).Save(b.ctx)
			require.NoError(t, err)
		}, authn.ErrPermissionsChanged},
		{"TokenDeleted", func(t *testing.T, b *watchBundle, _ int, _ session.ID, tokenID int) {
			require.NoError(t, b.client.Token.DeleteOneID(tokenID).Exec(b.ctx))
		}, authn.ErrCredentialsEnded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupWatch(t, time.Hour) // only announcements can end it in time
			admins := b.group(t, "admins", true)
			alice := b.user(t, "alice", true, admins)
			sessionCtx, sid := b.sessionContext(t, alice.ID)
			tok, secret := b.token(t, alice.ID, enum.TokenIntentAPI, nil)
			tokenCtx, err := b.auth.WebsocketAuth(context.Background(), "Bearer "+secret)
			require.NoError(t, err)

			bySession, stopSession, err := b.watcher.Watch(sessionCtx)
			require.NoError(t, err)
			defer stopSession()
			byToken, stopToken, err := b.watcher.Watch(tokenCtx)
			require.NoError(t, err)
			defer stopToken()

			tc.end(t, b, alice.ID, sid, tok.ID)
			// A session's end concerns the session's connections only, a
			// token's the token's; the account's and its groups' concern both.
			var watched []context.Context
			switch tc.name {
			case "Logout", "SessionRevoked":
				watched = []context.Context{bySession}
			case "TokenDeleted":
				watched = []context.Context{byToken}
			default:
				watched = []context.Context{bySession, byToken}
			}
			for _, w := range watched {
				require.ErrorIs(t, ended(w, t), tc.want)
				require.ErrorIs(t, context.Cause(w), authn.ErrAuthorityEnded)
			}
		})
	}
}

// Without an announcement (an expiry, or one lost on the way) the periodic
// check ends the connection.
func TestWatcherChecksPeriodically(t *testing.T) {
	t.Parallel()
	b := setupWatch(t, 10*time.Millisecond)
	alice := b.user(t, "alice", true)
	ctx, sid := b.sessionContext(t, alice.ID)
	watched, stop, err := b.watcher.Watch(ctx)
	require.NoError(t, err)
	defer stop()
	require.NoError(t, b.sessions.Store.Delete(b.ctx, sid)) // behind the Manager's back: no announcement
	require.ErrorIs(t, ended(watched, t), authn.ErrCredentialsEnded)
}

// A connection whose credentials already ended is refused at once; an
// anonymous one has nothing to lose.
func TestWatchRefusesEndedCredentials(t *testing.T) {
	t.Parallel()
	b := setupWatch(t, time.Hour)
	alice := b.user(t, "alice", true)
	ctx, sid := b.sessionContext(t, alice.ID)
	require.NoError(t, b.sessions.Logout(b.ctx, sid))
	_, _, err := b.watcher.Watch(ctx)
	require.ErrorIs(t, err, authn.ErrCredentialsEnded)

	anon, stop, err := b.watcher.Watch(context.Background())
	require.NoError(t, err)
	stop()
	require.ErrorIs(t, context.Cause(anon), context.Canceled)
}

// captured is a handler that keeps its request's context.
type captured struct{ ctx context.Context }

func (c *captured) ServeHTTP(_ http.ResponseWriter, r *http.Request) { c.ctx = r.Context() }

// nopWriter discards a response.
type nopWriter struct{}

func (nopWriter) Header() http.Header         { return http.Header{} }
func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) WriteHeader(int)             {}
