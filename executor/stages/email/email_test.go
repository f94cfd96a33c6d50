package email_test

import (
	"encoding/json"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/email"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "email", email.Kind, &email.Stage{}, email.Response{}, email.ContinueResponse{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	def := &email.Config{Template: email.TemplateVerification, TokenExpiry: 1800, SingleUse: true, ResendLimit: 3}
	stagetest.RunValidation(t, email.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: def},
		{
			Name: "recovery", Config: `{"template": "recovery", "token_expiry": 600, "single_use": false, "resend_limit": 0}`,
			Want: &email.Config{Template: email.TemplateRecovery, TokenExpiry: 600, ResendLimit: 0},
		},
		{
			Name: "activation", Config: `{"activate_user_on_success": true}`,
			Want: &email.Config{Template: email.TemplateVerification, TokenExpiry: 1800, SingleUse: true, ResendLimit: 3, ActivateUserOnSuccess: true},
		},
		{Name: "unknown template", Config: `{"template": "otp"}`, Field: "template"},
		{Name: "expiry too short", Config: `{"token_expiry": 59}`, Field: "token_expiry"},
		{Name: "expiry too long", Config: `{"token_expiry": 604801}`, Field: "token_expiry"},
		{Name: "negative resends", Config: `{"resend_limit": -1}`, Field: "resend_limit"},
		{Name: "too many resends", Config: `{"resend_limit": 21}`, Field: "resend_limit"},
		{Name: "unknown field", Config: `{"expiry": 60}`, Field: "expiry"},
	})
}

type bundle struct {
	env   *stagetest.Env
	flow  *ent.Flow
	other *ent.Flow
	alice *ent.User
	bob   *ent.User
}

const (
	recovery     = `{"template": "recovery"}`
	verification = `{"template": "verification", "activate_user_on_success": true}`
)

func setup(t *testing.T, d string) bundle {
	t.Helper()
	env := stagetest.New(t, d, email.Definition())
	mk := func(slug string) *ent.Flow {
		return env.Client.Flow.Create().SetSlug(slug).SetName(slug).SetTitle(slug).SetDesignation(enum.FlowDesignationRecovery).SaveX(env.Ctx)
	}
	return bundle{
		env: env, flow: mk("recover"), other: mk("other"),
		alice: env.User(t, "alice", "alice@example.com", ""), bob: env.User(t, "bob", "bob@example.com", ""),
	}
}

// begin reaches the stage of config cfg in an execution "origin" of b's
// flow about pending (nil: a user the flow pretends exists) identified by
// typed, with a stage after it; it returns the request.
func begin(t *testing.T, b bundle, cfg string, pending *ent.User, typed string) *executor.Request {
	t.Helper()
	req := b.env.RequestAbout(t, email.Kind, pending)
	req.Execution.ID, req.Execution.FlowID, req.Flow.Slug = "origin", b.flow.ID, b.flow.Slug
	req.Execution.Plan.Append(executor.PlanEntry{Kind: "user_login", Name: "login"})
	require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, typed))
	_, skip, err := b.env.Skipper(t, email.Kind, cfg).Skip(b.env.Ctx, req)
	require.NoError(t, err)
	require.False(t, skip)
	return req
}

// secret returns the flow_token of mail's link, checking the link.
func secret(t *testing.T, m stagetest.Mail) string {
	t.Helper()
	u, err := url.Parse(m.Data["link"])
	require.NoError(t, err)
	require.Equal(t, stagetest.PublicURL+"/if/flow/recover/", u.Scheme+"://"+u.Host+u.Path)
	s := u.Query().Get(executor.ResumeParam)
	require.NotEmpty(t, s)
	return s
}

// opened is the request of an execution of flow started from a link with
// secret, on another device.
func opened(t *testing.T, b bundle, flow *ent.Flow, secret string) *executor.Request {
	t.Helper()
	req := b.env.Request(email.Kind)
	req.Execution.ID, req.Execution.FlowID = "device-b", flow.ID
	require.NoError(t, req.Execution.Context.Set(executor.KeyResumeToken, executor.TokenHash(secret)))
	return req
}

func confirm(t *testing.T, b bundle, req *executor.Request) executor.Result {
	t.Helper()
	return b.env.Submit(t, b.env.Interactive(t, email.Kind, `{}`), req, &email.ContinueResponse{Confirm: true})
}

