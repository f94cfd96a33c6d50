package userwrite

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/problem"
)

// explainConstraint turns err, a unique-constraint violation of a write of
// c to target (nil: a new user) that lost a race, into the
// problem.ConflictError the user schema's hooks return when they see the
// clash first: the email address, else the username, that another user
// now has. Any other constraint error is returned as it is. The write's
// transaction has ended, so the other user's row is visible.
func (s *Stage) explainConstraint(ctx context.Context, err error, target *ent.User, c *changes) error {
	others := s.deps.Client.User.Query()
	if target != nil {
		others.Where(user.IDNEQ(target.ID))
	}
	if c.email != nil && *c.email != "" {
		taken, qerr := others.Clone().Where(user.EmailKey(emailkey.Of(*c.email))).Exist(ctx)
		if qerr != nil {
			return fmt.Errorf("%w (and checking the email address: %w)", err, qerr)
		}
		if taken {
			return &problem.ConflictError{Type: "user", Field: keyEmail, Value: *c.email}
		}
	}
	if c.username != nil {
		taken, qerr := others.Clone().Where(user.UsernameEqualFold(*c.username)).Exist(ctx)
		if qerr != nil {
			return fmt.Errorf("%w (and checking the username: %w)", err, qerr)
		}
		if taken {
			return &problem.ConflictError{Type: "user", Field: keyUsername, Value: *c.username}
		}
	}
	return err
}
