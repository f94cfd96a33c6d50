package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
)

// Resuming a saved execution from a link (the email stage's mail).
//
// A stage saves its execution (Snapshot) with a FlowToken and mails a link
// to the flow whose query carries the token's secret in ResumeParam. An
// execution started with that parameter does not plan its flow: it shows
// one in-memory stage of ResumeKind, whose challenge only asks the person
// to continue (mail scanners that fetch the link, or even start the flow,
// consume nothing). When the person confirms, that stage redeems the
// token and replaces the new execution's plan and context with the saved
// ones (Request.Resume): the flow goes on, in the session of the device
// that opened the link, at the stage after the one that sent the mail.
// The secret is never stored: the new execution's context keeps only its
// hash (KeyResumeToken, TokenHash), and the query is stored without it.
//
// The execution that sent the mail, on the first device, learns of it
// through Request.TellOrigin: after the step that redeemed the token is
// saved, the executor marks or ends it and announces the change, so its
// flowExecution subscription is pushed at once (in any replica).
const (
	// ResumeParam is the query parameter of a resumption link.
	ResumeParam = "flow_token"
	// ResumeKind is the stage kind that confirms a resumption link and
	// resumes the saved execution (executor/stages/email).
	ResumeKind = "email"
	// KeyResumeToken is the context key, in an execution started from a
	// resumption link, of TokenHash of the link's secret.
	KeyResumeToken = "resume_token"
)

// TokenHash is how a FlowToken's secret is stored (FlowToken.key_hash):
// hex-encoded SHA-256.
func TokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// takeResumeToken removes ResumeParam from query, returning the query
// without it and the parameter's value ("" when absent).
func takeResumeToken(query string) (string, string, error) {
	if query == "" {
		return query, "", nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", "", ErrInvalidNext
	}
	secret := values.Get(ResumeParam)
	if !values.Has(ResumeParam) {
		return query, "", nil
	}
	values.Del(ResumeParam)
	return values.Encode(), secret, nil
}

// resuming reports whether st's execution was started from a resumption
// link; its plan is then the one confirmation stage.
func (st *state) resuming() bool {
	_, ok := st.exec.Context[KeyResumeToken]
	return ok
}

// planResume makes the plan of an execution started from a resumption
// link: the ResumeKind stage alone.
func (st *state) planResume() {
	st.exec.Plan = Plan{NextPosition: st.exec.Plan.NextPosition}
	st.exec.Plan.Append(PlanEntry{Kind: ResumeKind, Name: ResumeKind, Config: json.RawMessage(`{}`)})
}

// Snapshot returns the request's execution as the executor stores it:
// the versioned JSON document that Resume accepts.
func (r *Request) Snapshot() (json.RawMessage, error) {
	doc, err := json.Marshal(r.Execution)
	if err != nil {
		return nil, fmt.Errorf("encode flow execution snapshot: %w", err)
	}
	return doc, nil
}

// ErrNotResumable is returned by Resume for a saved execution that cannot
// resume this one: another document format or another flow.
var ErrNotResumable = errors.New("executor: the saved execution cannot resume this flow")

// Resume replaces the request's execution's plan, context and errors
// with those of the saved execution doc (a Snapshot of an execution of
// the same flow): the current entry becomes the saved one's current
// entry, so a Next result moves on to the stage after it. The
// execution's ID, session scope and query stay.
func (r *Request) Resume(doc json.RawMessage) error {
	var saved Execution
	if err := json.Unmarshal(doc, &saved); err != nil || saved.Format != DocumentFormat {
		return ErrNotResumable
	}
	if saved.FlowID != r.Execution.FlowID || len(saved.Plan.Entries) == 0 {
		return ErrNotResumable
	}
	if saved.Context == nil {
		saved.Context = Context{}
	}
	r.Execution.Plan = saved.Plan
	r.Execution.Context = saved.Context
	r.Execution.Errors = nil
	r.Execution.History = append(saved.History, r.Execution.History...)
	if len(r.Execution.History) > maxHistory {
		r.Execution.History = r.Execution.History[len(r.Execution.History)-maxHistory:]
	}
	return nil
}

// LoadEntryState decodes the private state of the stage at entry into v;
// false when it has none. A stage reads with it the state of a saved
// execution it resumed (Request.LoadState reads the current entry's).
func (e *Execution) LoadEntryState(entry PlanEntry, v any) (bool, error) {
	return e.Context.Get(stageStatePrefix+strconv.Itoa(entry.Position), v)
}

// OriginNote tells another execution (the one that saved what this
// request resumed) that the flow continued on another device.
type OriginNote struct {
	// ExecutionID is the execution told.
	ExecutionID string
	// Key and Value, when Key is set, are set in its context (its stage
	// reads them when it renders or is answered).
	Key   string
	Value any
	// End, when set, ends it with this message (an AccessDeniedChallenge):
	// it may go no further.
	End string
}

// TellOrigin asks the executor to apply n to its execution once this
// request's step is saved, and to announce the change, so that the
// execution's subscribers see it at once.
func (r *Request) TellOrigin(n OriginNote) {
	r.notes = append(r.notes, n)
}

// tellOrigins applies the notes st's stages left, each with a
// compare-and-set (retried on a conflict a few times); an execution that
// ended, expired or is being stepped is left as it is.
func (x *Executor) tellOrigins(ctx context.Context, st *state) {
	for _, n := range st.notes {
		if err := x.tellOrigin(ctx, n); err != nil && x.deps.Logger != nil {
			x.deps.Logger.WarnContext(ctx, "tell the flow execution that continued elsewhere", "flow", st.exec.FlowSlug, "error", err)
		}
	}
	st.notes = nil
}

// Bounds of telling an execution: attempts, and how long to wait for a
// step another request is applying to it (a resend) before trying again.
const (
	tellAttempts  = 20
	tellClaimWait = 100 * time.Millisecond
)

func (x *Executor) tellOrigin(ctx context.Context, n OriginNote) error {
	for range tellAttempts {
		exec, err := x.fetch(ctx, n.ExecutionID)
		if errors.Is(err, ErrExecutionNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := x.deps.Now()
		if exec.Completed() {
			return nil
		}
		if c := exec.Claim; c != nil && now.Before(c.Until) {
			// Its own step ends soon (or its lease does): wait a little.
			t := time.NewTimer(tellClaimWait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
			continue
		}
		expires := exec.stored.ExpiresAt
		if n.Key != "" {
			if err := exec.Context.Set(n.Key, n.Value); err != nil {
				return err
			}
		}
		if n.End != "" {
			entry, _ := exec.Current()
			exec.record(entry, "continued_elsewhere", now)
			exec.Outcome = &Outcome{Denied: true, Message: n.End}
			expires = now.Add(completedTTL)
		}
		exec.UpdatedAt = now
		doc, err := json.Marshal(exec)
		if err != nil {
			return fmt.Errorf("encode flow execution: %w", err)
		}
		_, err = x.store.Update(ctx, n.ExecutionID, exec.Version, doc, expires)
		if errors.Is(err, flowstate.ErrConflict) {
			continue
		}
		if errors.Is(err, flowstate.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("save flow execution: %w", err)
		}
		x.announce(ctx, n.ExecutionID)
		return nil
	}
	return errors.New("executor: the execution kept changing")
}

// OriginNotes returns the notes stages left on the request (TellOrigin)
// that the executor has not taken yet.
func (r *Request) OriginNotes() []OriginNote { return r.notes }
