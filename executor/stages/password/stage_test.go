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
	"github.com/gatehouse-id/gatehouse/reputation"
)

// cancelled is the outcome once the failed attempts are used up.
var cancelled = executor.Deny("Too many failed attempts.")

type testBundle struct {
	env *stagetest.Env
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d, password.Definition())}
}

// request returns a request about pending (nil: none) identified as
// identifier ("" when not identified by typing), from ip.
func (b *testBundle) request(t *testing.T, pending *ent.User, identifier string, ip netip.Addr) *executor.Request {
	t.Helper()
	req := b.env.RequestAbout(t, password.Kind, pending)
	req.Client.IP = ip
	if identifier != "" {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, identifier))
	}
	return req
}

// submit answers s with pw.
func (b *testBundle) submit(t *testing.T, s executor.Interactive, req *executor.Request, pw string) executor.Result {
	t.Helper()
	return b.env.Submit(t, s, req, &password.Response{Password: pw})
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
	b.env.Golden(t, b.env.Interactive(t, password.Kind, `{}`), req, "defaults")

	ch, err := b.env.Interactive(t, password.Kind, `{"allow_show_password": true}`).Challenge(b.env.Ctx, req)
	require.NoError(t, err)
	require.True(t, ch.(*password.Challenge).AllowShowPassword) //nolint:forcetypeassert // the stage's own challenge
}

func TestSubmit(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"Accepted": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "alice@example.com", "correct horse")
			req := b.request(t, alice, "Alice@Example.com", stagetest.ClientIP)
			require.Equal(t, executor.Next(), b.submit(t, b.env.Interactive(t, password.Kind, `{}`), req, "correct horse"))
			method, _ := authMethod(req)
			require.Equal(t, "password", method)
			id, _ := req.Execution.Context.PendingUserID()
			require.Equal(t, alice.ID, id)
			require.Empty(t, b.env.Auditor.Events())
		},

		"FailuresLookAlike": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "correct horse")
			ivan := b.env.User(t, "ivan", "", "correct horse")
			b.env.Client.User.UpdateOne(ivan).SetIsActive(false).ExecX(b.env.Ctx)
			nopass := b.env.User(t, "nopass", "", "")
			broken := b.env.Client.User.Create().SetUsername("broken").SetPasswordHash("$argon2id$v=19$garbage").SaveX(b.env.Ctx)
			gone := b.env.User(t, "gone", "", "correct horse")
			b.env.Client.User.DeleteOne(gone).ExecX(b.env.Ctx)
			s := b.env.Interactive(t, password.Kind, `{}`)
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
				require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, try.password), try.name)
				_, ok := authMethod(req)
				require.False(t, ok, try.name)
			}
			events := b.env.Auditor.Events()
			require.Len(t, events, 9)
			require.Equal(t, stagetest.LoginFailed("nobody", "", nil), events[2])
		},

		"PasswordRequired": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "correct horse")
			s := b.env.Interactive(t, password.Kind, `{"failed_attempts_before_cancel": 1}`)
			req := b.request(t, alice, "alice", stagetest.ClientIP)
			require.Equal(t, executor.Retry(stagetest.ErrPasswordRequired), b.submit(t, s, req, ""))
			require.Equal(t, executor.Retry(stagetest.ErrPasswordRequired), b.env.Submit(t, s, req, nil))
			require.Empty(t, b.env.Auditor.Events(), "no attempt was made")
			score, err := b.env.Counters.Get(b.env.Ctx, reputation.IPKey(stagetest.ClientIP))
			require.NoError(t, err)
			require.Zero(t, score)
			require.Equal(t, executor.Next(), b.submit(t, s, req, "correct horse"), "a missing password is not a failed attempt")
		},

		"NoUserIdentified": func(t *testing.T, b *testBundle) {
			gone := b.env.User(t, "gone", "", "correct horse")
			b.env.Client.User.DeleteOne(gone).ExecX(b.env.Ctx)
			s := b.env.Interactive(t, password.Kind, `{}`)
			for _, pending := range []*ent.User{nil, gone} {
				res := b.submit(t, s, b.request(t, pending, "", stagetest.ClientIP), "correct horse")
				require.Equal(t, executor.ResultDeny, res.Kind())
				require.Equal(t, "No user has been identified; the flow must identify the user before the password stage.", res.Message())
			}
			require.Empty(t, b.env.Auditor.Events())
		},
	})
}

