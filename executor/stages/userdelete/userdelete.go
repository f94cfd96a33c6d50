// Package userdelete is the stage that deletes the signed-in user's
// account: the unenrollment flow's last step, after the user confirmed
// (with their password, in the default flow).
//
// It deletes only the account of the session's own user, and only when the
// flow is about that user (the pending user): a flow cannot delete an
// account it did not sign in as. The account's tokens go with it
// (ownership cascades) and every session of it ends (package
// session/userhook); the client gets a new anonymous session. An account
// the configuration still names (a policy binding) is not deleted: the
// user is told to ask an administrator. Nor is the last active superuser:
// deleting it would leave nobody able to administer Gatehouse.
package userdelete

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "user_delete"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// Config configures a user delete stage; it has no settings.
type Config struct{ executor.EmptyConfig }

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Messages the stage denies with.
const (
	MessageNotSignedIn = "Sign in to delete your account."
	MessageReferenced  = "Your account is still used by Gatehouse's configuration; ask an administrator to delete it."
	MessageLastAdmin   = "Your account is the last administrator's; make someone else an administrator first."
)

// Stage deletes the signed-in user's account.
type Stage struct{ deps executor.Deps }

// New builds a user delete stage.
func New(_ *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner.
func (s *Stage) Run(ctx context.Context, req *executor.Request) (executor.Result, error) {
	pending, ok := req.Execution.Context.PendingUserID()
	if req.User == nil || !ok || pending != req.User.ID {
		return executor.Deny(MessageNotSignedIn), nil
	}
	u := req.User
	super, err := directory.IsSuperuser(ctx, s.deps.Client, u.ID)
	if err != nil {
		return executor.Result{}, err
	}
	if super {
		others, err := directory.HasActiveSuperuser(ctx, s.deps.Client, u.ID)
		if err != nil {
			return executor.Result{}, err
		}
		if !others {
			return executor.Deny(MessageLastAdmin), nil
		}
	}
	err = s.deps.Client.User.DeleteOneID(u.ID).Exec(ctx)
	var referenced *problem.ReferencedError
	switch {
	case errors.As(err, &referenced), ent.IsConstraintError(err):
		return executor.Deny(MessageReferenced), nil
	case ent.IsNotFound(err): // deleted meanwhile: the outcome is the same
	case err != nil:
		return executor.Result{}, fmt.Errorf("delete user: %w", err)
	}
	s.deps.Record(ctx, enum.EventActionUserWrite, map[string]any{
		"user_id": strconv.Itoa(u.ID), "username": u.Username, "deleted": true, "flow": req.Flow.Slug,
	})
	// Every session of the user ends with the account (session/userhook);
	// this one is ended here too, whatever the wiring, and the client
	// carries on in a new anonymous one.
	if err := s.deps.ReplaceSession(ctx, req); err != nil {
		return executor.Result{}, err
	}
	delete(req.Execution.Context, executor.KeyPendingUser)
	return executor.Next(), nil
}
