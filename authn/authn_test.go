package authn_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// testBundle is what a database-backed test works with.
type testBundle struct {
	client *ent.Client
	// ctx is the system's context, for writing fixtures.
	ctx context.Context
	// now is the Authenticator's clock; set it before a request.
	now time.Time
	// logs receives the Authenticator's log.
	logs *bytes.Buffer
	auth *authn.Authenticator
}

func setup(t *testing.T, dialect string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, dialect)
	b := &testBundle{
		client: db.Ent,
		ctx:    viewer.SystemContext(context.Background()),
		now:    time.Now().UTC().Truncate(time.Second),
		logs:   &bytes.Buffer{},
	}
	b.auth = &authn.Authenticator{
		Client:  db.Ent,
		NowFunc: func() time.Time { return b.now },
		Logger:  slog.New(slog.NewTextHandler(b.logs, nil)),
	}
	return b
}

// clock is the bundle's fixed time, as a clock function.
func (b *testBundle) clock() time.Time { return b.now }

func (b *testBundle) user(t *testing.T, username string, active bool, groups ...*ent.Group) *ent.User {
	t.Helper()
	u, err := b.client.User.Create().SetUsername(username).SetIsActive(active).AddGroups(groups...).Save(b.ctx)
	require.NoError(t, err)
	return u
}

func (b *testBundle) group(t *testing.T, name string, superuser bool, parents ...*ent.Group) *ent.Group {
	t.Helper()
	g, err := b.client.Group.Create().SetName(name).SetIsSuperuser(superuser).AddParents(parents...).Save(b.ctx)
	require.NoError(t, err)
	return g
}

// token issues a token of userID; expires nil makes it non-expiring.
func (b *testBundle) token(t *testing.T, userID int, intent enum.TokenIntent, expires *time.Time) (*ent.Token, string) {
	t.Helper()
	tok, secret, err := credential.IssueToken(b.ctx, b.client, credential.IssueParams{
		Identifier: servicetest.UniqueName("t-"),
		Intent:     intent,
		UserID:     userID,
		Expiring:   expires != nil,
		Expires:    expires,
	})
	require.NoError(t, err)
	return tok, secret
}

// outcome is what Middleware did with one request.
type outcome struct {
	rec    *httptest.ResponseRecorder
	called bool
	viewer viewer.Viewer
}

func serve(a *authn.Authenticator, r *http.Request) outcome {
	var o outcome
	next := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		o.called = true
		o.viewer = viewer.FromContext(r.Context())
	})
	o.rec = httptest.NewRecorder()
	a.Middleware(next).ServeHTTP(o.rec, r)
	return o
}

func request(header http.Header) *http.Request {
	r := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "http://gatehouse.example/graphql", strings.NewReader(`{"query":"{viewer{id}}"}`))
	for k, vs := range header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return r
}

func bearer(secret string) http.Header { return http.Header{"Authorization": {"Bearer " + secret}} }

