package password_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/reputation"
)

// Answers the stage gives, the same for every user, known or not.
var (
	errInvalid    = executor.FieldError{Field: "password", Message: "Invalid username or password.", Code: "invalid"}
	errThrottled  = executor.FieldError{Field: "password", Message: "Too many failed attempts. Try again later.", Code: "rate_limited"}
	errNoPassword = executor.FieldError{Field: "password", Message: "Enter your password.", Code: "required"}
	cancelled     = executor.Deny("Too many failed attempts.")
)

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d), kinds: executor.NewStageKinds(password.Definition())}
}

// stage builds a password stage of config.
func (b *testBundle) stage(t *testing.T, config string) executor.Interactive {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, password.Kind, config).(executor.Interactive)
	require.True(t, ok, "a password stage is interactive")
	return s
}

// request returns a request about pending (nil: none) identified as
// identifier ("" when not identified by typing), from ip.
func (b *testBundle) request(t *testing.T, pending *ent.User, identifier string, ip netip.Addr) *executor.Request {
	t.Helper()
	req := b.env.Request(password.Kind)
	req.Client.IP = ip
	if pending != nil {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, pending.ID))
	}
	if identifier != "" {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, identifier))
	}
	return req
}

// submit answers s with pw.
func (b *testBundle) submit(t *testing.T, s executor.Interactive, req *executor.Request, pw string) executor.Result {
	t.Helper()
	res, err := s.Submit(b.env.Ctx, req, &password.Response{Password: pw})
	require.NoError(t, err)
	return res
}

// attempt submits pw for pending, identified as its username, in a new
// execution from ip.
func (b *testBundle) attempt(t *testing.T, s executor.Interactive, pending *ent.User, ip netip.Addr, pw string) executor.Result {
	t.Helper()
	return b.submit(t, s, b.request(t, pending, pending.Username, ip), pw)
}

func authMethod(req *executor.Request) (string, bool) {
	_, ok := req.Execution.Context[executor.KeyAuthMethod]
	return req.Execution.Context.String(executor.KeyAuthMethod), ok
}

func TestChallenge(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "correct horse")
	req := b.request(t, alice, "alice", stagetest.ClientIP)
	b.env.Golden(t, b.stage(t, `{}`), req, "defaults")

	ch, err := b.stage(t, `{"allow_show_password": true}`).Challenge(b.env.Ctx, req)
	require.NoError(t, err)
	require.True(t, ch.(*password.Challenge).AllowShowPassword) //nolint:forcetypeassert // the stage's own challenge
}

