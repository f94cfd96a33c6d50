package main

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/jobs/joblist"
)

// The System tasks page lists the worker's jobs: a mail the SMTP server
// keeps refusing shows as retrying with its error (never its link);
// "Cancel" stops it, and a cancelled task can be run again.
func TestBrowserAdminSystemTasks(t *testing.T) {
	t.Parallel()
	browsertest.Get(t)
	env := newServerEnv(t, "embedded")
	peer := withMail(t, env)
	peer.FailNext(1000)
	srv := newTestServer(t, env)
	queue, err := srv.app.jobQueue()
	require.NoError(t, err)
	ctx := viewer.SystemContext(t.Context())
	tx, err := srv.app.db.Ent.Tx(ctx)
	require.NoError(t, err)
	require.NoError(t, queue.EnqueueTx(ctx, tx, jobargs.SendMail{Key: "browser-test", To: "bob@example.com", Template: jobargs.TemplateInvitation, Brand: "Gatehouse"},
		map[string]string{"link": "https://login.example.com/invite"}))
	require.NoError(t, tx.Commit())
	runner := srv.startWorker()

	// The first delivery is refused: the job waits for its retry.
	var mailJob *rivertype.JobRow
	require.Eventually(t, func() bool {
		page, err := queue.ListJobs(ctx, joblist.Filter{Kinds: []string{jobargs.KindSendMail}, States: []rivertype.JobState{rivertype.JobStateRetryable}, First: 1})
		if err != nil || len(page.Jobs) == 0 {
			return false
		}
		mailJob = page.Jobs[0]
		return true
	}, 60*time.Second, 50*time.Millisecond, "the refused mail is retryable")
	// Nothing changes underneath the page from here on.
	require.NoError(t, runner.Stop(t.Context()))

	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/flows")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "System tasks", Exact: new(true)}))
	u.at(`/if/admin/#/system-tasks$`)
	row := u.Locator(`[data-testid="job-row"][data-job-id="` + strconv.FormatInt(mailJob.ID, 10) + `"]`)
	require.NoError(t, u.expect.Locator(row).ToContainText("Send mail"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("job-state")).ToHaveText("Retrying"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("job-error")).ToContainText(regexp.MustCompile(`^Attempt \d`)))
	u.click(row.GetByTestId("job-error").Locator("summary"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("job-error")).ToContainText("451"))
	require.NoError(t, u.expect.Locator(row).Not().ToContainText("https://login.example.com/invite"), "a mail's link is never shown")
	u.Screenshot("system-tasks")

	// The clean-up jobs ran too: the filter shows them as completed.
	_, err = u.field("Show").SelectOption(playwright.SelectOptionValues{Values: &[]string{"failing"}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(u.GetByTestId("job-row")).ToHaveCount(1))

	u.click(row.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Cancel task " + strconv.FormatInt(mailJob.ID, 10)}))
	require.NoError(t, u.expect.Locator(row.GetByTestId("job-state")).ToHaveText("Cancelled"))
	got, err := queue.ListJobs(ctx, joblist.Filter{Kinds: []string{jobargs.KindSendMail}, First: 5})
	require.NoError(t, err)
	require.Len(t, got.Jobs, 1)
	require.Equal(t, rivertype.JobStateCancelled, got.Jobs[0].State)

	u.click(row.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Run task " + strconv.FormatInt(mailJob.ID, 10) + " again"}))
	require.NoError(t, u.expect.Locator(row.GetByTestId("job-state")).Not().ToHaveText("Cancelled"))
	require.Empty(t, peer.Messages(), "every delivery was refused")
}
