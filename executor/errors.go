package executor

import "errors"

// Errors the executor returns; the GraphQL edge maps each to a stable code.
var (
	// ErrFlowNotFound means no flow has the slug.
	ErrFlowNotFound = errors.New("flow not found")
	// ErrExecutionNotFound means the execution is unknown, expired, or
	// belongs to another session: the three are indistinguishable on
	// purpose.
	ErrExecutionNotFound = errors.New("flow execution not found")
	// ErrWrongStage means the response does not answer the current stage
	// (another kind, or the flow has moved on or ended).
	ErrWrongStage = errors.New("the response does not answer the current stage")
	// ErrStale means another request changed the execution first; read it
	// again and answer the challenge it shows now.
	ErrStale = errors.New("the flow execution changed concurrently")
	// ErrInvalidNext means the next URL is not a relative path on this
	// server (absolute and scheme-relative URLs are refused: no open
	// redirects).
	ErrInvalidNext = errors.New("next must be a relative path such as /app")
)