// errorBody is the GraphQL-shaped error authn answers with.
type errorBody struct {
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

func requireRefused(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	require.Equal(t, status, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	var body errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
	require.Len(t, body.Errors, 1)
	require.Equal(t, code, body.Errors[0].Extensions.Code)
	require.NotEmpty(t, body.Errors[0].Message)
}

func requireUnauthenticated(t *testing.T, o outcome) {
	t.Helper()
	require.False(t, o.called, "the next handler must not run")
	require.Equal(t, `Bearer error="invalid_token"`, o.rec.Header().Get("WWW-Authenticate"))
	requireRefused(t, o.rec, http.StatusUnauthorized, "UNAUTHENTICATED")
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name      string
				groups    func(t *testing.T, b *testBundle) []*ent.Group
				superuser bool
			}{
				{name: "no group", groups: func(*testing.T, *testBundle) []*ent.Group { return nil }},
				{name: "ordinary group", groups: func(t *testing.T, b *testBundle) []*ent.Group {
					return []*ent.Group{b.group(t, "staff", false)}
				}},
				{name: "superuser group", superuser: true, groups: func(t *testing.T, b *testBundle) []*ent.Group {
					return []*ent.Group{b.group(t, "staff", false), b.group(t, "admins", true)}
				}},
				{name: "child group of a superuser group", superuser: true, groups: func(t *testing.T, b *testBundle) []*ent.Group {
					return []*ent.Group{b.group(t, "ops", false, b.group(t, "admins", true))}
				}},
				{name: "grandchild group of a superuser group", superuser: true, groups: func(t *testing.T, b *testBundle) []*ent.Group {
					return []*ent.Group{b.group(t, "oncall", false, b.group(t, "ops", false, b.group(t, "admins", true)))}
				}},
				{name: "parent group of a superuser group", superuser: false, groups: func(t *testing.T, b *testBundle) []*ent.Group {
					everyone := b.group(t, "everyone", false)
					b.group(t, "admins", true, everyone)
					return []*ent.Group{everyone}
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					b.user(t, "someone-else", true)
					u := b.user(t, "alice", true, tc.groups(t, b)...)
					tok, secret := b.token(t, u.ID, enum.TokenIntentAPI, nil)

					o := serve(b.auth, request(bearer(secret)))
					require.True(t, o.called)
					require.Equal(t, http.StatusOK, o.rec.Code)
					require.Equal(t, viewer.Viewer{
						Kind:      viewer.User,
						UserID:    u.ID,
						Username:  "alice",
						Superuser: tc.superuser,
						TokenID:   tok.ID,
					}, o.viewer)
					require.Empty(t, b.logs.String())
				})
			}
		})
	}
}

func TestBearerHeaderForms(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			u := b.user(t, "alice", true)
			tok, secret := b.token(t, u.ID, enum.TokenIntentAPI, nil)
			for _, h := range []string{"Bearer " + secret, "bearer " + secret, "BEARER " + secret, "Bearer   " + secret + "  ", " Bearer " + secret} {
				o := serve(b.auth, request(http.Header{"Authorization": {h}}))
				require.True(t, o.called, "%q", h)
				require.Equal(t, tok.ID, o.viewer.TokenID, "%q", h)
			}
		})
	}
}

func TestBearerLastUsed(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			u := b.user(t, "alice", true)
			tok, secret := b.token(t, u.ID, enum.TokenIntentAPI, nil)
			require.Nil(t, tok.LastUsedAt)

			t0 := b.now
			res := credential.LastUsedResolution
			for _, step := range []struct {
				at, want time.Time
			}{
				{at: t0, want: t0},
				{at: t0.Add(30 * time.Second), want: t0},
				{at: t0.Add(res - time.Second), want: t0},
				{at: t0.Add(res), want: t0.Add(res)},
				{at: t0.Add(2*res - time.Second), want: t0.Add(res)},
				{at: t0.Add(5 * res), want: t0.Add(5 * res)},
			} {
				b.now = step.at
				o := serve(b.auth, request(bearer(secret)))
				require.True(t, o.called)
				got, err := b.client.Token.Get(b.ctx, tok.ID)
				require.NoError(t, err)
				require.NotNil(t, got.LastUsedAt)
				require.True(t, got.LastUsedAt.Equal(step.want), "at %v: last_used_at %v, want %v", step.at, got.LastUsedAt, step.want)
			}
		})
	}
}

func TestBearerExpiry(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			u := b.user(t, "alice", true)
			expires := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
			_, secret := b.token(t, u.ID, enum.TokenIntentAPI, &expires)

			b.now = expires.Add(-time.Second)
			o := serve(b.auth, request(bearer(secret)))
			require.True(t, o.called, "valid until it expires")
			require.Equal(t, u.ID, o.viewer.UserID)

			for _, at := range []time.Time{expires, expires.Add(time.Second), expires.Add(24 * time.Hour)} {
				b.now = at
				requireUnauthenticated(t, serve(b.auth, request(bearer(secret))))
			}
		})
	}
}

