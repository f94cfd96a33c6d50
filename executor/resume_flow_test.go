package executor_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/email"
)

// A mailed link resumes a saved execution in another session: starting
// the flow with the link stores neither the secret nor a plan of its own,
// confirming goes on after the email stage there, and the execution that
// sent the link is told (a verification: it may go on too).
func TestResumeFromALink(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "verify")
		b.bind(t, f, b.stage(t, email.Kind, "verify-email", `{"template": "verification"}`), 10)
		b.dummy(t, f, "after", 20)
		u := b.user(t, "grace", "")
		laptop := b.login(t, u)
		origin := b.start(t, "verify", laptop, "next=%2Fapp")
		require.IsType(t, &email.Challenge{}, origin.Challenge)

		mails := b.env.Mailer.Mails()
		require.Len(t, mails, 1)
		link, err := url.Parse(mails[0].Data["link"])
		require.NoError(t, err)
		secret := link.Query().Get(executor.ResumeParam)

		phone := b.anonymous(t)
		page := b.start(t, "verify", phone, link.RawQuery+"&next=%2Fapp")
		require.IsType(t, &email.ContinueChallenge{}, page.Challenge)
		rec := b.record(t, page.ID)
		require.NotContains(t, string(rec.Document), secret)
		require.Equal(t, "next=%2Fapp", b.execution(t, page.ID).Query, "the query is kept without the link's secret")

		done := b.submit(t, page.ID, phone, &email.ContinueResponse{Confirm: true})
		require.Equal(t, "after", dummyName(t, done), "the flow goes on after the email stage")

		told := b.get(t, origin.ID, laptop)
		ch, ok := told.Challenge.(*email.Challenge)
		require.True(t, ok)
		require.True(t, ch.Verified)
		require.Equal(t, "after", dummyName(t, b.submit(t, origin.ID, laptop, &email.Response{})))
	})
}
