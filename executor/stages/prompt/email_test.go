package prompt_test

import (
	"fmt"
	"net/netip"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
)

// emailForm asks for the user's address between two other fields, and for
// a second address that is not the user's.
const emailForm = `{"fields": [
	{"field_key": "name", "label": "Name", "type": "text", "required": true, "order": 0},
	{"field_key": "email", "label": "Email", "type": "email", "order": 1},
	{"field_key": "attributes_backup_email", "label": "Backup email", "type": "email", "order": 2},
	{"field_key": "terms", "label": "Terms", "type": "checkbox", "required": true, "order": 3}
]}`

func TestEmailTaken(t *testing.T) {
	t.Parallel()

	runAnswers(t, emailForm, map[string]string{"zoe": "Ève@example.com"}, []answerCase{
		{name: "free address", answers: `{"name": "N", "email": "new@example.com", "terms": true}`},
		{name: "another's address in another case", answers: `{"name": "N", "email": "ALICE@Example.com", "terms": true}`, wantErrs: []fieldErr{{"email", "taken"}}},
		{name: "another's address composed differently", answers: `{"name": "N", "email": "E\u0300VE@example.com", "terms": true}`, wantErrs: []fieldErr{{"email", "taken"}}},
		{
			name: "errors in field order", answers: `{"email": "alice@example.com"}`,
			wantErrs: []fieldErr{{"name", "required"}, {"email", "taken"}, {"terms", "required"}},
		},
		{name: "own address in another case", asAlice: true, answers: `{"name": "N", "email": "Alice@EXAMPLE.com", "terms": true}`},
		{name: "another's address with a pending user", asAlice: true, answers: `{"name": "N", "email": "ève@EXAMPLE.com", "terms": true}`, wantErrs: []fieldErr{{"email", "taken"}}},
		{name: "no address", answers: `{"name": "N", "email": "", "terms": true}`},
		{name: "another field may hold a taken address", answers: `{"name": "N", "attributes_backup_email": "alice@example.com", "terms": true}`},
	})
}

// TestEmailChecksLimited: one client address may ask about a bounded
// number of addresses; past the limit every address gets the same answer.
func TestEmailChecksLimited(t *testing.T) {
	t.Parallel()
	env := setup(t, dialect.SQLite)
	alice := env.User(t, "alice", "alice@example.com", "")
	s := env.Interactive(t, prompt.Kind, emailForm)
	answer := func(req *executor.Request, email string) executor.Result {
		return submit(t, env, s, req, fmt.Sprintf(`{"name": "N", "email": %q, "terms": true}`, email))
	}
	limits := prompt.DefaultEmailCheckLimits
	require.Equal(t, int64(20), limits.PerIP)
	for i := range limits.PerIP - 1 {
		res := answer(env.RequestAbout(t, prompt.Kind, nil), fmt.Sprintf("free%d@example.com", i))
		require.Equal(t, executor.ResultNext, res.Kind(), "check %d: %v", i, res.Errors())
	}
	res := answer(env.RequestAbout(t, prompt.Kind, nil), "Alice@example.com")
	require.Equal(t, []fieldErr{{"email", "taken"}}, codes(t, res.Errors()), "the last check within the limit")

	for _, email := range []string{"alice@example.com", "free@example.com"} {
		res := answer(env.RequestAbout(t, prompt.Kind, nil), email)
		require.Equal(t, []fieldErr{{"email", prompt.CodeRateLimited}}, codes(t, res.Errors()), email)
		require.Equal(t, "Too many attempts. Try again later.", res.Errors()[0].Message)
	}
	// The flow's own address needs no check.
	res = answer(env.RequestAbout(t, prompt.Kind, alice), "ALICE@example.com")
	require.Equal(t, executor.ResultNext, res.Kind(), "%v", res.Errors())

	// Other client addresses have their own budget.
	other := env.RequestAbout(t, prompt.Kind, nil)
	other.Client.IP = netip.MustParseAddr("198.51.100.9")
	require.Equal(t, []fieldErr{{"email", "taken"}}, codes(t, answer(other, "alice@example.com").Errors()))

	// The window ends.
	env.Clock.Advance(limits.Window)
	res = answer(env.RequestAbout(t, prompt.Kind, nil), "alice@example.com")
	require.Equal(t, []fieldErr{{"email", "taken"}}, codes(t, res.Errors()))
}