func TestBearerRefused(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name    string
				prepare func(t *testing.T, b *testBundle) http.Header
			}{
				{name: "unknown secret", prepare: func(t *testing.T, b *testBundle) http.Header {
					b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAPI, nil)
					s, err := credential.NewTokenSecret()
					require.NoError(t, err)
					return bearer(s)
				}},
				{name: "empty bearer", prepare: func(*testing.T, *testBundle) http.Header {
					return http.Header{"Authorization": {"Bearer "}}
				}},
				{name: "scheme alone", prepare: func(*testing.T, *testBundle) http.Header {
					return http.Header{"Authorization": {"Bearer"}}
				}},
				{name: "basic scheme", prepare: func(*testing.T, *testBundle) http.Header {
					return http.Header{"Authorization": {"Basic xyz"}}
				}},
				{name: "basic scheme with a valid secret as password", prepare: func(t *testing.T, b *testBundle) http.Header {
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAPI, nil)
					return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+secret))}}
				}},
				{name: "valid secret without scheme", prepare: func(t *testing.T, b *testBundle) http.Header {
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAPI, nil)
					return http.Header{"Authorization": {secret}}
				}},
				{name: "expired token", prepare: func(t *testing.T, b *testBundle) http.Header {
					expires := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAPI, &expires)
					b.now = expires.Add(time.Minute)
					return bearer(secret)
				}},
				{name: "token of an inactive user", prepare: func(t *testing.T, b *testBundle) http.Header {
					_, secret := b.token(t, b.user(t, "alice", false).ID, enum.TokenIntentAPI, nil)
					return bearer(secret)
				}},
				{name: "token of a user deactivated after issue", prepare: func(t *testing.T, b *testBundle) http.Header {
					u := b.user(t, "alice", true)
					_, secret := b.token(t, u.ID, enum.TokenIntentAPI, nil)
					require.NoError(t, u.Update().SetIsActive(false).Exec(b.ctx))
					return bearer(secret)
				}},
				{name: "app password", prepare: func(t *testing.T, b *testBundle) http.Header {
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAppPassword, nil)
					return bearer(secret)
				}},
				{name: "recovery token", prepare: func(t *testing.T, b *testBundle) http.Header {
					expires := time.Now().Add(time.Hour)
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentRecovery, &expires)
					return bearer(secret)
				}},
				{name: "verification token", prepare: func(t *testing.T, b *testBundle) http.Header {
					expires := time.Now().Add(time.Hour)
					_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentVerification, &expires)
					return bearer(secret)
				}},
				{name: "valid session does not rescue a bad token", prepare: func(t *testing.T, b *testBundle) http.Header {
					u := b.user(t, "alice", true)
					sessions := newSessions(map[session.ID]session.Session{"sid": liveSession(b.now, u.ID)})
					b.auth.Sessions = &session.Manager{Store: sessions.store(), NowFunc: b.clock}
					return http.Header{"Authorization": {"Bearer nope"}, "Cookie": {authn.CookieName + "=sid"}, authn.SessionHeader: {"sid"}}
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					header := tc.prepare(t, b)
					requireUnauthenticated(t, serve(b.auth, request(header)))
					require.Empty(t, b.logs.String(), "a refused credential is not an error to log")
				})
			}
		})
	}
}

func TestBearerLookupFailure(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			_, secret := b.token(t, b.user(t, "alice", true).ID, enum.TokenIntentAPI, nil)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			o := serve(b.auth, request(bearer(secret)).WithContext(ctx))
			require.False(t, o.called, "a token that could not be checked is not accepted")
			require.Equal(t, http.StatusServiceUnavailable, o.rec.Code, "an infrastructure failure is not reported as a bad token")
			require.Empty(t, o.rec.Header().Get("WWW-Authenticate"))
			require.Contains(t, b.logs.String(), "authenticate token", "infrastructure failures are logged")
			require.Contains(t, b.logs.String(), "level=ERROR")
		})
	}
}