func TestGolden(t *testing.T) {
	t.Parallel()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		b := setup(t, d)
		req := begin(t, b, recovery, b.alice, "alice")
		b.env.Golden(t, b.env.Interactive(t, email.Kind, recovery), req, "challenge")
		b.env.Golden(t, b.env.Interactive(t, email.Kind, `{}`), opened(t, b, b.flow, "x"), "continue")
	})
}

func TestSend(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"reaching the stage stores a hashed token and queues one mail": func(t *testing.T, b bundle) {
			req := begin(t, b, recovery, b.alice, "alice")
			mails := b.env.Mailer.Mails()
			require.Len(t, mails, 1)
			m := mails[0]
			s := secret(t, m)
			hash := executor.TokenHash(s)
			require.Equal(t, jobargs.SendMail{
				Key: "flow_token:" + hash, To: "alice@example.com", Template: "recovery", Brand: "Gatehouse",
				Validity: jobargs.Validity{Kind: jobargs.ValidityFlowToken, Ref: hash},
			}, m.Args)
			require.Equal(t, "alice", m.Data["username"])
			tok := b.env.Client.FlowToken.Query().OnlyX(b.env.Ctx)
			require.Equal(t, hash, tok.KeyHash)
			require.Equal(t, enum.TokenIntentRecovery, tok.Intent)
			require.Equal(t, b.flow.ID, tok.FlowID)
			require.Equal(t, b.alice.ID, *tok.UserID)
			require.True(t, tok.RevokeOnExecution)
			require.Equal(t, b.env.Clock.Now().Add(30*time.Minute).Unix(), tok.Expires.Unix())
			require.NotContains(t, string(tok.Execution), s, "the secret is not stored")
			var saved executor.Execution
			require.NoError(t, json.Unmarshal(tok.Execution, &saved))
			require.Equal(t, executor.DocumentFormat, saved.Format, "the executor's versioned document")

			ch, err := b.env.Interactive(t, email.Kind, recovery).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			require.Equal(t, &email.Challenge{}, ch, "identified by username: no address is shown")
			_, _, err = b.env.Skipper(t, email.Kind, recovery).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.Len(t, b.env.Mailer.Mails(), 1, "rendering or reaching the stage again sends nothing")
			require.Equal(t, 1, b.env.Client.FlowToken.Query().CountX(b.env.Ctx))
		},
		"a user the flow pretends exists sees the same challenge and gets nothing": func(t *testing.T, b bundle) {
			known := begin(t, b, recovery, b.alice, "alice@example.com")
			unknown := begin(t, b, recovery, nil, "alina@example.com")
			s := b.env.Interactive(t, email.Kind, recovery)
			kc, err := s.Challenge(b.env.Ctx, known)
			require.NoError(t, err)
			uc, err := s.Challenge(b.env.Ctx, unknown)
			require.NoError(t, err)
			require.Equal(t, kc, uc, "a***@example.com either way")
			require.Len(t, b.env.Mailer.Mails(), 1)
			require.Equal(t, 1, b.env.Client.FlowToken.Query().CountX(b.env.Ctx))
			require.Equal(t, executor.ResultRetry, b.env.Submit(t, s, unknown, &email.Response{Resend: true}).Kind())
			require.Len(t, b.env.Mailer.Mails(), 1, "a resend for nobody sends nothing")
		},
		"the address shown depends on what was typed only": func(t *testing.T, b bundle) {
			s := b.env.Interactive(t, email.Kind, recovery)
			for _, c := range []struct {
				pending *ent.User
				typed   string
				want    string
			}{
				{b.alice, "alice", ""},
				{nil, "alina", ""},
				{b.alice, "ALICE@example.com", "A***@example.com"},
				{nil, "alina@example.org", "a***@example.org"},
				{b.bob, "", "b***@example.com"},
			} {
				ch, err := s.Challenge(b.env.Ctx, begin(t, b, recovery, c.pending, c.typed))
				require.NoError(t, err)
				require.Equal(t, c.want, ch.(*email.Challenge).To, "typed %q", c.typed) //nolint:forcetypeassert // the stage's challenge
			}
		},
		"an inactive user gets no recovery link": func(t *testing.T, b bundle) {
			b.env.Client.User.UpdateOne(b.alice).SetIsActive(false).ExecX(b.env.Ctx)
			begin(t, b, recovery, b.alice, "alice")
			require.Empty(t, b.env.Mailer.Mails())
			require.Zero(t, b.env.Client.FlowToken.Query().CountX(b.env.Ctx))
		},
		"without mail the stage denies and records a configuration error": func(t *testing.T, b bundle) {
			b.env.Mailer.NotReady = stagetest.ErrNotReady
			req := b.env.RequestAbout(t, email.Kind, b.alice)
			req.Execution.FlowID = b.flow.ID
			res, skip, err := b.env.Skipper(t, email.Kind, recovery).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, executor.ResultDeny, res.Kind())
			ev := b.env.Auditor.Events()
			require.Len(t, ev, 1)
			require.Equal(t, enum.EventActionConfigurationError, ev[0].Action)
			require.Zero(t, b.env.Client.FlowToken.Query().CountX(b.env.Ctx))
		},
		"resend revokes the last link and is limited": func(t *testing.T, b bundle) {
			req := begin(t, b, `{"template": "recovery", "resend_limit": 2}`, b.alice, "alice")
			s := b.env.Interactive(t, email.Kind, `{"template": "recovery", "resend_limit": 2}`)
			first := secret(t, b.env.Mailer.Mails()[0])
			res := b.env.Submit(t, s, req, &email.Response{Resend: true})
			require.Equal(t, executor.ResultRetry, res.Kind())
			require.Empty(t, res.Errors())
			mails := b.env.Mailer.Mails()
			require.Len(t, mails, 2)
			second := secret(t, mails[1])
			require.NotEqual(t, first, second)
			tok := b.env.Client.FlowToken.Query().OnlyX(b.env.Ctx)
			require.Equal(t, executor.TokenHash(second), tok.KeyHash, "the first link is revoked")
			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.flow, first)).Kind())

			require.Empty(t, b.env.Submit(t, s, req, &email.Response{Resend: true}).Errors())
			res = b.env.Submit(t, s, req, &email.Response{Resend: true})
			require.Equal(t, "rate_limited", res.Errors()[0].Code)
			require.Len(t, b.env.Mailer.Mails(), 3)
		},
		"mails are limited per user across executions": func(t *testing.T, b bundle) {
			for range email.PerUser {
				begin(t, b, recovery, b.alice, "alice")
			}
			req := b.env.RequestAbout(t, email.Kind, b.alice)
			req.Execution.FlowID = b.flow.ID
			res, skip, err := b.env.Skipper(t, email.Kind, recovery).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Len(t, b.env.Mailer.Mails(), email.PerUser)
		},
		"answering without the link waits": func(t *testing.T, b bundle) {
			req := begin(t, b, recovery, b.alice, "alice")
			res := b.env.Submit(t, b.env.Interactive(t, email.Kind, recovery), req, &email.Response{})
			require.Equal(t, "pending", res.Errors()[0].Code)
		},
	})
}

