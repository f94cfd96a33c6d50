package identification_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/reputation"
)

// Answers the stage gives about the identifier, the same for every user,
// known or not (its answers about an embedded password are the
// stagetest.ErrPassword* ones).
var (
	errNoUID       = executor.FieldError{Field: "uidField", Message: "Enter your username or email address.", Code: "required"}
	errUnknownUser = executor.FieldError{Field: "uidField", Message: "Failed to authenticate.", Code: "invalid"}
)

type testBundle struct {
	env *stagetest.Env
}

// setup returns a bundle whose kinds are identification and password,
// whose stored configs an identification stage reads.
func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d, identification.Definition(), password.Definition())}
}

// withPassword builds an identification stage that embeds a password field
// checked with the settings of a password stage of passwordConfig.
func (b *testBundle) withPassword(t *testing.T, config, passwordConfig string) executor.Skipper {
	t.Helper()
	id := b.passwordStage(t, passwordConfig)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal([]byte(config), &cfg))
	cfg["password_stage"] = id
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	return b.env.Skipper(t, identification.Kind, string(raw))
}

// passwordStage stores a password stage of config and returns its ID.
func (b *testBundle) passwordStage(t *testing.T, config string) int {
	t.Helper()
	name := fmt.Sprintf("password-%d", b.env.Client.Stage.Query().CountX(b.env.Ctx))
	s, err := b.env.Client.Stage.Create().SetName(name).SetKind("password").SetConfig(json.RawMessage(config)).Save(b.env.Ctx)
	require.NoError(t, err)
	return s.ID
}

// flow stores a flow and returns its ID.
func (b *testBundle) flow(t *testing.T, slug string, designation enum.FlowDesignation) int {
	t.Helper()
	f, err := b.env.Client.Flow.Create().SetSlug(slug).SetName(slug).SetTitle(slug).SetDesignation(designation).Save(b.env.Ctx)
	require.NoError(t, err)
	return f.ID
}

// submit answers s with uid and, when not nil, password.
func (b *testBundle) submit(t *testing.T, s executor.Interactive, req *executor.Request, uid string, password *string) executor.Result {
	t.Helper()
	return b.env.Submit(t, s, req, &identification.Response{UIDField: uid, Password: password})
}

// attempt submits uid and password in a new execution from ip.
func (b *testBundle) attempt(t *testing.T, s executor.Interactive, ip netip.Addr, uid, password string) executor.Result {
	t.Helper()
	req := b.env.Request(identification.Kind)
	req.Client.IP = ip
	return b.submit(t, s, req, uid, &password)
}

// pending returns the context's pending user ID (0 for none) and identifier.
func pending(req *executor.Request) (int, string) {
	id, _ := req.Execution.Context.PendingUserID()
	return id, req.Execution.Context.String(executor.KeyPendingUserIdentifier)
}