func TestSubmit(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("Accepted", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "alice@example.com", "correct horse")
				req := b.request(t, alice, "Alice@Example.com", stagetest.ClientIP)
				require.Equal(t, executor.Next(), b.submit(t, b.stage(t, `{}`), req, "correct horse"))
				method, _ := authMethod(req)
				require.Equal(t, "password", method)
				id, _ := req.Execution.Context.PendingUserID()
				require.Equal(t, alice.ID, id)
				require.Empty(t, b.env.Auditor.Events())
			})

			t.Run("FailuresLookAlike", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "correct horse")
				ivan := b.env.User(t, "ivan", "", "correct horse")
				b.env.Client.User.UpdateOne(ivan).SetIsActive(false).ExecX(b.env.Ctx)
				nopass := b.env.User(t, "nopass", "", "")
				broken := b.env.Client.User.Create().SetUsername("broken").SetPasswordHash("$argon2id$v=19$garbage").SaveX(b.env.Ctx)
				gone := b.env.User(t, "gone", "", "correct horse")
				b.env.Client.User.DeleteOne(gone).ExecX(b.env.Ctx)
				s := b.stage(t, `{}`)
				for _, try := range []struct {
					name     string
					pending  *ent.User
					uid      string
					password string
				}{
					{"wrong password", alice, "alice", "Correct horse"},
					{"wrong password, no identifier", alice, "", "correct horsE"},
					{"unknown user", nil, "nobody", "correct horse"},
					{"inactive user", ivan, "ivan", "correct horse"},
					{"user without password", nopass, "nopass", "correct horse"},
					{"malformed hash", broken, "broken", "correct horse"},
					{"user deleted since identification", gone, "gone", "correct horse"},
					{"password too long", alice, "alice", strings.Repeat("p", credential.MaxPasswordBytes+1)},
					{"unknown user, password too long", nil, "nobody", strings.Repeat("p", credential.MaxPasswordBytes+1)},
				} {
					req := b.request(t, try.pending, try.uid, stagetest.ClientIP)
					require.Equal(t, executor.Retry(errInvalid), b.submit(t, s, req, try.password), try.name)
					_, ok := authMethod(req)
					require.False(t, ok, try.name)
				}
				events := b.env.Auditor.Events()
				require.Len(t, events, 9)
				require.Equal(t, stagetest.Event{
					Action: enum.EventActionLoginFailed, Data: map[string]any{"username": "nobody", "flow": "test-flow"},
				}, events[2])
			})

			t.Run("PasswordRequired", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "correct horse")
				s := b.stage(t, `{"failed_attempts_before_cancel": 1}`)
				req := b.request(t, alice, "alice", stagetest.ClientIP)
				require.Equal(t, executor.Retry(errNoPassword), b.submit(t, s, req, ""))
				res, err := s.Submit(b.env.Ctx, req, nil)
				require.NoError(t, err)
				require.Equal(t, executor.Retry(errNoPassword), res)
				require.Empty(t, b.env.Auditor.Events(), "no attempt was made")
				score, err := b.env.Counters.Get(b.env.Ctx, reputation.IPKey(stagetest.ClientIP))
				require.NoError(t, err)
				require.Zero(t, score)
				require.Equal(t, executor.Next(), b.submit(t, s, req, "correct horse"), "a missing password is not a failed attempt")
			})

			t.Run("NoUserIdentified", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				gone := b.env.User(t, "gone", "", "correct horse")
				b.env.Client.User.DeleteOne(gone).ExecX(b.env.Ctx)
				s := b.stage(t, `{}`)
				for _, pending := range []*ent.User{nil, gone} {
					res := b.submit(t, s, b.request(t, pending, "", stagetest.ClientIP), "correct horse")
					require.Equal(t, executor.ResultDeny, res.Kind())
					require.Equal(t, "No user has been identified; the flow must identify the user before the password stage.", res.Message())
				}
				require.Empty(t, b.env.Auditor.Events())
			})
		})
	}
}