func TestResume(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"the link's page consumes nothing until confirmed, then resumes after the stage": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			req := opened(t, b, b.flow, s)
			_, skip, err := b.env.Skipper(t, email.Kind, `{}`).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			ch, err := b.env.Interactive(t, email.Kind, `{}`).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			require.Equal(t, &email.ContinueChallenge{}, ch)
			require.Equal(t, 1, b.env.Client.FlowToken.Query().CountX(b.env.Ctx))
			res := b.env.Submit(t, b.env.Interactive(t, email.Kind, `{}`), req, &email.ContinueResponse{})
			require.Equal(t, "required", res.Errors()[0].Code)

			require.Equal(t, executor.ResultNext, confirm(t, b, req).Kind())
			require.Zero(t, b.env.Client.FlowToken.Query().CountX(b.env.Ctx), "single use")
			require.Len(t, req.Execution.Plan.Entries, 2)
			require.Equal(t, "email", req.Execution.Plan.Entries[0].Kind, "the executor pops the saved stage")
			require.Equal(t, "user_login", req.Execution.Plan.Entries[1].Kind)
			id, ok := req.Execution.Context.PendingUserID()
			require.True(t, ok)
			require.Equal(t, b.alice.ID, id)
			require.Empty(t, req.Execution.Context.String(executor.KeyResumeToken))
			require.Equal(t, "device-b", req.Execution.ID)
			require.Equal(t, []executor.OriginNote{{ExecutionID: "origin", End: req.OriginNotes()[0].End}}, req.OriginNotes(),
				"a recovery ends the first device's execution")

			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.flow, s)).Kind(), "used up")
		},
		"a verification activates the user and lets the first device go on": func(t *testing.T, b bundle) {
			b.env.Client.User.UpdateOne(b.alice).SetIsActive(false).ExecX(b.env.Ctx)
			origin := begin(t, b, verification, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			req := opened(t, b, b.flow, s)
			require.Equal(t, executor.ResultNext, confirm(t, b, req).Kind())
			require.True(t, b.env.Client.User.GetX(b.env.Ctx, b.alice.ID).IsActive)
			notes := req.OriginNotes()
			require.Len(t, notes, 1)
			require.Empty(t, notes[0].End)

			stage := b.env.Interactive(t, email.Kind, verification)
			require.NoError(t, origin.Execution.Context.Set(notes[0].Key, notes[0].Value)) // as the executor does
			ch, err := stage.Challenge(b.env.Ctx, origin)
			require.NoError(t, err)
			require.True(t, ch.(*email.Challenge).Verified) //nolint:forcetypeassert // the stage's challenge
			require.Equal(t, executor.ResultNext, b.env.Submit(t, stage, origin, &email.Response{}).Kind())
		},
		"a link from another flow is refused": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.other, s)).Kind())
			require.Equal(t, 1, b.env.Client.FlowToken.Query().CountX(b.env.Ctx), "nothing changed")
			require.Equal(t, executor.ResultNext, confirm(t, b, opened(t, b, b.flow, s)).Kind())
		},
		"an expired link is refused at use": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			b.env.Clock.Advance(30 * time.Minute)
			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.flow, s)).Kind())
			require.Equal(t, 1, b.env.Client.FlowToken.Query().CountX(b.env.Ctx), "expired tokens are left to the clean-up job")
		},
		"a deactivated user's link is refused": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			b.env.Client.User.UpdateOne(b.alice).SetIsActive(false).ExecX(b.env.Ctx)
			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.flow, s)).Kind())
		},
		"a token whose saved execution names another user is refused": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			tok := b.env.Client.FlowToken.Query().OnlyX(b.env.Ctx)
			b.env.Client.FlowToken.DeleteOne(tok).ExecX(b.env.Ctx)
			b.env.Client.FlowToken.Create().SetKeyHash(tok.KeyHash).SetIntent(tok.Intent).SetFlowID(tok.FlowID).
				SetUserID(b.bob.ID).SetExecution(tok.Execution).SetExpires(tok.Expires).ExecX(b.env.Ctx)
			require.Equal(t, executor.ResultDeny, confirm(t, b, opened(t, b, b.flow, s)).Kind())
		},
		"a reusable link works until it expires": func(t *testing.T, b bundle) {
			begin(t, b, `{"template": "recovery", "single_use": false}`, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			require.Equal(t, executor.ResultNext, confirm(t, b, opened(t, b, b.flow, s)).Kind())
			require.Equal(t, executor.ResultNext, confirm(t, b, opened(t, b, b.flow, s)).Kind())
			require.True(t, b.env.Client.FlowToken.Query().Where(flowtoken.KeyHash(executor.TokenHash(s))).ExistX(b.env.Ctx))
		},
		"of 20 concurrent confirmations exactly one resumes": func(t *testing.T, b bundle) {
			begin(t, b, recovery, b.alice, "alice")
			s := secret(t, b.env.Mailer.Mails()[0])
			stage := b.env.Interactive(t, email.Kind, `{}`)
			reqs := make([]*executor.Request, 20)
			for i := range reqs {
				reqs[i] = opened(t, b, b.flow, s)
			}
			results := make([]string, len(reqs))
			errs := make([]error, len(reqs))
			var wg sync.WaitGroup
			for i, req := range reqs {
				wg.Go(func() {
					res, err := stage.Submit(b.env.Ctx, req, &email.ContinueResponse{Confirm: true})
					results[i], errs[i] = res.Kind(), err
				})
			}
			wg.Wait()
			next := 0
			for i := range results {
				if errs[i] == nil && results[i] == executor.ResultNext {
					next++
				}
			}
			require.Equal(t, 1, next, "results %v errors %v", results, errs)
		},
	})
}

func TestSecretNotInExecution(t *testing.T) {
	t.Parallel()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		b := setup(t, d)
		req := begin(t, b, recovery, b.alice, "alice")
		doc, err := req.Snapshot()
		require.NoError(t, err)
		require.NotContains(t, string(doc), secret(t, b.env.Mailer.Mails()[0]))
	})
}