func TestNoCredentialsIsAnonymous(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{name: "no headers"},
		{name: "empty authorization", header: http.Header{"Authorization": {""}}},
		// Sessions is nil: the cookie and header are ignored (a nil store
		// would panic if they were used).
		{name: "session cookie without a store", header: http.Header{"Cookie": {authn.CookieName + "=sid"}}},
		{name: "session header without a store", header: http.Header{authn.SessionHeader: {"sid"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := serve(&authn.Authenticator{}, request(tc.header))
			require.True(t, o.called)
			require.Equal(t, http.StatusOK, o.rec.Code)
			require.Equal(t, viewer.Viewer{}, o.viewer)
			require.True(t, o.viewer.IsAnonymous())
		})
	}
}

// sessionStore is a River-style partial mock of session.Store: it embeds
// the interface (nil, so any method but Get and Update panics) and
// overrides Get and Update.
type sessionStore struct {
	session.Store

	GetFunc    func(ctx context.Context, id session.ID) (*session.Session, error)
	UpdateFunc func(ctx context.Context, id session.ID, fn func(*session.Session) error) error
}

func (s *sessionStore) Get(ctx context.Context, id session.ID) (*session.Session, error) {
	return s.GetFunc(ctx, id)
}

func (s *sessionStore) Update(ctx context.Context, id session.ID, fn func(*session.Session) error) error {
	return s.UpdateFunc(ctx, id, fn)
}

// sessions backs a sessionStore's Update with a map: fn works on a copy,
// kept only when fn succeeds, as a compare-and-set store does.
type sessions struct {
	mu     sync.Mutex
	m      map[session.ID]session.Session
	fnErrs []error
}

func newSessions(m map[session.ID]session.Session) *sessions { return &sessions{m: m} }

func (s *sessions) store() *sessionStore {
	return &sessionStore{GetFunc: func(_ context.Context, id session.ID) (*session.Session, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		sess, ok := s.m[id]
		if !ok {
			return nil, session.ErrNotFound
		}
		return &sess, nil
	}, UpdateFunc: func(_ context.Context, id session.ID, fn func(*session.Session) error) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		sess, ok := s.m[id]
		if !ok {
			return session.ErrNotFound
		}
		err := fn(&sess)
		s.fnErrs = append(s.fnErrs, err)
		if err != nil {
			return err
		}
		s.m[id] = sess
		return nil
	}}
}

func (s *sessions) get(id session.ID) session.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id]
}

// liveSession is a session of userID that is valid at now.
func liveSession(now time.Time, userID int) session.Session {
	return session.Session{
		UserID:      userID,
		CreatedAt:   now.Add(-2 * time.Hour),
		LastSeenAt:  now.Add(-10 * time.Minute),
		IdleTimeout: time.Hour,
		ExpiresAt:   now.Add(24 * time.Hour),
	}
}

func cookie(id session.ID) http.Header {
	return http.Header{"Cookie": {authn.CookieName + "=" + string(id)}}
}

