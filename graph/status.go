package graph

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"github.com/gatehouse-id/gatehouse/authn"
)

// HTTP status of POST and GET responses. gqlgen answers 200 whatever the
// resolvers returned (422, or 400 for application/graphql-response+json,
// only for its own parse and validation errors). Some codes deserve their
// own status:
//
//	extensions.code                     HTTP status
//	UNAVAILABLE                         503, with Retry-After
//	COMPLEXITY_LIMIT_EXCEEDED           422 (400 for graphql-response+json),
//	DEPTH_LIMIT_EXCEEDED                as gqlgen's validation failures
//	PAGE_SIZE_LIMIT_EXCEEDED
//	anything else                       gqlgen's status
//
// statusExtension, the outermost response interceptor, records the status
// of each response's (already presented) errors in the request's
// responseStatus; statusWriter holds back gqlgen's WriteHeader until the
// body is written and then writes the recorded status instead of a 200.
// Websockets and SSE streams keep gqlgen's handling: their status is
// written before any result exists.

// statusOf is the HTTP status of a response with an error of code; 0
// leaves gqlgen's.
func statusOf(code string) int {
	switch code {
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeComplexityLimit, CodeDepthLimit, CodePageSizeLimit:
		return http.StatusUnprocessableEntity
	}
	return 0
}

type statusKey struct{}

// responseStatus is the status a request's response must get, 0 for
// gqlgen's. It is safe for concurrent use.
type responseStatus struct{ code atomic.Int32 }

// raise records status unless a higher one is recorded already: 503 wins
// over 422.
func (s *responseStatus) raise(status int) {
	for {
		cur := s.code.Load()
		if int32(status) <= cur || s.code.CompareAndSwap(cur, int32(status)) { //nolint:gosec // HTTP statuses fit in int32
			return
		}
	}
}

// statusExtension records the HTTP status of every response's errors.
type statusExtension struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = statusExtension{}

// ExtensionName implements graphql.HandlerExtension.
func (statusExtension) ExtensionName() string { return "GatehouseHTTPStatus" }

// Validate implements graphql.HandlerExtension.
func (statusExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse implements graphql.ResponseInterceptor. It runs for
// executed operations and for refused ones (gqlgen's DispatchError, which
// carries the limit errors) alike, after the error presenter.
func (statusExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	s, ok := ctx.Value(statusKey{}).(*responseStatus)
	if !ok || resp == nil {
		return resp
	}
	for _, e := range resp.Errors {
		if code, ok := e.Extensions[extensionCode].(string); ok {
			s.raise(statusOf(code))
		}
	}
	return resp
}

// withStatus gives POST and GET requests a statusWriter and a
// responseStatus for statusExtension to fill; websocket upgrades and SSE
// streams pass through untouched.
func withStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		s := &responseStatus{}
		sw := &statusWriter{ResponseWriter: w, status: s}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), statusKey{}, s)))
		sw.commit()
	})
}

// isStream reports whether r opens a stream (a websocket upgrade, as
// gqlgen's websocket transport tells them, or SSE) rather than asking for
// one response.
func isStream(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// statusWriter delays the status line until the body starts, so that the
// status recorded while the response was built can replace gqlgen's 200.
type statusWriter struct {
	http.ResponseWriter

	status    *responseStatus
	requested int // the status the handler asked for; 0 for none
	committed bool
}

// WriteHeader implements http.ResponseWriter: it records code, which
// commit writes (or replaces).
func (w *statusWriter) WriteHeader(code int) {
	if !w.committed && w.requested == 0 {
		w.requested = code
	}
}

// Write implements http.ResponseWriter.
func (w *statusWriter) Write(b []byte) (int, error) {
	w.commit()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// commit writes the status line once: the recorded status when the
// handler asked for 200 (or nothing), else the handler's.
func (w *statusWriter) commit() {
	if w.committed {
		return
	}
	w.committed = true
	code := w.requested
	if code == 0 {
		code = http.StatusOK
	}
	if recorded := int(w.status.code.Load()); recorded != 0 && code == http.StatusOK {
		code = recorded
	}
	switch code {
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", authn.RetryAfter)
	case http.StatusUnprocessableEntity:
		// The GraphQL-over-HTTP media type answers validation failures
		// 400, as gqlgen does for its own.
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/graphql-response+json") {
			code = http.StatusBadRequest
		}
	}
	w.ResponseWriter.WriteHeader(code)
}
