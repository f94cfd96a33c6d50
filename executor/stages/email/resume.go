package email

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
)

// The continue page's field and messages.
const (
	fieldConfirm    = "confirm"
	messageConfirm  = "Confirm to continue."
	messageInvalid  = "This link is invalid or has expired. Start again to get a new one."
	messageElsewere = "This flow continued on another device, where the link in the email was opened. You can close this page."
)

// redeem checks the link's token and, when it is good, consumes it (a
// compare-and-set: of concurrent confirmations exactly one wins unless
// single_use is off) and resumes the saved execution. Every refusal is the
// same denial, and changes nothing.
func (s *Stage) redeem(ctx context.Context, req *executor.Request, r *ContinueResponse) (executor.Result, error) {
	if !r.Confirm {
		return executor.Retry(executor.FieldError{Field: fieldConfirm, Message: messageConfirm, Code: "required"}), nil
	}
	hash := req.Execution.Context.String(executor.KeyResumeToken)
	now := s.deps.Now()
	tok, err := s.deps.Client.FlowToken.Query().Where(flowtoken.KeyHash(hash)).Only(ctx)
	if ent.IsNotFound(err) {
		return executor.Deny(messageInvalid), nil
	}
	if err != nil {
		return executor.Result{}, fmt.Errorf("email: load link: %w", err)
	}
	if !now.Before(tok.Expires) || tok.FlowID != req.Execution.FlowID || tok.UserID == nil {
		return executor.Deny(messageInvalid), nil
	}
	saved := *req.Execution
	saved.Context = executor.Context{}
	if err := (&executor.Request{Execution: &saved}).Resume(tok.Execution); err != nil {
		if errors.Is(err, executor.ErrNotResumable) {
			return executor.Deny(messageInvalid), nil
		}
		return executor.Result{}, err
	}
	entry, _ := saved.Current()
	var st state
	if ok, err := saved.LoadEntryState(entry, &st); err != nil || !ok {
		return executor.Deny(messageInvalid), nil //nolint:nilerr // an unreadable saved state is a bad link
	}
	pending, _ := saved.Context.PendingUserID()
	if entry.Kind != Kind || st.Hash != hash || st.Intent != tok.Intent || st.UserID != *tok.UserID || pending != st.UserID {
		return executor.Deny(messageInvalid), nil
	}
	u, err := s.deps.Client.User.Get(ctx, st.UserID)
	if ent.IsNotFound(err) {
		return executor.Deny(messageInvalid), nil
	}
	if err != nil {
		return executor.Result{}, fmt.Errorf("email: load user: %w", err)
	}
	activate := st.Activate && st.Intent == enum.TokenIntentVerification
	if !u.IsActive && !activate {
		return executor.Deny(messageInvalid), nil
	}
	won, err := s.consume(ctx, tok, u, activate)
	if err != nil || !won {
		return executor.Deny(messageInvalid), err
	}
	if err := req.Resume(tok.Execution); err != nil {
		return executor.Result{}, err
	}
	s.tellOrigin(req, st)
	return executor.Next(), nil
}

// consume uses the token up (unless it is reusable) and activates the
// user if asked, in one transaction; false when another request consumed
// it first or it expired meanwhile.
func (s *Stage) consume(ctx context.Context, tok *ent.FlowToken, u *ent.User, activate bool) (bool, error) {
	tx, err := s.deps.Client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("email: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if tok.RevokeOnExecution {
		n, err := tx.FlowToken.Delete().Where(flowtoken.ID(tok.ID), flowtoken.ExpiresGT(s.deps.Now())).Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("email: consume link: %w", err)
		}
		if n != 1 {
			return false, nil
		}
	}
	if activate && !u.IsActive {
		if err := tx.User.UpdateOneID(u.ID).SetIsActive(true).Exec(ctx); err != nil {
			return false, fmt.Errorf("email: activate user: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("email: commit: %w", err)
	}
	return true, nil
}

// tellOrigin tells the execution that sent the link: after a
// verification it may go on; after a recovery it ends, never signed in.
func (s *Stage) tellOrigin(req *executor.Request, st state) {
	if st.Origin == "" || st.Origin == req.Execution.ID {
		return
	}
	if st.Intent == enum.TokenIntentVerification {
		req.TellOrigin(executor.OriginNote{ExecutionID: st.Origin, Key: keyVerified, Value: st.Hash})
		return
	}
	req.TellOrigin(executor.OriginNote{ExecutionID: st.Origin, End: messageElsewere})
}