func TestChallenge(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		b.env.Golden(t, b.env.Skipper(t, identification.Kind, `{}`), b.env.Request(identification.Kind), "defaults")
	})

	t.Run("LoginHint", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		hint := func(query string) string {
			req := b.env.Request(identification.Kind)
			req.Execution.Query = query
			ch, err := b.env.Interactive(t, identification.Kind, `{}`).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			c, ok := ch.(*identification.Challenge)
			require.True(t, ok)
			return c.LoginHint
		}
		require.Equal(t, "grace@example.com", hint("next=%2Fapp&login_hint=+grace%40example.com+"))
		require.Empty(t, hint("next=%2Fapp"))
		require.Empty(t, hint("login_hint="+strings.Repeat("a", identification.MaxLoginHint+1)), "too long to be an identifier")
	})

	t.Run("PasswordAndLinks", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		enroll := b.flow(t, "sign-up", enum.FlowDesignationEnrollment)
		recovery := b.flow(t, "forgot-password", enum.FlowDesignationRecovery)
		passwordless := b.flow(t, "passkey", enum.FlowDesignationAuthentication)
		s := b.withPassword(t, fmt.Sprintf(`{"user_fields": ["email"], "enable_remember_me": true,
			"enrollment_flow": %d, "recovery_flow": %d, "passwordless_flow": %d}`, enroll, recovery, passwordless),
			`{"backends": ["inbuilt"], "failed_attempts_before_cancel": 5, "allow_show_password": true}`)
		b.env.Golden(t, s, b.env.Request(identification.Kind), "password_and_links")
	})

	t.Run("HiddenPasswordStaysHidden", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		s := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 5, "allow_show_password": false}`)
		ch, err := s.Challenge(b.env.Ctx, b.env.Request(identification.Kind))
		require.NoError(t, err)
		c := ch.(*identification.Challenge) //nolint:forcetypeassert // the stage's own challenge
		require.True(t, c.PasswordFields)
		require.False(t, c.AllowShowPassword)
		require.Equal(t, "Log in", c.PrimaryAction)
	})

	t.Run("DeletedLinkedFlowsAreLeftOut", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		enroll := b.flow(t, "sign-up", enum.FlowDesignationEnrollment)
		recovery := b.flow(t, "forgot-password", enum.FlowDesignationRecovery)
		s := b.env.Skipper(t, identification.Kind, fmt.Sprintf(`{"enrollment_flow": %d, "recovery_flow": %d}`, enroll, recovery))
		b.env.Client.Flow.DeleteOneID(enroll).ExecX(b.env.Ctx)
		ch, err := s.Challenge(b.env.Ctx, b.env.Request(identification.Kind))
		require.NoError(t, err)
		c := ch.(*identification.Challenge) //nolint:forcetypeassert // the stage's own challenge
		require.Empty(t, c.EnrollURL)
		require.Equal(t, "/if/flow/forgot-password/", c.RecoveryURL)
	})

	t.Run("TheBrandsRecoveryFlowIsLinkedInAuthentication", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		recovery := b.flow(t, "forgot-password", enum.FlowDesignationRecovery)
		b.env.Client.Brand.Create().SetDomain("login.example.com").SetIsDefault(true).SetFlowRecoveryID(recovery).ExecX(b.env.Ctx)
		s := b.env.Skipper(t, identification.Kind, `{}`)
		req := b.env.Request(identification.Kind)
		ch, err := s.Challenge(b.env.Ctx, req)
		require.NoError(t, err)
		require.Equal(t, "/if/flow/forgot-password/", ch.(*identification.Challenge).RecoveryURL) //nolint:forcetypeassert // the stage's own challenge

		req.Flow.Designation = enum.FlowDesignationRecovery
		ch, err = s.Challenge(b.env.Ctx, req)
		require.NoError(t, err)
		require.Empty(t, ch.(*identification.Challenge).RecoveryURL, "not in the recovery flow itself") //nolint:forcetypeassert // the stage's own challenge
	})

	t.Run("MissingPasswordStageFails", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		_, err := b.env.Skipper(t, identification.Kind, `{"password_stage": 12345}`).Challenge(b.env.Ctx, b.env.Request(identification.Kind))
		require.Error(t, err)
	})

	t.Run("LeavesTheExecutionAlone", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		alice := b.env.User(t, "alice", "alice@example.com", "")
		s := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 5}`)
		req := b.env.Request(identification.Kind)
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, alice.ID))
		before, err := json.Marshal(req.Execution)
		require.NoError(t, err)
		for range 2 {
			_, err := s.Challenge(b.env.Ctx, req)
			require.NoError(t, err)
		}
		after, err := json.Marshal(req.Execution)
		require.NoError(t, err)
		require.JSONEq(t, string(before), string(after))
	})
}