func TestFailedAttempts(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"CancelsAfterFailedAttempts": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "correct horse")
			for _, tt := range []struct {
				config string
				max    int
			}{{`{}`, 5}, {`{"failed_attempts_before_cancel": 1}`, 1}, {`{"failed_attempts_before_cancel": 3}`, 3}} {
				s := b.env.Interactive(t, password.Kind, tt.config)
				req := b.request(t, alice, "alice", stagetest.ClientIP)
				for i := range tt.max - 1 {
					require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, "wrong"), "%s failure %d", tt.config, i+1)
				}
				require.Equal(t, cancelled, b.submit(t, s, req, "wrong"), tt.config)

				req = b.request(t, alice, "alice", stagetest.ClientIP)
				for range tt.max - 1 {
					b.submit(t, s, req, "wrong")
				}
				require.Equal(t, executor.Next(), b.submit(t, s, req, "correct horse"), "%s: the last attempt may succeed", tt.config)
			}
		},

		"FailuresCountPerStage": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "correct horse")
			s := b.env.Interactive(t, password.Kind, `{"failed_attempts_before_cancel": 2}`)
			req := b.request(t, alice, "alice", stagetest.ClientIP)
			require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, "wrong"))
			// A second password stage later in the same execution has its own count.
			req.Execution.Plan.Append(executor.PlanEntry{Kind: password.Kind, Name: "again"})
			req.Entry = req.Execution.Plan.Entries[1]
			require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, "wrong"))
			require.Equal(t, cancelled, b.submit(t, s, req, "wrong"))
		},
	})
}

func TestCredentials(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"RehashesOldParameters": func(t *testing.T, b *testBundle) {
			old := credential.NewHasher(credential.Params{Time: 2, MemoryKiB: 128, Threads: 1, KeyLen: 32, SaltLen: 16}, 1)
			oldHash, err := old.Hash(b.env.Ctx, "correct horse")
			require.NoError(t, err)
			alice := b.env.Client.User.Create().SetUsername("alice").SetPasswordHash(oldHash).SaveX(b.env.Ctx)
			require.Equal(t, executor.Next(), b.attempt(t, b.env.Interactive(t, password.Kind, `{}`), alice, stagetest.ClientIP, "correct horse"))

			newHash := b.env.Client.User.GetX(b.env.Ctx, alice.ID).PasswordHash
			require.NotEqual(t, oldHash, newHash)
			ok, rehash, err := b.env.Deps.Hasher.Verify(b.env.Ctx, "correct horse", newHash)
			require.NoError(t, err)
			require.True(t, ok)
			require.False(t, rehash, "the hash now has the current parameters")
		},

		"AppPasswords": func(t *testing.T, b *testBundle) {
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

			both := b.env.Interactive(t, password.Kind, `{"backends": ["inbuilt", "app_password"], "failed_attempts_before_cancel": 100}`)
			appOnly := b.env.Interactive(t, password.Kind, `{"backends": ["app_password"], "failed_attempts_before_cancel": 100}`)
			inbuilt := b.env.Interactive(t, password.Kind, `{"failed_attempts_before_cancel": 100}`)
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
					require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), res, tt.name)
					require.Empty(t, method, tt.name)
					continue
				}
				require.Equal(t, executor.Next(), res, tt.name)
				require.Equal(t, tt.wantMethod, method, tt.name)
			}
		},
	})
}

// TestThrottled: the stage checks passwords with passcheck, whose limits
// and windows passcheck's tests cover; here, that a throttled attempt is
// the password field's rate_limited error, audited as such, and logs no
// one in, even with the right password.
func TestThrottled(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "correct horse")
	s := b.env.Interactive(t, password.Kind, `{"failed_attempts_before_cancel": 100}`)
	for i := range passcheck.DefaultLimits.PerAccount {
		require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.attempt(t, s, alice, stagetest.ClientIP, "wrong"), "failure %d", i+1)
	}
	req := b.request(t, alice, "alice", stagetest.ClientIP)
	require.Equal(t, executor.Retry(stagetest.ErrPasswordThrottled), b.submit(t, s, req, "correct horse"))
	_, ok := authMethod(req)
	require.False(t, ok)
	require.Equal(t, stagetest.LoginFailed("alice", "throttled", alice), b.env.Auditor.Events()[passcheck.DefaultLimits.PerAccount])
}
