package executor

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
)

// DocumentFormat is the version of the execution document's JSON layout.
// A stored document of another format is refused (the execution must be
// restarted), never guessed at.
const DocumentFormat = 1

// Well-known context keys. Stages and policies exchange data through them.
const (
	// KeyPendingUser is the ID of the user the flow is about.
	KeyPendingUser = "pending_user"
	// KeyPendingUserIdentifier is what the user typed to identify.
	KeyPendingUserIdentifier = "pending_user_identifier"
	// KeyShowIdentifier, when true, makes challenges show the typed
	// identifier rather than the matched user's username (an
	// identification stage with show_matched_user off sets it).
	KeyShowIdentifier = "show_identifier"
	// KeyPromptData holds the answers of prompt stages (a JSON object).
	KeyPromptData = "prompt_data"
	// KeyFixedPromptData holds answers nobody may change (an invitation's
	// fixed data): prompt stages apply them over what the user typed.
	KeyFixedPromptData = "fixed_prompt_data"
	// KeyRedirect is where the flow ends (trusted: set by Gatehouse only).
	KeyRedirect = "redirect"
	// KeyAuthMethod is how the pending user authenticated ("password", …).
	KeyAuthMethod = "auth_method"
	// KeyAuthMethodArgs holds details of the authentication.
	KeyAuthMethodArgs = "auth_method_args"
	// KeyIsRedirected is the slug of the flow that redirected here.
	KeyIsRedirected = "is_redirected"
	// KeyDenyMessage overrides a deny stage's message.
	KeyDenyMessage = "deny_message"
	// KeyApplication is the application being accessed.
	KeyApplication = "application"
	// KeyOAuth2Scopes are the scopes an SSO authorization asks for that
	// its provider allows (a []string): a consent stage shows them, and
	// what the flow leaves there is granted.
	KeyOAuth2Scopes = "oauth2_scopes"
	// KeyOAuth2ScopeDescriptions say what the custom scopes among
	// KeyOAuth2Scopes let the application have (a map[string]string by
	// scope name): a consent stage shows them. Built-in scopes are not
	// in it.
	KeyOAuth2ScopeDescriptions = "oauth2_scope_descriptions"
	// KeyOAuth2Refused is set (true) when the user refused an SSO
	// authorization (a consent stage): the application is answered
	// access_denied.
	KeyOAuth2Refused = "oauth2_refused"
	// KeyOAuth2PromptConsent is set (true) when the SSO client asked for
	// prompt=consent: a consent stage asks even when a remembered consent
	// covers every scope.
	KeyOAuth2PromptConsent = "oauth2_prompt_consent"

	stageStatePrefix = "stage_state."
)

// Execution is one in-flight run of a flow: the plan still to run, the
// context gathered so far, and how it ended. It is stored as versioned
// JSON (never a serialised object graph) under its secret ID.
type Execution struct {
	// ID addresses the execution; it is never stored in the document.
	ID string `json:"-"`
	// Version is the store's compare-and-set version.
	Version int64 `json:"-"`
	// stored is the record as read, if it was (a step's claim gives it
	// back as it was if the step fails).
	stored *flowstate.Record

	Format   int    `json:"v"`
	FlowID   int    `json:"flow_id"`
	FlowSlug string `json:"flow_slug"`
	// Scope is the session scope the execution belongs to.
	Scope string `json:"scope"`
	// Query is the query string the flow was started with (next=…).
	Query   string  `json:"query"`
	Plan    Plan    `json:"plan"`
	Context Context `json:"context"`
	// Errors are the field errors of the last rejected response.
	Errors []FieldError `json:"errors,omitempty"`
	// Outcome is set when the flow has ended.
	Outcome *Outcome `json:"outcome,omitempty"`
	// History records the stages passed, newest last (for the inspector).
	History []Step `json:"history,omitempty"`
	// Claim is set while a request applies a step (see Claim).
	Claim     *Claim    `json:"claim,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Outcome is how an execution ended.
type Outcome struct {
	// Denied is true when the flow refused the user; Message says why.
	Denied  bool   `json:"denied"`
	Message string `json:"message,omitempty"`
	// To is where the client goes next (success, or a denial that
	// continues).
	To string `json:"to,omitempty"`
	// Continuation is the execution the flow continued in, if any.
	Continuation string `json:"continuation,omitempty"`
}

// Step is one completed stage, for the flow inspector.
type Step struct {
	Position int       `json:"position"`
	Kind     string    `json:"kind"`
	Name     string    `json:"name"`
	Result   string    `json:"result"`
	At       time.Time `json:"at"`
}

// maxHistory bounds Execution.History.
const maxHistory = 50

// Completed reports whether the execution has ended.
func (e *Execution) Completed() bool { return e.Outcome != nil }

// Current returns the plan entry being run; false when the plan is done.
func (e *Execution) Current() (PlanEntry, bool) {
	if len(e.Plan.Entries) == 0 {
		return PlanEntry{}, false
	}
	return e.Plan.Entries[0], true
}

func (e *Execution) record(entry PlanEntry, result string, at time.Time) {
	e.History = append(e.History, Step{Position: entry.Position, Kind: entry.Kind, Name: entry.Name, Result: result, At: at})
	if len(e.History) > maxHistory {
		e.History = e.History[len(e.History)-maxHistory:]
	}
}

// Plan is what remains to run: Entries[0] is the current stage.
type Plan struct {
	Entries []PlanEntry `json:"entries"`
	// NextPosition numbers the next entry added.
	NextPosition int `json:"next_position"`
}

// PlanEntry is one stage in a plan: a flow's binding, or an in-memory stage
// a stage inserted (then Config carries its configuration).
type PlanEntry struct {
	// Position is unique within the execution; stage state is kept under it.
	Position  int    `json:"position"`
	BindingID int    `json:"binding_id,omitempty"`
	StageID   int    `json:"stage_id,omitempty"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	// Config is the configuration of an in-memory entry (StageID 0).
	Config json.RawMessage `json:"config,omitempty"`
	// Reevaluate asks for the binding's policies to be checked again just
	// before the stage is shown.
	Reevaluate            bool                       `json:"reevaluate,omitempty"`
	PolicyEngineMode      enum.PolicyEngineMode      `json:"policy_engine_mode,omitempty"`
	InvalidResponseAction enum.InvalidResponseAction `json:"invalid_response_action,omitempty"`
	// Checked records that a Reevaluate entry passed its policies when it
	// became current, so later requests do not check again.
	Checked bool `json:"checked,omitempty"`
}

