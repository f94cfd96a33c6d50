package authenticatorvalidate_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/seal"
)

// mailed gives u a confirmed email device for address.
func mailed(t *testing.T, b bundle, u *ent.User, address string) {
	t.Helper()
	key, err := seal.NewKeys(stagetest.SecretKey).Derive(emailotp.Purpose)
	require.NoError(t, err)
	codes := emailotp.New(b.env.Client, key, b.env.Clock.Now)
	tx, err := b.env.Client.Tx(b.env.Ctx)
	require.NoError(t, err)
	code, err := codes.Begin(b.env.Ctx, tx, u.ID, "Email", address, emailotp.DefaultValidity)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	_, err = codes.Confirm(b.env.Ctx, u.ID, code.Device.ID, code.Digits)
	require.NoError(t, err)
}

func sendEmail(t *testing.T, b bundle, req *executor.Request, config string) executor.Result {
	t.Helper()
	yes := true
	return b.env.Submit(t, b.env.Interactive(t, authenticatorvalidate.Kind, config), req, &authenticatorvalidate.Response{SendEmail: &yes})
}

// lastCode is the code of the last mail, which went to to.
func lastCode(t *testing.T, b bundle, to string) string {
	t.Helper()
	mails := b.env.Mailer.Mails()
	require.NotEmpty(t, mails)
	m := mails[len(mails)-1]
	require.Equal(t, to, m.Args.To)
	require.Equal(t, jobargs.TemplateEmailOTP, m.Args.Template)
	return m.Data["code"]
}

func TestCodesByMail(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"a user with codes by mail only gets one at once, and it passes once": func(t *testing.T, b bundle) {
			mailed(t, b, b.bare, "ada@example.com")
			req, _, skip := begin(t, b, b.bare, cfg)
			require.False(t, skip)
			c := validate(t, b, req, cfg)
			require.Equal(t, []authenticatorvalidate.DeviceClass{"email"}, c.DeviceClasses)
			require.Equal(t, "a***@example.com", *c.EmailSentTo)
			code := lastCode(t, b, "ada@example.com")
			_, _, err := b.env.Skipper(t, authenticatorvalidate.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.Len(t, b.env.Mailer.Mails(), 1, "showing the stage again sends nothing")
			res := submit(t, b, req, "")
			require.Equal(t, "required", res.Errors()[0].Code)
			require.Equal(t, "next", submit(t, b, req, code).Kind())
			require.Equal(t, "email", mfaMethod(req))

			again, _, _ := begin(t, b, b.bare, cfg)
			require.Len(t, b.env.Mailer.Mails(), 2, "a new login mails a new code")
			require.Equal(t, "invalid", submit(t, b, again, code).Errors()[0].Code, "a used code is refused")
		},
		"a user with other factors asks for a code by mail": func(t *testing.T, b bundle) {
			mailed(t, b, b.grace, "grace@example.com")
			req, _, _ := begin(t, b, b.grace, cfg)
			c := validate(t, b, req, cfg)
			require.ElementsMatch(t, []authenticatorvalidate.DeviceClass{"totp", "static", "email"}, c.DeviceClasses)
			require.Nil(t, c.EmailSentTo)
			require.Empty(t, b.env.Mailer.Mails(), "nothing is sent unasked")

			code := "000000"
			res := b.env.Submit(t, b.env.Interactive(t, authenticatorvalidate.Kind, cfg), req,
				&authenticatorvalidate.Response{Code: &code, SendEmail: new(bool)})
			require.Equal(t, "retry", res.Kind(), "sendEmail false is no request")
			yes := true
			res = b.env.Submit(t, b.env.Interactive(t, authenticatorvalidate.Kind, cfg), req,
				&authenticatorvalidate.Response{Code: &code, SendEmail: &yes})
			require.Equal(t, "invalid", res.Errors()[0].Code, "a code and a request at once")
			require.Empty(t, b.env.Mailer.Mails())

			res = sendEmail(t, b, req, cfg)
			require.Equal(t, "retry", res.Kind())
			require.Empty(t, res.Errors())
			require.Equal(t, "g***@example.com", *validate(t, b, req, cfg).EmailSentTo)
			first := lastCode(t, b, "grace@example.com")
			require.Empty(t, sendEmail(t, b, req, cfg).Errors())
			second := lastCode(t, b, "grace@example.com")
			if first != second {
				require.Equal(t, "invalid", submit(t, b, req, first).Errors()[0].Code, "a new code replaces the last")
			}
			require.Equal(t, "next", submit(t, b, req, second).Kind())
			require.Equal(t, "email", mfaMethod(req))
		},
		"a code by mail is refused without such a device, for another user, and past the limit": func(t *testing.T, b bundle) {
			req, _, _ := begin(t, b, b.grace, cfg)
			res := sendEmail(t, b, req, cfg)
			require.Equal(t, executor.FieldError{Field: "sendEmail", Message: res.Errors()[0].Message, Code: "invalid"}, res.Errors()[0])
			require.Empty(t, b.env.Mailer.Mails())

			mailed(t, b, b.bare, "ada@example.com")
			adas, _, _ := begin(t, b, b.bare, cfg)
			code := lastCode(t, b, "ada@example.com")
			require.Equal(t, "invalid", submit(t, b, req, code).Errors()[0].Code, "ada's code does not pass for grace")

			for range emailotp.PerUserMails - 1 {
				require.Empty(t, sendEmail(t, b, adas, cfg).Errors())
			}
			res = sendEmail(t, b, adas, cfg)
			require.Equal(t, "rate_limited", res.Errors()[0].Code)
			require.Len(t, b.env.Mailer.Mails(), emailotp.PerUserMails)

			onlyTOTP := `{"device_classes": ["totp", "static"]}`
			mailed(t, b, b.grace, "grace@example.com")
			req, _, _ = begin(t, b, b.grace, onlyTOTP)
			require.Equal(t, "invalid", sendEmail(t, b, req, onlyTOTP).Errors()[0].Code, "a stage without EMAIL sends none")
		},
		"mail that cannot be sent is said so": func(t *testing.T, b bundle) {
			mailed(t, b, b.grace, "grace@example.com")
			b.env.Mailer.NotReady = stagetest.ErrNotReady
			req, _, _ := begin(t, b, b.grace, cfg)
			require.Equal(t, "unavailable", sendEmail(t, b, req, cfg).Errors()[0].Code)
			require.Empty(t, b.env.Mailer.Mails())
		},
		"a user the flow pretends exists is not offered codes by mail": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatorvalidate.Kind)
			require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, "nobody"))
			_, skip, err := b.env.Skipper(t, authenticatorvalidate.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.NotContains(t, validate(t, b, req, cfg).DeviceClasses, authenticatorvalidate.ClassEmail)
			require.Equal(t, "invalid", sendEmail(t, b, req, cfg).Errors()[0].Code)
			require.Empty(t, b.env.Mailer.Mails())
		},
	})
}