func TestMatching(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		config string
		uid    string
		// want is the username of the user uid must match; "" for none.
		want string
	}{
		{name: "username", config: `{}`, uid: "alice", want: "alice"},
		{name: "username in another case", config: `{}`, uid: "ALICE", want: "alice"},
		{name: "spaces around", config: `{}`, uid: "  alice\t", want: "alice"},
		{name: "email in another case", config: `{}`, uid: "Alice@Example.COM", want: "alice"},
		{name: "unknown", config: `{}`, uid: "nobody", want: ""},
		{name: "prefix", config: `{}`, uid: "alic", want: ""},
		{name: "LIKE wildcard", config: `{}`, uid: "ali%", want: ""},
		{name: "LIKE single-character wildcard", config: `{}`, uid: "_lice", want: ""},
		{name: "LIKE wildcard in email", config: `{}`, uid: "%@example.com", want: ""},
		{name: "case-sensitive username", config: `{"case_insensitive_matching": false}`, uid: "alice", want: "alice"},
		{name: "case-sensitive username in another case", config: `{"case_insensitive_matching": false}`, uid: "Alice", want: ""},
		{name: "case-sensitive email", config: `{"case_insensitive_matching": false}`, uid: "alice@example.com", want: "alice"},
		{name: "case-sensitive email in another case", config: `{"case_insensitive_matching": false}`, uid: "ALICE@example.com", want: ""},
		{name: "username only", config: `{"user_fields": ["username"]}`, uid: "alice@example.com", want: ""},
		{name: "email only", config: `{"user_fields": ["email"]}`, uid: "alice", want: ""},
		{name: "shared email names its keeper", config: `{}`, uid: "shared@example.com", want: "bob"},
		{name: "shared email as its keeper stored it, case-sensitive", config: `{"case_insensitive_matching": false}`, uid: "Shared@Example.com", want: "bob"},
		{name: "shared email as the other stored it, case-sensitive", config: `{"case_insensitive_matching": false}`, uid: "shared@example.com", want: ""},
		{name: "upn", config: `{"user_fields": ["upn"]}`, uid: "dave@corp.example", want: "dave"},
		{name: "upn not configured", config: `{}`, uid: "dave@corp.example", want: ""},
		{name: "upn only", config: `{"user_fields": ["upn"]}`, uid: "dave", want: ""},
		{name: "username before email", config: `{"user_fields": ["username", "email"]}`, uid: "h@example.com", want: "h@example.com"},
		{name: "email before username", config: `{"user_fields": ["email", "username"]}`, uid: "h@example.com", want: "erin"},
		{name: "ambiguous field falls through to the next", config: `{"user_fields": ["upn", "email"]}`, uid: "shared@example.com", want: "bob"},
		{name: "non-ASCII capital as stored", config: `{}`, uid: "Émile", want: "Émile"},
		{name: "non-ASCII capital as stored, case-sensitive", config: `{"case_insensitive_matching": false}`, uid: "Émile", want: "Émile"},
		{name: "non-ASCII lower-case in another case", config: `{}`, uid: "ZOË", want: "zoë"},
		{name: "non-ASCII email as stored", config: `{}`, uid: "Ève@example.com", want: "zoë"},
		{name: "non-ASCII email in another case", config: `{}`, uid: "ÈVE@EXAMPLE.COM", want: "zoë"},
		{name: "non-ASCII email with a combining accent", config: `{}`, uid: "E\u0300ve@example.com", want: "zoë"},
	}
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		b := setup(t, d)
		users := map[string]int{}
		for _, u := range []struct{ username, email, upn string }{
			{"alice", "alice@example.com", ""},
			{"bob", "Shared@Example.com", ""},
			{"carol", "", "shared@example.com"},
			{"frank", "", "shared@example.com"},
			{"dave", "dave@example.com", "dave@corp.example"},
			{"erin", "h@example.com", ""},
			{"h@example.com", "", ""},
			{"Émile", "", ""},
			{"zoë", "Ève@example.com", ""},
		} {
			c := b.env.Client.User.Create().SetUsername(u.username).SetEmail(u.email)
			if u.upn != "" {
				c.SetAttributes(map[string]any{"upn": u.upn})
			}
			users[u.username] = c.SaveX(b.env.Ctx).ID
		}
		// carol shares bob's address as accounts could before
		// addresses were unique: the upgrade left her without a key.
		shareAddress(t, b.env, d, users["carol"], "shared@example.com")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				req := b.env.Request(identification.Kind)
				res := b.submit(t, b.env.Skipper(t, identification.Kind, tt.config), req, tt.uid, nil)
				require.Equal(t, executor.ResultNext, res.Kind(), "pretend_user_exists goes on either way: %v", res.Errors())
				id, identifier := pending(req)
				require.Equal(t, users[tt.want], id, "matched user")
				require.Equal(t, strings.TrimSpace(tt.uid), identifier, "the identifier is kept as typed, trimmed")
			})
		}
	})
}

