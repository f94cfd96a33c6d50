package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Error codes in extensions.code. They are part of the API: clients branch
// on them, so they never change meaning. GraphQL's own parse and validation
// errors keep gqlgen's GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED.
const (
	CodeUnauthenticated  = "UNAUTHENTICATED"
	CodeForbidden        = "FORBIDDEN"
	CodeNotFound         = "NOT_FOUND"
	CodeBadUserInput     = "BAD_USER_INPUT"
	CodeValidationFailed = "VALIDATION_FAILED"
	CodeConflict         = "CONFLICT"
	CodeReferenced       = "REFERENCED"
	CodeRateLimited      = "RATE_LIMITED"
	CodeComplexityLimit  = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeDepthLimit       = "DEPTH_LIMIT_EXCEEDED"
	CodePageSizeLimit    = "PAGE_SIZE_LIMIT_EXCEEDED"
	CodeIntrospection    = "INTROSPECTION_DISABLED"
	CodeInternalError    = "INTERNAL_SERVER_ERROR"
	CodeUnavailable      = "UNAVAILABLE"
	CodeCancelled        = "CANCELLED"
	CodeWrongStage       = "WRONG_STAGE"
	CodeStaleExecution   = "STALE_EXECUTION"
	// CodeFailedPrecondition refuses an action an object's state does not
	// allow; extensions.reason says which state (problem.PreconditionError).
	CodeFailedPrecondition = "FAILED_PRECONDITION"
	// CodeMFARequired asks the caller to confirm a second factor (a
	// flow) and try again (problem.ErrMFARequired).
	CodeMFARequired       = "MFA_REQUIRED"
	extensionCode         = "code"
	extensionField        = "field"
	extensionReferrers    = "referrers"
	extensionReason       = "reason"
	extensionRequestID    = "requestId"
	extensionLine         = "line"
	genericInternalErrMsg = "internal error; quote the request ID when reporting it"
	unavailableErrMsg     = "a service Gatehouse depends on did not answer; try again shortly"
)

// presentError turns any error a resolver returns into what the client
// sees: known errors get a stable code and a safe message; anything else is
// logged with the request ID and answered generically, so no internal
// detail (SQL, stack, driver text) reaches the client. A dependency that
// did not answer (problem.ErrUnavailable, or a database connection failure)
// is UNAVAILABLE, its cause logged with the request ID; POST and GET
// requests then answer HTTP 503 (see status.go).
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := graphql.DefaultErrorPresenter(ctx, err)
		if _, has := out.Extensions[extensionCode]; has && out.Err == nil {
			return out // gqlgen's own parse/validation errors
		}
		var (
			code, msg string
			ext       map[string]any
		)
		if errors.Is(err, problem.ErrUnavailable) || database.IsUnavailable(ctx, err) {
			code, msg = CodeUnavailable, unavailableErrMsg
		} else {
			code, msg, ext = classify(ctx, err)
		}
		if code == "" && isRequestError(ctx, err) {
			// A transport could not read the request (its message may quote
			// the body): the client's fault, and nothing to log.
			code, msg = CodeBadRequest, "the request is not a GraphQL request"
		}
		switch code {
		case "":
			reqID := requestinfo.FromContext(ctx).RequestID
			logger.ErrorContext(ctx, "graphql resolver error", "error", err, "path", out.Path.String(), "request_id", reqID)
			code, msg = CodeInternalError, genericInternalErrMsg
			ext = map[string]any{extensionRequestID: reqID}
		case CodeUnavailable:
			reqID := requestinfo.FromContext(ctx).RequestID
			logger.ErrorContext(ctx, "graphql dependency unavailable", "error", err, "path", out.Path.String(), "request_id", reqID)
			ext = map[string]any{extensionRequestID: reqID}
		}
		if ext == nil {
			ext = map[string]any{}
		}
		ext[extensionCode] = code
		return &gqlerror.Error{Message: msg, Path: out.Path, Locations: out.Locations, Extensions: ext}
	}
}