func TestSession(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("cookie", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "alice", true, b.group(t, "admins", true))
				s := newSessions(map[session.ID]session.Session{"sid-alice": liveSession(b.now, u.ID)})
				b.auth.Sessions = &session.Manager{Store: s.store(), NowFunc: b.clock}

				o := serve(b.auth, request(cookie("sid-alice")))
				require.True(t, o.called)
				require.Equal(t, viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: "alice", Superuser: true}, o.viewer)
				require.True(t, s.get("sid-alice").LastSeenAt.Equal(b.now), "the idle timer restarts")
				require.Empty(t, b.logs.String())
			})

			t.Run("header", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "bob", true, b.group(t, "staff", false))
				s := newSessions(map[session.ID]session.Session{"sid-bob": liveSession(b.now, u.ID)})
				b.auth.Sessions = &session.Manager{Store: s.store(), NowFunc: b.clock}

				o := serve(b.auth, request(http.Header{authn.SessionHeader: {"sid-bob"}}))
				require.True(t, o.called)
				require.Equal(t, viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: "bob"}, o.viewer)
				require.True(t, s.get("sid-bob").LastSeenAt.Equal(b.now))
			})

			t.Run("header wins over cookie", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice, bob := b.user(t, "alice", true), b.user(t, "bob", true)
				s := newSessions(map[session.ID]session.Session{
					"sid-alice": liveSession(b.now, alice.ID),
					"sid-bob":   liveSession(b.now, bob.ID),
				})
				b.auth.Sessions = &session.Manager{Store: s.store(), NowFunc: b.clock}
				header := cookie("sid-alice")
				header.Set(authn.SessionHeader, "sid-bob")
				o := serve(b.auth, request(header))
				require.Equal(t, bob.ID, o.viewer.UserID)
			})

			for _, tc := range []struct {
				name   string
				expire func(s *session.Session, now time.Time)
			}{
				{name: "absolute expiry reached", expire: func(s *session.Session, now time.Time) { s.ExpiresAt = now }},
				{name: "absolute expiry passed", expire: func(s *session.Session, now time.Time) { s.ExpiresAt = now.Add(-time.Second) }},
				{name: "idle timeout reached", expire: func(s *session.Session, now time.Time) { s.LastSeenAt = now.Add(-s.IdleTimeout) }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					u := b.user(t, "alice", true)
					sess := liveSession(b.now, u.ID)
					tc.expire(&sess, b.now)
					require.True(t, sess.Expired(b.now), "fixture")
					s := newSessions(map[session.ID]session.Session{"sid": sess})
					b.auth.Sessions = &session.Manager{Store: s.store(), NowFunc: b.clock}

					o := serve(b.auth, request(cookie("sid")))
					require.True(t, o.called)
					require.True(t, o.viewer.IsAnonymous())
					require.Empty(t, s.fnErrs, "an expired session is refused, not refreshed")
					require.Equal(t, sess, s.get("sid"))
					require.Empty(t, b.logs.String())
				})
			}

			t.Run("unknown session", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "alice", true)
				b.auth.Sessions = &session.Manager{Store: newSessions(map[session.ID]session.Session{"sid": liveSession(b.now, u.ID)}).store(), NowFunc: b.clock}
				o := serve(b.auth, request(cookie("other")))
				require.True(t, o.called)
				require.True(t, o.viewer.IsAnonymous())
				require.Empty(t, b.logs.String(), "an unknown session is not an error to log")
			})

			// A session that cannot be read is not a missing one: serving
			// the request anonymously would log the user out because the
			// store hiccupped. It is refused with 503 and Retry-After.
			for name, header := range map[string]http.Header{
				"store failure, cookie": cookie("sid"),
				"store failure, header": {authn.SessionHeader: {"sid"}},
			} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					b.auth.Sessions = &session.Manager{NowFunc: b.clock, Store: &sessionStore{GetFunc: func(context.Context, session.ID) (*session.Session, error) {
						return nil, fmt.Errorf("get session: %w", problem.Unavailable(errors.New("dial tcp redis:6379: connection refused")))
					}}}
					o := serve(b.auth, request(header))
					require.False(t, o.called, "the next handler must not run as anonymous")
					requireRefused(t, o.rec, http.StatusServiceUnavailable, "UNAVAILABLE")
					require.Equal(t, authn.RetryAfter, o.rec.Header().Get("Retry-After"))
					require.Contains(t, b.logs.String(), "level=ERROR")
					require.Contains(t, b.logs.String(), "authenticate session")
					require.Contains(t, b.logs.String(), "connection refused")
				})
			}

			t.Run("user lookup failure", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "alice", true)
				b.auth.Sessions = &session.Manager{Store: newSessions(map[session.ID]session.Session{"sid": liveSession(b.now, u.ID)}).store(), NowFunc: b.clock}
				require.NoError(t, b.client.Close(), "the database goes away")
				o := serve(b.auth, request(cookie("sid")))
				require.False(t, o.called, "the next handler must not run as anonymous")
				requireRefused(t, o.rec, http.StatusServiceUnavailable, "UNAVAILABLE")
				require.Equal(t, authn.RetryAfter, o.rec.Header().Get("Retry-After"))
				require.Contains(t, b.logs.String(), "authenticate session")
			})

			t.Run("inactive user", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "alice", false)
				b.auth.Sessions = &session.Manager{Store: newSessions(map[session.ID]session.Session{"sid": liveSession(b.now, u.ID)}).store(), NowFunc: b.clock}
				o := serve(b.auth, request(cookie("sid")))
				require.True(t, o.called)
				require.True(t, o.viewer.IsAnonymous())
				require.Empty(t, b.logs.String())
			})

			t.Run("deleted user", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				u := b.user(t, "alice", true)
				require.NoError(t, b.client.User.DeleteOneID(u.ID).Exec(b.ctx))
				b.auth.Sessions = &session.Manager{Store: newSessions(map[session.ID]session.Session{"sid": liveSession(b.now, u.ID)}).store(), NowFunc: b.clock}
				o := serve(b.auth, request(cookie("sid")))
				require.True(t, o.called)
				require.True(t, o.viewer.IsAnonymous())
				require.Empty(t, b.logs.String())
			})

			t.Run("nil store ignores the cookie", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				b.user(t, "alice", true)
				o := serve(b.auth, request(cookie("sid")))
				require.True(t, o.called)
				require.True(t, o.viewer.IsAnonymous())
			})
		})
	}
}