// add numbers e and returns it.
func (p *Plan) add(e PlanEntry) PlanEntry {
	p.NextPosition++
	e.Position = p.NextPosition
	if e.InvalidResponseAction == "" {
		e.InvalidResponseAction = enum.InvalidResponseActionRetry
	}
	return e
}

// InsertNext puts e right after the current stage.
func (p *Plan) InsertNext(e PlanEntry) {
	e = p.add(e)
	if len(p.Entries) == 0 {
		p.Entries = []PlanEntry{e}
		return
	}
	p.Entries = append(p.Entries[:1], append([]PlanEntry{e}, p.Entries[1:]...)...)
}

// Append puts e at the end of the plan.
func (p *Plan) Append(e PlanEntry) { p.Entries = append(p.Entries, p.add(e)) }

// pop removes the current stage.
func (p *Plan) pop() {
	if len(p.Entries) > 0 {
		p.Entries = p.Entries[1:]
	}
}

// Context is an execution's key/value store: JSON values under string keys.
type Context map[string]json.RawMessage

// Get decodes the value of key into v; false when key is absent.
func (c Context) Get(key string, v any) (bool, error) {
	raw, ok := c[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("context key %s: %w", key, err)
	}
	return true, nil
}

// Set stores v under key.
func (c Context) Set(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("context key %s: %w", key, err)
	}
	c[key] = raw
	return nil
}

// PendingUserID returns the pending user's ID.
func (c Context) PendingUserID() (int, bool) {
	var id int
	ok, err := c.Get(KeyPendingUser, &id)
	return id, ok && err == nil && id != 0
}

// String returns the string value of key, or "".
func (c Context) String(key string) string {
	var s string
	if ok, err := c.Get(key, &s); !ok || err != nil {
		return ""
	}
	return s
}

// PromptData returns the prompt answers gathered so far (never nil).
func (c Context) PromptData() map[string]any {
	data := map[string]any{}
	_, _ = c.Get(KeyPromptData, &data)
	if data == nil {
		data = map[string]any{}
	}
	return data
}

// FixedPromptData returns the answers prompt stages must keep (never
// nil).
func (c Context) FixedPromptData() map[string]any {
	data := map[string]any{}
	_, _ = c.Get(KeyFixedPromptData, &data)
	if data == nil {
		data = map[string]any{}
	}
	return data
}

// Values returns the context as plain values for policies, without the
// stages' private state.
func (c Context) Values() map[string]any {
	out := make(map[string]any, len(c))
	for k, raw := range c {
		if strings.HasPrefix(k, stageStatePrefix) {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			out[k] = v
		}
	}
	return out
}

// Merge sets every key of values (a policy's proposals).
func (c Context) Merge(values map[string]any) error {
	for k, v := range values {
		if strings.HasPrefix(k, stageStatePrefix) {
			continue // policies cannot forge stage state
		}
		if err := c.Set(k, v); err != nil {
			return err
		}
	}
	return nil
}

// clone returns a deep copy of c.
func (c Context) clone() Context {
	out := make(Context, len(c))
	maps.Copy(out, c)
	return out
}