func TestFailedAttempts(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("CancelsAfterFailedAttempts", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "correct horse")
				for _, tt := range []struct {
					config string
					max    int
				}{{`{}`, 5}, {`{"failed_attempts_before_cancel": 1}`, 1}, {`{"failed_attempts_before_cancel": 3}`, 3}} {
					s := b.stage(t, tt.config)
					req := b.request(t, alice, "alice", stagetest.ClientIP)
					for i := range tt.max - 1 {
						require.Equal(t, executor.Retry(errInvalid), b.submit(t, s, req, "wrong"), "%s failure %d", tt.config, i+1)
					}
					require.Equal(t, cancelled, b.submit(t, s, req, "wrong"), tt.config)

					req = b.request(t, alice, "alice", stagetest.ClientIP)
					for range tt.max - 1 {
						b.submit(t, s, req, "wrong")
					}
					require.Equal(t, executor.Next(), b.submit(t, s, req, "correct horse"), "%s: the last attempt may succeed", tt.config)
				}
			})

			t.Run("FailuresCountPerStage", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "correct horse")
				s := b.stage(t, `{"failed_attempts_before_cancel": 2}`)
				req := b.request(t, alice, "alice", stagetest.ClientIP)
				require.Equal(t, executor.Retry(errInvalid), b.submit(t, s, req, "wrong"))
				// A second password stage later in the same execution has its own count.
				req.Execution.Plan.Append(executor.PlanEntry{Kind: password.Kind, Name: "again"})
				req.Entry = req.Execution.Plan.Entries[1]
				require.Equal(t, executor.Retry(errInvalid), b.submit(t, s, req, "wrong"))
				require.Equal(t, cancelled, b.submit(t, s, req, "wrong"))
			})
		})
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("RehashesOldParameters", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				old := credential.NewHasher(credential.Params{Time: 2, MemoryKiB: 128, Threads: 1, KeyLen: 32, SaltLen: 16}, 1)
				oldHash, err := old.Hash(b.env.Ctx, "correct horse")
				require.NoError(t, err)
				alice := b.env.Client.User.Create().SetUsername("alice").SetPasswordHash(oldHash).SaveX(b.env.Ctx)
				require.Equal(t, executor.Next(), b.attempt(t, b.stage(t, `{}`), alice, stagetest.ClientIP, "correct horse"))

				newHash := b.env.Client.User.GetX(b.env.Ctx, alice.ID).PasswordHash
				require.NotEqual(t, oldHash, newHash)
				ok, rehash, err := b.env.Deps.Hasher.Verify(b.env.Ctx, "correct horse", newHash)
				require.NoError(t, err)
				require.True(t, ok)
				require.False(t, rehash, "the hash now has the current parameters")
			})

			t.Run("AppPasswords", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "correct horse")
				bob := b.env.User(t, "bob", "", "")
				issue := func(name string, owner *ent.User, intent enum.TokenIntent, expires *time.Time) string {
					_, secret, err := credential.IssueToken(b.env.Ctx, b.env.Client, credential.IssueParams{
						Identifier: name, Intent: intent, UserID: owner.ID, Expiring: expires != nil, Expires: expires,
					})
					require.NoError(t, err)
					return secret
				}
				valid := issue("valid", alice, enum.TokenIntentAppPassword, nil)
				later := issue("later", alice, enum.TokenIntentAppPassword, new(b.env.Clock.Now().Add(24*time.Hour)))
				expired := issue("expired", alice, enum.TokenIntentAppPassword, new(b.env.Clock.Now().Add(time.Hour)))
				// Tokens cannot be created expired: expire this one behind the hooks' back.
				b.env.Client.Token.Update().Where(token.Identifier("expired")).
					SetExpires(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).ExecX(b.env.Ctx)
				api := issue("api", alice, enum.TokenIntentAPI, nil)
				bobs := issue("bobs", bob, enum.TokenIntentAppPassword, nil)

				both := b.stage(t, `{"backends": ["inbuilt", "app_password"], "failed_attempts_before_cancel": 100}`)
				appOnly := b.stage(t, `{"backends": ["app_password"], "failed_attempts_before_cancel": 100}`)
				inbuilt := b.stage(t, `{"failed_attempts_before_cancel": 100}`)
				for _, tt := range []struct {
					name       string
					stage      executor.Interactive
					password   string
					wantMethod string
				}{
					{"password with both", both, "correct horse", "password"},
					{"app password with both", both, valid, "app_password"},
					{"expiring app password", appOnly, later, "app_password"},
					{"password without inbuilt", appOnly, "correct horse", ""},
					{"app password without its backend", inbuilt, valid, ""},
					{"expired app password", both, expired, ""},
					{"API token", both, api, ""},
					{"another user's app password", both, bobs, ""},
				} {
					req := b.request(t, alice, "alice", stagetest.ClientIP)
					res := b.submit(t, tt.stage, req, tt.password)
					method, _ := authMethod(req)
					if tt.wantMethod == "" {
						require.Equal(t, executor.Retry(errInvalid), res, tt.name)
						require.Empty(t, method, tt.name)
						continue
					}
					require.Equal(t, executor.Next(), res, tt.name)
					require.Equal(t, tt.wantMethod, method, tt.name)
				}
			})
		})
	}
}

// TestThrottled: the stage checks passwords with passcheck, whose limits
// and windows passcheck's tests cover; here, that a throttled attempt is
// the password field's rate_limited error, audited as such, and logs no
// one in, even with the right password.
func TestThrottled(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "correct horse")
	s := b.stage(t, `{"failed_attempts_before_cancel": 100}`)
	for i := range passcheck.DefaultLimits.PerAccount {
		require.Equal(t, executor.Retry(errInvalid), b.attempt(t, s, alice, stagetest.ClientIP, "wrong"), "failure %d", i+1)
	}
	req := b.request(t, alice, "alice", stagetest.ClientIP)
	require.Equal(t, executor.Retry(errThrottled), b.submit(t, s, req, "correct horse"))
	_, ok := authMethod(req)
	require.False(t, ok)
	require.Equal(t, stagetest.Event{
		Action: enum.EventActionLoginFailed, Data: map[string]any{"username": "alice", "reason": "throttled", "flow": "test-flow"},
	}, b.env.Auditor.Events()[passcheck.DefaultLimits.PerAccount])
}
