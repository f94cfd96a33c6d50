package schema

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/problem"
)

// emailKey keeps a user's email_key equal to emailkey.Of(email) (NULL for
// no address) whenever a mutation sets the email, and refuses an address
// whose key another user has with a problem.ConflictError on "email".
// email_key cannot be written directly.
//
// The unique index on email_key is what guarantees uniqueness: the check
// here only names the clash first. A concurrent write that passes the
// check at the same time as another fails on the index (an
// ent.ConstraintError), and so does a bulk update giving several users
// one address.
func emailKey() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.UserFunc(func(ctx context.Context, m *gen.UserMutation) (gen.Value, error) {
			if _, set := m.EmailKey(); set || m.EmailKeyCleared() {
				return nil, errors.New("user email_key is derived from email and cannot be set")
			}
			email, set := m.Email()
			if !set {
				return next.Mutate(ctx, m)
			}
			key := emailkey.Of(email)
			if key == "" {
				m.ClearEmailKey()
				return next.Mutate(ctx, m)
			}
			m.SetEmailKey(key)
			if m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
				q := m.Client().User.Query().Where(user.EmailKey(key))
				if self, ok := m.ID(); ok {
					q.Where(user.IDNEQ(self))
				}
				taken, err := q.Exist(allowed(ctx))
				if err != nil {
					return nil, fmt.Errorf("check unique user.email: %w", err)
				}
				if taken {
					return nil, &problem.ConflictError{Type: "user", Field: "email", Value: email}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
