package authenticatoremail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatoremail"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "authenticator_email", authenticatoremail.Kind, &authenticatoremail.Stage{}, authenticatoremail.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, authenticatoremail.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &authenticatoremail.Config{FriendlyName: "Email", TokenExpiry: 600}},
		{Name: "set", Config: `{"friendly_name": "Work mail", "token_expiry": 3600}`, Want: &authenticatoremail.Config{FriendlyName: "Work mail", TokenExpiry: 3600}},
		{Name: "empty name", Config: `{"friendly_name": " "}`, Field: "friendly_name"},
		{Name: "long name", Config: `{"friendly_name": "` + strings.Repeat("x", 101) + `"}`, Field: "friendly_name"},
		{Name: "too short", Config: `{"token_expiry": 59}`, Field: "token_expiry"},
		{Name: "too long", Config: `{"token_expiry": 86401}`, Field: "token_expiry"},
		{Name: "unknown field", Config: `{"digits": 8}`, Field: "digits"},
	})
}

const cfg = `{"friendly_name": "Work mail", "token_expiry": 600}`

func TestAuthenticatorEmail(t *testing.T) {
	t.Parallel()
	type bundle struct {
		env   *stagetest.Env
		grace *ent.User // has an address
		ada   *ent.User // has none
	}
	setup := func(t *testing.T, d string) bundle {
		t.Helper()
		env := stagetest.New(t, d, authenticatoremail.Definition())
		return bundle{env: env, grace: env.User(t, "grace", "grace@example.com", ""), ada: env.User(t, "ada", "", "")}
	}
	begin := func(t *testing.T, b bundle, u *ent.User) (*executor.Request, *authenticatoremail.Challenge) {
		t.Helper()
		req := b.env.Request(authenticatoremail.Kind)
		b.env.SignIn(t, req, u)
		_, skip, err := b.env.Skipper(t, authenticatoremail.Kind, cfg).Skip(b.env.Ctx, req)
		require.NoError(t, err)
		require.False(t, skip)
		return req, challenge(t, b.env, req)
	}
	submit := func(t *testing.T, b bundle, req *executor.Request, r authenticatoremail.Response) executor.Result {
		t.Helper()
		return b.env.Submit(t, b.env.Interactive(t, authenticatoremail.Kind, cfg), req, &r)
	}
	lastCode := func(t *testing.T, b bundle) string {
		t.Helper()
		mails := b.env.Mailer.Mails()
		require.NotEmpty(t, mails)
		return mails[len(mails)-1].Data["code"]
	}
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"a code goes to the account's address and confirms the device": func(t *testing.T, b bundle) {
			b.env.RecordAudit()
			req, ch := begin(t, b, b.grace)
			require.Equal(t, "g***@example.com", *ch.Email)
			require.False(t, ch.EmailRequired)
			mails := b.env.Mailer.Mails()
			require.Len(t, mails, 1)
			require.Equal(t, "grace@example.com", mails[0].Args.To)
			require.Equal(t, jobargs.TemplateEmailOTP, mails[0].Args.Template)
			require.Equal(t, "grace", mails[0].Data["username"])

			_, skip, err := b.env.Skipper(t, authenticatoremail.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.Len(t, b.env.Mailer.Mails(), 1, "entering the stage again sends nothing")
			require.False(t, b.env.Client.EmailDevice.Query().OnlyX(b.env.Ctx).Confirmed)

			require.Equal(t, "next", submit(t, b, req, authenticatoremail.Response{Code: new(lastCode(t, b))}).Kind())
			dev := b.env.Client.EmailDevice.Query().Where(emaildevice.UserID(b.grace.ID)).OnlyX(b.env.Ctx)
			require.True(t, dev.Confirmed)
			require.Equal(t, "Work mail", dev.Name)
			require.Equal(t, "grace@example.com", dev.Email)
			require.Nil(t, dev.CodeHash, "the setup code is used up")
			b.env.RequireStoredEvent(t, enum.EventActionMFADeviceAdded, b.grace)
		},
		"an account without an address is asked for one first": func(t *testing.T, b bundle) {
			req, ch := begin(t, b, b.ada)
			require.True(t, ch.EmailRequired)
			require.Nil(t, ch.Email)
			require.Empty(t, b.env.Mailer.Mails())
			res := submit(t, b, req, authenticatoremail.Response{Code: new("123456")})
			require.Equal(t, executor.FieldError{Field: "email", Message: res.Errors()[0].Message, Code: "required"}, res.Errors()[0])
			res = submit(t, b, req, authenticatoremail.Response{Email: new("Ada <ada@example.com>")})
			require.Equal(t, "email", res.Errors()[0].Field)
			require.Empty(t, b.env.Mailer.Mails())

			res = submit(t, b, req, authenticatoremail.Response{Email: new(" ada@example.org ")})
			require.Equal(t, "retry", res.Kind())
			require.Empty(t, res.Errors())
			require.Equal(t, "a***@example.org", *challenge(t, b.env, req).Email)
			require.Equal(t, "ada@example.org", b.env.Mailer.Mails()[0].Args.To)
			require.Equal(t, "next", submit(t, b, req, authenticatoremail.Response{Code: new(lastCode(t, b))}).Kind())
			require.Equal(t, "ada@example.org", b.env.Client.EmailDevice.Query().OnlyX(b.env.Ctx).Email)
			require.Empty(t, b.env.Client.User.GetX(b.env.Ctx, b.ada.ID).Email, "the account's address is not changed")
		},
		"an account with an address cannot send codes elsewhere": func(t *testing.T, b bundle) {
			req, _ := begin(t, b, b.grace)
			res := submit(t, b, req, authenticatoremail.Response{Email: new("mallory@example.com")})
			require.Equal(t, "email", res.Errors()[0].Field)
			require.Len(t, b.env.Mailer.Mails(), 1)
		},
		"a wrong, replaced or ambiguous answer saves nothing": func(t *testing.T, b bundle) {
			req, _ := begin(t, b, b.grace)
			first := lastCode(t, b)
			require.Equal(t, "retry", submit(t, b, req, authenticatoremail.Response{Resend: new(true)}).Kind())
			second := lastCode(t, b)
			require.Len(t, b.env.Mailer.Mails(), 2)
			if first != second {
				res := submit(t, b, req, authenticatoremail.Response{Code: new(first)})
				require.Equal(t, "invalid", res.Errors()[0].Code, "a resent code replaces the first")
			}
			res := submit(t, b, req, authenticatoremail.Response{Code: new("")})
			require.Equal(t, "required", res.Errors()[0].Code)
			res = submit(t, b, req, authenticatoremail.Response{Code: new(second), Resend: new(true)})
			require.Equal(t, "invalid", res.Errors()[0].Code, "two answers at once")
			require.False(t, b.env.Client.EmailDevice.Query().OnlyX(b.env.Ctx).Confirmed)
			require.Equal(t, "next", submit(t, b, req, authenticatoremail.Response{Code: new(second)}).Kind())
		},
		"an expired code is refused": func(t *testing.T, b bundle) {
			req, _ := begin(t, b, b.grace)
			b.env.Clock.Advance(10 * time.Minute)
			res := submit(t, b, req, authenticatoremail.Response{Code: new(lastCode(t, b))})
			require.Equal(t, "invalid", res.Errors()[0].Code)
		},
		"failures end the flow": func(t *testing.T, b bundle) {
			req, _ := begin(t, b, b.grace)
			for range authenticatoremail.MaxFailures - 1 {
				require.Equal(t, "retry", submit(t, b, req, authenticatoremail.Response{Code: new("000000x")}).Kind())
			}
			require.Equal(t, "deny", submit(t, b, req, authenticatoremail.Response{Code: new("1")}).Kind())
		},
		"mails are limited per user": func(t *testing.T, b bundle) {
			req, _ := begin(t, b, b.grace)
			for range emailotp.PerUserMails - 1 {
				require.Empty(t, submit(t, b, req, authenticatoremail.Response{Resend: new(true)}).Errors())
			}
			res := submit(t, b, req, authenticatoremail.Response{Resend: new(true)})
			require.Equal(t, "rate_limited", res.Errors()[0].Code)
			require.Len(t, b.env.Mailer.Mails(), emailotp.PerUserMails)
			other := b.env.Request(authenticatoremail.Kind)
			b.env.SignIn(t, other, b.grace)
			res, skip, err := b.env.Skipper(t, authenticatoremail.Kind, cfg).Skip(b.env.Ctx, other)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind(), "another setup is limited too")
			require.Len(t, b.env.Mailer.Mails(), emailotp.PerUserMails)
		},
		"without mail or a signed-in user the stage denies": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatoremail.Kind)
			res, skip, err := b.env.Skipper(t, authenticatoremail.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())

			b.env.Mailer.NotReady = stagetest.ErrNotReady
			b.env.RecordAudit()
			req = b.env.Request(authenticatoremail.Kind)
			b.env.SignIn(t, req, b.grace)
			res, skip, err = b.env.Skipper(t, authenticatoremail.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
			require.Empty(t, b.env.Mailer.Mails())
			require.Equal(t, 1, b.env.Client.Event.Query().CountX(b.env.Ctx), "a configuration error is recorded")
		},
	})
}

func challenge(t *testing.T, env *stagetest.Env, req *executor.Request) *authenticatoremail.Challenge {
	t.Helper()
	ch, err := env.Interactive(t, authenticatoremail.Kind, cfg).Challenge(env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*authenticatoremail.Challenge)
	require.True(t, ok)
	return c
}
