package main

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	entbrand "github.com/gatehouse-id/gatehouse/ent/brand"
	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// An administrator sends a user a recovery link (sendRecoveryLink): it
// resumes the brand's recovery flow after its email stage, for that user
// only, and still asks for the second factor before the new password.

const sendRecoveryLink = `mutation($id: ID!) { sendRecoveryLink(userID: $id) { sentTo expiresAt } }`

type sentLink struct {
	SendRecoveryLink struct {
		SentTo    string
		ExpiresAt time.Time
	}
}

func userID(t *testing.T, s *testServer, username string) string {
	t.Helper()
	return strconv.Itoa(s.app.db.Ent.User.Query().Where(user.Username(username)).OnlyIDX(viewer.SystemContext(t.Context())))
}

func TestAdminSendsRecoveryLink(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		peer := withMail(t, env)
		s := recoveryServer(t, env)
		s.startWorker()
		grace := s.browser()
		require.True(t, grace.login("grace", graceOld).Completed)
		key := mfaSetUpTOTP(t, grace)

		admin := s.headless()
		require.True(t, admin.login("admin", adminPassword).Completed)
		var out sentLink
		before := time.Now()
		admin.must(sendRecoveryLink, map[string]any{"id": userID(t, s, "grace")}, &out)
		require.Equal(t, "g***@example.com", out.SendRecoveryLink.SentTo)
		require.WithinDuration(t, before.Add(30*time.Minute), out.SendRecoveryLink.ExpiresAt, time.Minute, "the email stage's expiry")

		got := peer.Next(t, time.Minute)
		require.Equal(t, []string{"grace@example.com"}, got.To)
		require.Equal(t, "Recover your Gatehouse account", got.Subject)
		link := regexp.MustCompile(`https?://\S+flow_token=\S+`).FindString(got.Text)
		require.NotEmpty(t, link, "the text part has the link: %s", got.Text)
		require.Contains(t, link, s.url+"/if/flow/default-recovery-flow/?flow_token=")

		// Another client opens it: no identification, no email stage; the
		// second factor first, then the new password.
		phone := s.headless()
		v := phone.followLink(link)
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "recovery never bypasses the second factor: %+v", v.Challenge)
		require.Equal(t, "grace", deref(v.Challenge.PendingUser), "for grace only")
		requireInvalidCode(t, mfaAnswer(phone, v.ID, "000000"))
		v = mfaAnswer(phone, v.ID, codeAt(t, key, time.Now().Add(30*time.Second)))
		v = phone.newPassword(v, graceNew)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer())
		require.False(t, s.headless().login("grace", graceOld).Completed, "the old password is refused")
		require.Equal(t, "AuthenticatorValidateChallenge", s.headless().login("grace", graceNew).Challenge.Typename, "the new one, with the second factor")

		again := s.headless().followLink(link)
		require.Equal(t, "AccessDeniedChallenge", again.Challenge.Typename, "the link works once")

		sys := viewer.SystemContext(t.Context())
		sent := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionRecoveryLinkSent)).OnlyX(sys)
		require.Equal(t, "admin", sent.Username, "the event names the admin")
		require.Equal(t, "grace", sent.Context["subject_username"])
		require.NotNil(t, sent.SubjectID)
		require.Equal(t, userID(t, s, "grace"), strconv.Itoa(*sent.SubjectID), "the event is about grace")
		require.Equal(t, "g***@example.com", sent.Context["to"])
		require.Eventually(t, func() bool {
			return s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionEmailSent)).CountX(sys) == 1
		}, 30*time.Second, 20*time.Millisecond, "EMAIL_SENT recorded once")
		peer.RequireNone(t)
		require.Len(t, peer.Messages(), 1, "exactly one mail")
	})
}

// sendRecoveryLink is refused, sending nothing and storing no link, for
// anyone but a superuser and for users and brands it cannot serve.
func TestAdminRecoveryLinkRefusals(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		sys := viewer.SystemContext(t.Context())
		admin := s.headless()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation { createUser(input: {username: "nomail"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)
		admin.must(`mutation { createUser(input: {username: "gone", email: "gone@example.com", isActive: false}, password: "Analytical-Engine-1843") { id } }`, nil, nil)
		grace := userID(t, s, "grace")

		refused := func(id, code, reason string) {
			t.Helper()
			res := admin.do(sendRecoveryLink, map[string]any{"id": id})
			require.Equal(t, code, res.code(), "%+v", res.Errors)
			if reason != "" {
				require.Equal(t, reason, res.Errors[0].Extensions["reason"], "%+v", res.Errors)
			}
		}
		ada := s.headless()
		require.True(t, ada.login("ada", "Analytical-Engine-1843").Completed)
		require.Equal(t, "FORBIDDEN", ada.do(sendRecoveryLink, map[string]any{"id": grace}).code())
		require.Equal(t, "UNAUTHENTICATED", s.headless().do(sendRecoveryLink, map[string]any{"id": grace}).code())
		refused("999999", "NOT_FOUND", "")
		refused(userID(t, s, "nomail"), "FAILED_PRECONDITION", "no_email")
		refused(userID(t, s, "gone"), "FAILED_PRECONDITION", "inactive")

		// A recovery flow without an email stage, then none at all.
		bare := s.app.db.Ent.Flow.Create().SetSlug("bare-recovery").SetName("bare").SetTitle("bare").
			SetDesignation(enum.FlowDesignationRecovery).SaveX(sys)
		ident := s.app.db.Ent.Stage.Query().Where(stage.Name("default-recovery-identification")).OnlyX(sys)
		s.app.db.Ent.FlowStageBinding.Create().SetFlow(bare).SetStage(ident).SetOrder(10).ExecX(sys)
		def := s.app.db.Ent.Brand.Query().Where(entbrand.IsDefault(true)).OnlyX(sys)
		s.app.db.Ent.Brand.UpdateOne(def).SetFlowRecovery(bare).ExecX(sys)
		refused(grace, "FAILED_PRECONDITION", "no_email_stage")
		s.app.db.Ent.Brand.UpdateOne(def).ClearFlowRecovery().ExecX(sys)
		refused(grace, "FAILED_PRECONDITION", "no_recovery_flow")

		require.Empty(t, s.mail.Mails(), "nothing was sent")
		require.Zero(t, s.app.db.Ent.FlowToken.Query().CountX(sys), "no link was stored")
		require.Zero(t, s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionRecoveryLinkSent)).CountX(sys))
		require.True(t, s.app.db.Ent.Flow.Query().Where(flow.Slug("default-recovery-flow")).ExistX(sys))

		// Restored, it sends to grace.
		s.app.db.Ent.Brand.UpdateOne(def).SetFlowRecovery(s.app.db.Ent.Flow.Query().Where(flow.Slug("default-recovery-flow")).OnlyX(sys)).ExecX(sys)
		var out sentLink
		admin.must(sendRecoveryLink, map[string]any{"id": grace}, &out)
		require.Len(t, s.mail.Mails(), 1)
	})
}