func TestSubmit(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"PretendUserExists": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "alice@example.com", "secret")
			s := b.env.Skipper(t, identification.Kind, `{"pretend_user_exists": true}`)
			known, unknown := b.env.Request(identification.Kind), b.env.Request(identification.Kind)
			resKnown := b.submit(t, s, known, "alice", nil)
			resUnknown := b.submit(t, s, unknown, "nobody", nil)
			require.Equal(t, executor.Next(), resKnown)
			require.Equal(t, resKnown, resUnknown, "unknown identifiers go on exactly as known ones")
			id, identifier := pending(unknown)
			require.Zero(t, id)
			require.Equal(t, "nobody", identifier)
			require.Empty(t, b.env.Auditor.Events())
		},

		"UnknownUserRefusedWithoutPretending": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "alice@example.com", "")
			s := b.env.Skipper(t, identification.Kind, `{"pretend_user_exists": false}`)
			req := b.env.Request(identification.Kind)
			res := b.submit(t, s, req, "nobody", nil)
			require.Equal(t, executor.Retry(errUnknownUser), res)
			id, _ := pending(req)
			require.Zero(t, id)

			res = b.submit(t, s, req, "alice", nil)
			require.Equal(t, executor.Next(), res)
			id, _ = pending(req)
			require.Equal(t, alice.ID, id)
		},

		"AnotherIdentifierReplacesThePendingUser": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "alice@example.com", "")
			bob := b.env.User(t, "bob", "bob@example.com", "")
			s := b.env.Skipper(t, identification.Kind, `{}`)
			req := b.env.Request(identification.Kind)
			require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, alice.ID))
			require.Equal(t, executor.ResultNext, b.submit(t, s, req, "bob@example.com", nil).Kind())
			id, identifier := pending(req)
			require.Equal(t, bob.ID, id)
			require.Equal(t, "bob@example.com", identifier)

			require.Equal(t, executor.ResultNext, b.submit(t, s, req, "nobody", nil).Kind())
			id, identifier = pending(req)
			require.Zero(t, id, "an unknown identifier leaves no earlier pending user behind")
			require.Equal(t, "nobody", identifier)
		},

		"InactiveUserIsIdentified": func(t *testing.T, b *testBundle) {
			u := b.env.User(t, "ivan", "", "secret")
			b.env.Client.User.UpdateOne(u).SetIsActive(false).ExecX(b.env.Ctx)
			req := b.env.Request(identification.Kind)
			require.Equal(t, executor.Next(), b.submit(t, b.env.Skipper(t, identification.Kind, `{}`), req, "ivan", nil))
			id, _ := pending(req)
			require.Equal(t, u.ID, id, "later stages refuse the login; identification does not tell")
		},

		"ControlCharactersMatchNoOne": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "alice@example.com", "secret")
			plain := b.env.Skipper(t, identification.Kind, `{}`)
			withPassword := b.withPassword(t, `{}`, passwordDefaults)
			for _, uid := range []string{"alice\x00", "ali\nce", "alice\u0085@example.com", "\x7falice"} {
				for _, s := range []executor.Interactive{plain, withPassword} {
					req := b.env.Request(identification.Kind)
					require.Equal(t, executor.Retry(errUnknownUser), b.submit(t, s, req, uid, new("secret")), "%q", uid)
					require.Empty(t, req.Execution.Context)
				}
			}
			require.Empty(t, b.env.Auditor.Events())
		},

		"PasswordIgnoredWithoutPasswordStage": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "secret")
			req := b.env.Request(identification.Kind)
			require.Equal(t, executor.Next(), b.submit(t, b.env.Skipper(t, identification.Kind, `{}`), req, "alice", new("wrong")))
			id, _ := pending(req)
			require.Equal(t, alice.ID, id)
			_, hasMethod := req.Execution.Context[executor.KeyAuthMethod]
			require.False(t, hasMethod, "nothing was authenticated")
		},
	})

	tests := []struct {
		name    string
		resp    executor.Response
		wantErr executor.FieldError
	}{
		{name: "empty", resp: &identification.Response{}, wantErr: errNoUID},
		{name: "blank", resp: &identification.Response{UIDField: " \t\n"}, wantErr: errNoUID},
		{name: "not an identification response", resp: nil, wantErr: errNoUID},
		{name: "too long", resp: &identification.Response{UIDField: strings.Repeat("a", identification.MaxIdentifierLength+1)}, wantErr: errUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect.SQLite)
			for _, config := range []string{`{}`, `{"pretend_user_exists": false}`} {
				req := b.env.Request(identification.Kind)
				require.Equal(t, executor.Retry(tt.wantErr), b.env.Submit(t, b.env.Skipper(t, identification.Kind, config), req, tt.resp))
				require.Empty(t, req.Execution.Context, "a refused identifier is not kept")
			}
		})
	}

	t.Run("LongestIdentifier", func(t *testing.T) {
		t.Parallel()
		b := setup(t, dialect.SQLite)
		uid := strings.Repeat("a", identification.MaxIdentifierLength)
		req := b.env.Request(identification.Kind)
		require.Equal(t, executor.Next(), b.submit(t, b.env.Skipper(t, identification.Kind, `{}`), req, uid, nil))
		_, identifier := pending(req)
		require.Equal(t, uid, identifier)
	})
}

