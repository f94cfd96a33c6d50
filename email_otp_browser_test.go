package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// lastMailedCode is the code of the last mail the server queued, to to.
func lastMailedCode(t *testing.T, s *testServer, to string) string {
	t.Helper()
	mails := s.mail.Mails()
	require.NotEmpty(t, mails)
	m := mails[len(mails)-1]
	require.Equal(t, to, m.Args.To)
	require.Equal(t, jobargs.TemplateEmailOTP, m.Args.Template)
	return m.Data["code"]
}

// Codes by email in Chromium: set up from the settings page (a one-time
// code field, "Send a new code"), then the second factor at login shows
// where the code went, offers another, and takes the code.
func TestBrowserEmailCodes(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/user/")
	u.click(u.button("Get codes by email"))
	u.see("We sent a code to g***@example.com")
	require.Equal(t, "one-time-code", autocompleteOf(t, u.field("Code")))
	u.click(u.button("Send a new code"))
	require.Eventually(t, func() bool { return len(srv.mail.Mails()) == 2 }, 15*time.Second, 20*time.Millisecond)
	u.fill("Code", lastMailedCode(t, srv, "grace@example.com"))
	u.click(u.button("Verify"))
	u.see("Code by mail · added")
	u.Screenshot("email-codes-set-up")
	ctx := viewer.SystemContext(t.Context())
	require.True(t, srv.app.db.Ent.EmailDevice.Query().Where(emaildevice.Email("grace@example.com")).OnlyX(ctx).Confirmed)

	login := newUI(t, srv, browsertest.Options{})
	login.visit("/if/flow/" + blueprints.AuthenticationFlow + "/")
	login.answerLogin("grace", "Cobol-Compiler-1959")
	login.challenge("AuthenticatorValidateChallenge")
	login.see("We sent a code to g***@example.com")
	require.Len(t, srv.mail.Mails(), 3, "sent at once: it is grace's only second factor")
	login.fill("Code from the email", "000000")
	login.click(login.button("Verify"))
	login.see("This code is not valid")
	login.click(login.button("Send a new code"))
	require.Eventually(t, func() bool { return len(srv.mail.Mails()) == 4 }, 15*time.Second, 20*time.Millisecond)
	login.fill("Code from the email", lastMailedCode(t, srv, "grace@example.com"))
	login.click(login.button("Verify"))
	login.at(`/if/user/$`)
}