// classify maps err to a code, a message and extensions; code is empty for
// errors that must not be shown.
func classify(ctx context.Context, err error) (string, string, map[string]any) {
	var (
		fieldErr  *problem.FieldError
		conflict  *problem.ConflictError
		refErr    *problem.ReferencedError
		notFound  *ent.NotFoundError
		entValid  *ent.ValidationError
		entConstr *ent.ConstraintError
		gqlErr    *gqlerror.Error
		bpErr     *blueprints.Error
	)
	if code, msg, ext := classifyRefusal(err); code != "" {
		return code, msg, ext
	}
	switch {
	case errors.As(err, &bpErr):
		ext := map[string]any{extensionField: bpErr.Path}
		if bpErr.Line > 0 {
			ext[extensionLine] = bpErr.Line
		}
		return CodeValidationFailed, bpErr.Error(), ext
	case errors.As(err, &fieldErr):
		field := camelPath(fieldErr.Field)
		msg := fieldErr.Message
		if field != "" {
			msg = field + ": " + msg
		}
		return CodeValidationFailed, msg, map[string]any{extensionField: field}
	case errors.As(err, &conflict):
		return CodeConflict, conflict.Error(), map[string]any{extensionField: camelPath(conflict.Field)}
	case errors.As(err, &refErr):
		refs := make([]referrer, len(refErr.Referrers))
		for i, r := range refErr.Referrers {
			refs[i] = referrer{Type: r.Type, ID: strconv.Itoa(r.ID), Name: r.Name, Field: camelPath(r.Field)}
		}
		return CodeReferenced, refErr.Error(), map[string]any{extensionReferrers: refs}
	case errors.Is(err, authn.ErrCredentialsEnded):
		return CodeUnauthenticated, "the session or API token of this subscription ended", nil
	case errors.Is(err, authn.ErrPermissionsChanged):
		return CodeForbidden, "the permissions of this subscription's user changed", nil
	case errors.Is(err, privacy.Deny), errors.Is(err, problem.ErrForbidden), errors.Is(err, problem.ErrUnauthenticated):
		if viewer.FromContext(ctx).IsAnonymous() {
			return CodeUnauthenticated, problem.ErrUnauthenticated.Error(), nil
		}
		return CodeForbidden, problem.ErrForbidden.Error(), nil
	case errors.As(err, &notFound):
		return CodeNotFound, strings.TrimPrefix(notFound.Error(), "ent: "), nil
	case errors.Is(err, problem.ErrNotFound):
		return CodeNotFound, "not found", nil
	case errors.As(err, &entValid):
		field := camelPath(entValid.Name)
		return CodeValidationFailed, field + ": " + innermost(entValid).Error(), map[string]any{extensionField: field}
	case errors.As(err, &entConstr):
		return constraintError(ctx, entConstr)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return CodeCancelled, "the request was cancelled or timed out", nil
	case errors.Is(err, executor.ErrFlowNotFound), errors.Is(err, executor.ErrExecutionNotFound):
		return CodeNotFound, ownMessage(err), nil
	case errors.Is(err, executor.ErrWrongStage):
		return CodeWrongStage, ownMessage(err), nil
	case errors.Is(err, executor.ErrStale):
		return CodeStaleExecution, ownMessage(err), nil
	case errors.Is(err, executor.ErrInvalidNext), errors.As(err, new(badIDError)), errors.Is(err, outposts.ErrTooManySIDs),
		errors.As(err, new(*audit.StatsQueryError)):
		return CodeBadUserInput, ownMessage(err), nil
	case isIntrospectionRefusal(ctx):
		return CodeIntrospection, "introspection is disabled for this caller", nil
	case isArgumentError(ctx) && errors.As(err, &gqlErr):
		return CodeBadUserInput, "invalid argument " + gqlErr.Path.String() + ": " + errorText(gqlErr), nil
	}
	return "", "", nil
}

// classifyRefusal maps the domain's refusals that are not about an
// input field (problem.RateLimitedError, PreconditionError,
// ErrMFARequired); code is empty for other errors.
func classifyRefusal(err error) (string, string, map[string]any) {
	var (
		limited *problem.RateLimitedError
		precond *problem.PreconditionError
	)
	switch {
	case errors.As(err, &limited):
		return CodeRateLimited, limited.Message, nil
	case errors.As(err, &precond):
		return CodeFailedPrecondition, precond.Message, map[string]any{extensionReason: precond.Reason}
	case errors.Is(err, problem.ErrMFARequired):
		return CodeMFARequired, problem.ErrMFARequired.Error(), nil
	}
	return "", "", nil
}

// ownMessage is the message of the error a resolver returned. gqlgen
// hands the presenter that error wrapped in a *gqlerror.Error that knows
// the field's location and path, and whose Error() starts with them
// ("input:3:3: flowInspector flow execution not found"); the client gets
// them as locations and path, so the message leaves them out.
func ownMessage(err error) string {
	var gqlErr *gqlerror.Error
	for errors.As(err, &gqlErr) && gqlErr.Err != nil {
		err = gqlErr.Err
	}
	return err.Error()
}