func TestWebsocketAuth(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			u := b.user(t, "alice", true, b.group(t, "admins", true))
			tok, secret := b.token(t, u.ID, enum.TokenIntentAPI, nil)
			type key struct{}
			parent := context.WithValue(context.Background(), key{}, "kept")

			ctx, err := b.auth.WebsocketAuth(parent, "Bearer "+secret)
			require.NoError(t, err)
			require.Equal(t, viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: "alice", Superuser: true, TokenID: tok.ID}, viewer.FromContext(ctx))
			require.Equal(t, "kept", ctx.Value(key{}))

			_, appSecret := b.token(t, u.ID, enum.TokenIntentAppPassword, nil)
			for _, bad := range []string{"", "Bearer ", "Bearer nope", "Basic " + secret, secret, "Bearer " + appSecret} {
				ctx, err := b.auth.WebsocketAuth(parent, bad)
				require.ErrorIs(t, err, authn.ErrInvalidCredentials, "%q", bad)
				require.True(t, viewer.FromContext(ctx).IsAnonymous(), "%q", bad)
			}
		})
	}
}

func TestCrossOriginGuard(t *testing.T) {
	t.Parallel()
	guard, err := authn.CrossOriginGuard([]string{"https://app.example"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		method string
		header http.Header
		pass   bool
	}{
		{name: "cross-site POST", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{name: "same-site POST from a sibling origin", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{name: "same-origin POST", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"same-origin"}}, pass: true},
		{name: "user-initiated POST", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"none"}}, pass: true},
		{name: "foreign Origin without Sec-Fetch-Site", method: http.MethodPost, header: http.Header{"Origin": {"https://evil.example"}}},
		{name: "own Origin without Sec-Fetch-Site", method: http.MethodPost, header: http.Header{"Origin": {"http://gatehouse.example"}}, pass: true},
		{name: "no browser headers (a script)", method: http.MethodPost, pass: true},
		{name: "trusted origin, cross-site", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://app.example"}}, pass: true},
		{name: "trusted origin without Sec-Fetch-Site", method: http.MethodPost, header: http.Header{"Origin": {"https://app.example"}}, pass: true},
		{name: "look-alike of a trusted origin", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://app.example.evil.example"}}},
		{name: "trusted host on another scheme", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"http://app.example"}}},
		{name: "cross-site with Authorization", method: http.MethodPost, header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}, "Authorization": {"Bearer x"}}, pass: true},
		{name: "cross-site GET", method: http.MethodGet, header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, pass: true},
		{name: "cross-site HEAD", method: http.MethodHead, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, pass: true},
		{name: "cross-site OPTIONS", method: http.MethodOptions, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, pass: true},
		{name: "cross-site PUT", method: http.MethodPut, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{name: "cross-site PATCH", method: http.MethodPatch, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{name: "cross-site DELETE", method: http.MethodDelete, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			called := false
			h := guard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				called = true
				w.WriteHeader(http.StatusNoContent)
			}))
			r := httptest.NewRequestWithContext(t.Context(), tc.method, "http://gatehouse.example/graphql", nil)
			maps.Copy(r.Header, tc.header)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			require.Equal(t, tc.pass, called)
			if tc.pass {
				require.Equal(t, http.StatusNoContent, rec.Code)
				return
			}
			requireRefused(t, rec, http.StatusForbidden, "FORBIDDEN")
		})
	}
}

