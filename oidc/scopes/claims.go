package scopes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/interpreter"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
)

// ReservedClaims are the claims a mapping never sets: the tokens' own
// (JWT, ID token, introspection) and those of the built-in scopes
// (OpenID Connect Core §5.1 standard claims, groups). A mapping's result
// loses them, with a warning.
var ReservedClaims = []string{
	// JWT, ID token and access token claims.
	"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr", "azp",
	"at_hash", "c_hash", "s_hash", "sid", "cnf", "act", "may_act",
	// Introspection (RFC 7662) and token responses.
	"client_id", "scope", "active", "token_type", "username",
	// The built-in scopes' claims.
	"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
	"picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
	"email", "email_verified", "address", "phone_number", "phone_number_verified", "groups",
}

// Recorder writes audit events (audit.Recorder).
type Recorder interface {
	Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error)
}

// Evaluator gives the claims of custom scopes at token time. It keeps each
// mapping's compiled program until its expression changes. Safe for
// concurrent use.
type Evaluator struct {
	client   *ent.Client
	recorder Recorder
	logger   *slog.Logger

	mu       sync.Mutex
	programs map[int]compiled // by mapping ID
}

type compiled struct {
	source  string
	program cel.Program
}

// NewEvaluator returns an Evaluator reading mappings with client. recorder
// (nil: none) writes CONFIGURATION_ERROR events; logger (nil discards)
// receives warnings.
func NewEvaluator(client *ent.Client, recorder Recorder, logger *slog.Logger) *Evaluator {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Evaluator{client: client, recorder: recorder, logger: logger, programs: map[int]compiled{}}
}

// Claims returns the claims the custom scopes among granted give user u,
// evaluating each mapping once. A mapping that fails gives no claims (a
// warning and a CONFIGURATION_ERROR event); the error is for the database
// only. It returns nil when no custom scope is granted, without a query.
func (e *Evaluator) Claims(ctx context.Context, u *ent.User, granted []string) (map[string]any, error) {
	custom := make([]string, 0, len(granted))
	for _, s := range granted {
		if !slices.Contains(clients.BuiltinScopes, s) {
			custom = append(custom, s)
		}
	}
	if len(custom) == 0 {
		return nil, nil //nolint:nilnil // no custom scope: no claims
	}
	ctx = viewer.SystemContext(ctx)
	mappings, err := e.client.ScopeMapping.Query().
		Where(scopemapping.ScopeNameIn(custom...)).
		Order(scopemapping.ByScopeName()).
		All(ctx)
	if err != nil || len(mappings) == 0 {
		return nil, err
	}
	vars, err := userVars(ctx, e.client, u)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, m := range mappings {
		claims, dropped, err := e.evaluate(ctx, m, vars)
		if err != nil {
			e.failed(ctx, m, err)
			continue
		}
		if len(dropped) > 0 {
			e.logger.WarnContext(ctx, "a scope mapping returned reserved claims; they were left out",
				"scope", m.ScopeName, "scope_mapping_id", m.ID, "claims", dropped)
		}
		maps.Copy(out, claims)
	}
	return out, nil
}

// evaluate runs m for vars (its cached program, or a new one).
func (e *Evaluator) evaluate(ctx context.Context, m *ent.ScopeMapping, vars map[string]any) (map[string]any, []string, error) {
	e.mu.Lock()
	c, ok := e.programs[m.ID]
	e.mu.Unlock()
	if !ok || c.source != m.Expression {
		prg, err := Compile(m.Expression)
		if err != nil {
			return nil, nil, err
		}
		c = compiled{source: m.Expression, program: prg}
		e.mu.Lock()
		e.programs[m.ID] = c
		e.mu.Unlock()
	}
	return run(ctx, c.program, vars)
}

// failed reports a mapping that could not give its claims: what failed,
// never CEL's message (it may quote the user's data).
func (e *Evaluator) failed(ctx context.Context, m *ent.ScopeMapping, err error) {
	reason := failureReason(err)
	e.logger.WarnContext(ctx, "a scope mapping failed; its claims were left out (testScopeMapping shows why)",
		"scope", m.ScopeName, "scope_mapping_id", m.ID, "reason", reason)
	if e.recorder == nil {
		return
	}
	_, rerr := e.recorder.Record(ctx, e.client, enum.EventActionConfigurationError, map[string]any{
		audit.KeyModel: "scope_mapping", "id": strconv.Itoa(m.ID), "name": m.Name, "scope": m.ScopeName, "reason": reason,
	})
	if rerr != nil {
		e.logger.WarnContext(ctx, "record a scope mapping's failure", "scope_mapping_id", m.ID, "error", rerr)
	}
}

// errResult is wrapped by the error for a result that is not a map of
// claims with string keys.
var errResult = errors.New("the expression must return a map of claims with string keys")

// failureReason names the kind of err for logs and events.
func failureReason(err error) string {
	var cancelled interpreter.EvalCancelledError
	switch {
	case errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded:
		return "cost limit exceeded"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &cancelled):
		return "cancelled"
	case errors.Is(err, errResult):
		return "result is not a map of claims"
	}
	return "evaluation error"
}

// run evaluates prg for vars and splits its result into the claims and
// the reserved claims it dropped (sorted).
func run(ctx context.Context, prg cel.Program, vars map[string]any) (map[string]any, []string, error) {
	val, _, err := prg.ContextEval(ctx, vars)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate scope mapping: %w", err)
	}
	claims, err := celeval.NativeMap(val)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errResult, err)
	}
	var dropped []string
	for k := range claims {
		if slices.Contains(ReservedClaims, k) {
			dropped = append(dropped, k)
			delete(claims, k)
		}
	}
	slices.Sort(dropped)
	return claims, dropped, nil
}

// userVars are the variables an expression sees for u.
func userVars(ctx context.Context, c *ent.Client, u *ent.User) (map[string]any, error) {
	m, err := directory.MembershipOf(ctx, c, u.ID)
	if err != nil {
		return nil, err
	}
	user, err := celeval.UserVar(u, m.GroupIDs, m.Superuser)
	if err != nil {
		return nil, err
	}
	return map[string]any{VarUser: user}, nil
}

// TestResult is what a mapping gives a user (testScopeMapping).
type TestResult struct {
	// Claims are the claims tokens would carry; nil when Error is set.
	Claims map[string]any
	// Dropped are the reserved claims the result had and tokens would not.
	Dropped []string
	// Error is why the mapping failed (CEL's message, for administrators).
	Error string
}

// Test evaluates mapping id for user userID as tokens would, reading both
// with ctx's rights (superusers). Errors are for reading them; the
// mapping's own failure is the result's Error.
func Test(ctx context.Context, c *ent.Client, id, userID int) (*TestResult, error) {
	m, err := c.ScopeMapping.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	u, err := c.User.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	vars, err := userVars(ctx, c, u)
	if err != nil {
		return nil, err
	}
	prg, err := Compile(m.Expression)
	if err != nil {
		return &TestResult{Error: err.Error()}, nil //nolint:nilerr // the mapping's failure is the answer
	}
	claims, dropped, err := run(ctx, prg, vars)
	if err != nil {
		return &TestResult{Error: err.Error()}, nil //nolint:nilerr // the mapping's failure is the answer
	}
	return &TestResult{Claims: claims, Dropped: dropped}, nil
}