// isRequestError reports whether err is gqlgen's own complaint about a
// request that never became an operation (a body it could not decode).
func isRequestError(ctx context.Context, err error) bool {
	var gqlErr *gqlerror.Error
	return !graphql.HasOperationContext(ctx) && errors.As(err, &gqlErr) && gqlErr.Err == nil
}

// innermost returns the deepest error err wraps: for an ent validation
// error, the schema validator's own message, without ent's decoration.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// referrer is one entry of extensions.referrers.
type referrer struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Field string `json:"field"`
}

// errorText is the message of the innermost error of e, which for argument
// errors is the scalar's or enum's own (safe) complaint.
func errorText(e *gqlerror.Error) string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return e.Message
}

// isIntrospectionRefusal reports whether the error is gqlgen refusing an
// introspection field because introspectionExtension disabled it.
func isIntrospectionRefusal(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && (fc.Field.Name == "__schema" || fc.Field.Name == "__type") &&
		graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).DisableIntrospection
}

// isArgumentError reports whether the error arose while decoding the current
// field's arguments (gqlgen sets FieldContext.Args only once they decode).
func isArgumentError(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && len(fc.Field.Arguments) > 0
}

// constraintError explains a database constraint violation that no hook
// caught first (a race, or a reference to a missing object).
func constraintError(ctx context.Context, err *ent.ConstraintError) (string, string, map[string]any) {
	deleting := false
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		deleting = strings.HasPrefix(fc.Field.Name, "delete")
	}
	switch violation(err) {
	case violationUnique:
		return CodeConflict, "an object with the same unique value already exists", nil
	case violationForeignKey:
		if deleting {
			return CodeReferenced, "the object is still used by other objects", nil
		}
		return CodeValidationFailed, "a referenced object does not exist", nil
	case violationCheck:
		return CodeValidationFailed, "the change violates a consistency rule", nil
	}
	return "", "", nil
}

// Kinds of constraint violation, from the driver's error code.
const (
	violationOther = iota
	violationUnique
	violationForeignKey
	violationCheck
)

// violation classifies a constraint error by SQLSTATE (PostgreSQL) or
// extended result code (SQLite), never by message text.
func violation(err error) int {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case "23505":
			return violationUnique
		case "23503":
			return violationForeignKey
		case "23514":
			return violationCheck
		}
	}
	if liteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return violationUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return violationForeignKey
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return violationCheck
		}
	}
	return violationOther
}

// camelPath turns a snake_case field path ("config.user_fields") into the
// GraphQL spelling ("config.userFields").
func camelPath(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		var b strings.Builder
		up := false
		for _, r := range p {
			switch {
			case r == '_':
				up = true
			case up:
				b.WriteString(strings.ToUpper(string(r)))
				up = false
			default:
				b.WriteRune(r)
			}
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, ".")
}

// recoverPanic logs a resolver panic with its stack and answers generically.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "graphql resolver panic", "panic", fmt.Sprint(p),
			"stack", string(debug.Stack()), "request_id", requestinfo.FromContext(ctx).RequestID)
		return fmt.Errorf("internal panic: %v", p) // unknown to classify: presented generically
	}
}

// eventKeyError is the context key of a SYSTEM_EXCEPTION event's error text.
const eventKeyError = "error"

// maxExceptionText bounds the error text a SYSTEM_EXCEPTION event keeps.
const maxExceptionText = 500

// recordInternal wraps present so that every error answered INTERNAL_ERROR
// (a bug, or a failure nothing classifies; a panic too) is also recorded as
// a SYSTEM_EXCEPTION event for the audit log and notification rules: the
// request ID the client was given, the field's path and the error's text
// (the client saw none of it). The event is written with the base client,
// outside the operation's transaction, which is rolled back. Nil auditor:
// present itself.
func recordInternal(present graphql.ErrorPresenterFunc, client *ent.Client, auditor executor.Auditor, logger *slog.Logger) graphql.ErrorPresenterFunc {
	if auditor == nil {
		return present
	}
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := present(ctx, err)
		if out.Extensions[extensionCode] != CodeInternalError {
			return out
		}
		text := err.Error()
		if len(text) > maxExceptionText {
			text = text[:maxExceptionText] + "…"
		}
		data := map[string]any{"request_id": out.Extensions[extensionRequestID], "path": out.Path.String(), eventKeyError: text}
		// Not the transaction's event: announced now, kept after rollback.
		rctx := ent.NewTxContext(context.WithoutCancel(ctx), nil)
		if _, rerr := auditor.Record(rctx, client, enum.EventActionSystemException, data); rerr != nil {
			logger.WarnContext(ctx, "record system_exception event", "error", rerr, "request_id", data["request_id"])
		}
		return out
	}
}