func TestCrossOriginGuardTrustedOrigins(t *testing.T) {
	t.Parallel()
	_, err := authn.CrossOriginGuard(nil)
	require.NoError(t, err)
	_, err = authn.CrossOriginGuard([]string{"https://app.example", "http://localhost:5173"})
	require.NoError(t, err)
	for _, bad := range []string{"app.example", "https://app.example/path", "https://app.example/", "https://app.example?x=1", "https://", "::"} {
		t.Run(bad, func(t *testing.T) {
			t.Parallel()
			guard, err := authn.CrossOriginGuard([]string{"https://ok.example", bad})
			require.Error(t, err)
			require.Contains(t, err.Error(), bad, "the error names the bad origin")
			require.Nil(t, guard)
		})
	}
}

// An outpost's token authenticates the outpost (over HTTP and in a
// websocket's connection_init), recording its use at most once a minute;
// an unknown outpost token is refused like any bad token.
func TestOutpostToken(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			const secretKey = "a-secret-key-of-at-least-32-characters"
			o, err := outposts.EnsureEmbedded(b.ctx, b.client, secretKey)
			require.NoError(t, err)
			token := outposts.EmbeddedToken(secretKey)
			want := viewer.Viewer{Kind: viewer.Outpost, OutpostID: o.ID, Username: "outpost:" + outposts.EmbeddedName}

			r := serve(b.auth, request(bearer(token)))
			require.Equal(t, http.StatusOK, r.rec.Code)
			require.Equal(t, want, r.viewer)
			seen, err := b.client.Outpost.Get(b.ctx, o.ID)
			require.NoError(t, err)
			require.NotNil(t, seen.LastSeenAt)
			require.True(t, seen.LastSeenAt.Equal(b.now))

			b.now = b.now.Add(30 * time.Second)
			serve(b.auth, request(bearer(token)))
			seen, err = b.client.Outpost.Get(b.ctx, o.ID)
			require.NoError(t, err)
			require.True(t, seen.LastSeenAt.Equal(b.now.Add(-30*time.Second)), "recorded at most once a minute")
			b.now = b.now.Add(time.Minute)
			serve(b.auth, request(bearer(token)))
			seen, err = b.client.Outpost.Get(b.ctx, o.ID)
			require.NoError(t, err)
			require.True(t, seen.LastSeenAt.Equal(b.now))

			ctx, err := b.auth.WebsocketAuth(context.Background(), "Bearer "+token)
			require.NoError(t, err)
			require.Equal(t, want, viewer.FromContext(ctx))

			r = serve(b.auth, request(bearer(outposts.EmbeddedToken("another-secret-key-of-32-characters!!"))))
			require.False(t, r.called)
			require.Equal(t, http.StatusUnauthorized, r.rec.Code)
		})
	}
}