func TestSkip(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "secret")
	plain := b.env.Skipper(t, identification.Kind, `{}`)
	withPassword := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 5}`)

	identified := b.env.Request(identification.Kind)
	require.NoError(t, identified.Execution.Context.Set(executor.KeyPendingUser, alice.ID))
	res, skip, err := plain.Skip(b.env.Ctx, identified)
	require.NoError(t, err)
	require.True(t, skip, "a user identified earlier needs no identification")
	require.Equal(t, executor.Next(), res)

	_, skip, err = withPassword.Skip(b.env.Ctx, identified)
	require.NoError(t, err)
	require.False(t, skip, "the password must still be asked")

	anonymous := b.env.Request(identification.Kind)
	require.NoError(t, anonymous.Execution.Context.Set(executor.KeyPendingUserIdentifier, "nobody"))
	_, skip, err = plain.Skip(b.env.Ctx, anonymous)
	require.NoError(t, err)
	require.False(t, skip, "an identifier without a user is not an identification")
}

// passwordDefaults is a password stage's stored config with the defaults.
const passwordDefaults = `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 5, "allow_show_password": false}`

func TestEmbeddedPassword(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"Accepted": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "alice@example.com", "correct horse")
			req := b.env.Request(identification.Kind)
			res := b.submit(t, b.withPassword(t, `{}`, passwordDefaults), req, "Alice@Example.com", new("correct horse"))
			require.Equal(t, executor.Next(), res)
			id, identifier := pending(req)
			require.Equal(t, alice.ID, id)
			require.Equal(t, "Alice@Example.com", identifier)
			require.Equal(t, "password", req.Execution.Context.String(executor.KeyAuthMethod))
			require.Empty(t, b.env.Auditor.Events())
		},

		"FailuresLookAlike": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "alice@example.com", "correct horse")
			inactive := b.env.User(t, "ivan", "", "correct horse")
			b.env.Client.User.UpdateOne(inactive).SetIsActive(false).ExecX(b.env.Ctx)
			b.env.User(t, "nopass", "", "")
			b.env.Client.User.Create().SetUsername("broken").SetPasswordHash("$argon2id$garbage").ExecX(b.env.Ctx)
			for _, config := range []string{`{"pretend_user_exists": true}`, `{"pretend_user_exists": false}`} {
				s := b.withPassword(t, config, passwordDefaults)
				for _, try := range []struct{ name, uid, password string }{
					{"wrong password", "alice", "Correct horse"},
					{"unknown user", "nobody", "correct horse"},
					{"inactive user", "ivan", "correct horse"},
					{"user without password", "nopass", "correct horse"},
					{"malformed hash", "broken", "correct horse"},
					{"password too long", "alice", strings.Repeat("p", credential.MaxPasswordBytes+1)},
					{"unknown user, password too long", "nobody", strings.Repeat("p", credential.MaxPasswordBytes+1)},
				} {
					req := b.env.Request(identification.Kind)
					res := b.submit(t, s, req, try.uid, &try.password)
					require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), res, "%s %s", config, try.name)
					id, identifier := pending(req)
					require.Zero(t, id, "%s %s: no pending user before the password is right", config, try.name)
					require.Equal(t, try.uid, identifier)
					_, hasMethod := req.Execution.Context[executor.KeyAuthMethod]
					require.False(t, hasMethod)
				}
			}
			events := b.env.Auditor.Events()
			require.Len(t, events, 14)
			require.Equal(t, stagetest.LoginFailed("nobody", "", nil), events[1])
		},

		"RetryDoesNotRevealTheMatchedUser": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "alice@example.com", "correct horse")
			s := b.withPassword(t, `{}`, passwordDefaults)
			req := b.env.Request(identification.Kind)
			// An earlier stage's pending user does not survive a failure either.
			require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, alice.ID))
			require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, "alice@example.com", new("wrong")))
			known, err := json.Marshal(req.Execution.Context)
			require.NoError(t, err)

			other := b.env.Request(identification.Kind)
			require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, other, "alice@example.org", new("wrong")))
			unknown, err := json.Marshal(other.Execution.Context)
			require.NoError(t, err)
			require.Equal(t, strings.Replace(string(known), "alice@example.com", "alice@example.org", 1), string(unknown),
				"a known and an unknown identifier leave the same context")

			require.Equal(t, executor.Next(), b.submit(t, s, req, "alice@example.com", new("correct horse")))
			id, _ := pending(req)
			require.Equal(t, alice.ID, id)
		},

		"PasswordRequired": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "", "correct horse")
			s := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 1}`)
			req := b.env.Request(identification.Kind)
			require.Equal(t, executor.Retry(stagetest.ErrPasswordRequired), b.submit(t, s, req, "alice", nil))
			require.Equal(t, executor.Retry(stagetest.ErrPasswordRequired), b.submit(t, s, req, "alice", new("")))
			id, _ := pending(req)
			require.Zero(t, id)
			require.Empty(t, b.env.Auditor.Events(), "no attempt was made")
			score, err := b.env.Counters.Get(b.env.Ctx, reputation.IPKey(req.Client.IP))
			require.NoError(t, err)
			require.Zero(t, score)
			require.Equal(t, executor.Next(), b.submit(t, s, req, "alice", new("correct horse")),
				"a missing password is not a failed attempt")
		},

		"CancelsAfterFailedAttempts": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "", "correct horse")
			s := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 3}`)
			req := b.env.Request(identification.Kind)
			for range 2 {
				require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.submit(t, s, req, "alice", new("wrong")))
			}
			require.Equal(t, executor.Deny("Too many failed attempts."), b.submit(t, s, req, "nobody", new("wrong")),
				"failures count per execution, whoever they were for")

			fresh := b.env.Request(identification.Kind)
			require.Equal(t, executor.Next(), b.submit(t, s, fresh, "alice", new("correct horse")))
		},

		"FailuresLowerReputation": func(t *testing.T, b *testBundle) {
			b.env.User(t, "alice", "", "correct horse")
			s := b.withPassword(t, `{}`, passwordDefaults)
			b.attempt(t, s, stagetest.ClientIP, "Alice", "wrong")
			b.attempt(t, s, stagetest.ClientIP, "nobody", "wrong")
			for key, want := range map[string]int64{
				reputation.IPKey(stagetest.ClientIP): -2,
				reputation.IdentifierKey("alice"):    -1,
				reputation.IdentifierKey("nobody"):   -1,
			} {
				got, err := b.env.Counters.Get(b.env.Ctx, key)
				require.NoError(t, err)
				require.Equal(t, want, got, key)
			}
		},

		"AppPasswordBackend": func(t *testing.T, b *testBundle) {
			alice := b.env.User(t, "alice", "", "correct horse")
			_, secret, err := credential.IssueToken(b.env.Ctx, b.env.Client, credential.IssueParams{
				Identifier: "alice-ldap", Intent: enum.TokenIntentAppPassword, UserID: alice.ID,
			})
			require.NoError(t, err)
			inbuilt := b.withPassword(t, `{}`, passwordDefaults)
			both := b.withPassword(t, `{}`, `{"backends": ["inbuilt", "app_password"], "failed_attempts_before_cancel": 5}`)

			require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.attempt(t, inbuilt, stagetest.ClientIP, "alice", secret))
			req := b.env.Request(identification.Kind)
			require.Equal(t, executor.Next(), b.submit(t, both, req, "alice", &secret))
			require.Equal(t, "app_password", req.Execution.Context.String(executor.KeyAuthMethod))
		},
	})
}

// TestThrottled: an embedded password counts as an attempt of passcheck,
// whose limits and windows passcheck's tests cover; here, that a
// throttled attempt is the password field's rate_limited error, audited as
// such, and identifies no one, even with the right password.
func TestThrottled(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "alice@example.com", "correct horse")
	s := b.withPassword(t, `{}`, `{"backends": ["inbuilt"], "failed_attempts_before_cancel": 100}`)
	for i := range passcheck.DefaultLimits.PerAccount {
		require.Equal(t, executor.Retry(stagetest.ErrPasswordInvalid), b.attempt(t, s, stagetest.ClientIP, "alice", "wrong"), "failure %d", i+1)
	}
	req := b.env.Request(identification.Kind)
	require.Equal(t, executor.Retry(stagetest.ErrPasswordThrottled), b.submit(t, s, req, "alice@example.com", new("correct horse")))
	id, _ := pending(req)
	require.Zero(t, id)
	_, hasMethod := req.Execution.Context[executor.KeyAuthMethod]
	require.False(t, hasMethod)
	require.Equal(t, stagetest.LoginFailed("alice@example.com", "throttled", alice), b.env.Auditor.Events()[passcheck.DefaultLimits.PerAccount])
}

// shareAddress gives user id address without a key, bypassing the user
// schema's hook, as the user_email_key migration leaves an account whose
// address an older one already had.
func shareAddress(t *testing.T, env *stagetest.Env, d string, id int, address string) {
	t.Helper()
	query := "UPDATE users SET email = $1, email_key = NULL WHERE id = $2"
	if d == dialect.SQLite {
		query = "UPDATE users SET email = ?, email_key = NULL WHERE id = ?"
	}
	_, err := env.Client.ExecContext(env.Ctx, query, address, id)
	require.NoError(t, err)
}
