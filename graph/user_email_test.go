package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmailConflict: the admin API refuses an address another user has,
// in any letter case, as CONFLICT on the email field.
func TestEmailConflict(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		// alice has alice@example.com (setup).
		for name, c := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"create": {`mutation { createUser(input: {username: "bob", email: "Alice@Example.COM"}) { id } }`, nil},
			"update": {`mutation($id: ID!) { updateUser(id: $id, input: {email: "ALICE@example.com"}) { id } }`, map[string]any{"id": itoa(b.admin.UserID)}},
		} {
			e := requireCode(t, b.do(t, b.admin, c.query, c.vars), "CONFLICT")
			require.Equal(t, "email", e.Extensions["field"], "%s: %s", name, e.Message)
		}

		// Several users may have no address, and one may take a freed one.
		var out struct{ CreateUser struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createUser(input: {username: "carol", email: ""}) { id } }`, nil, &out)
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateUser(id: $id, input: {email: ""}) { id } }`, map[string]any{"id": itoa(b.alice.UserID)}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateUser(id: $id, input: {email: "Alice@example.com"}) { id } }`, map[string]any{"id": out.CreateUser.ID}, nil)
	})
}
