package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/gatehouse-id/gatehouse/authn"
)

// CodeBadRequest is the extensions.code of a request that is not a GraphQL
// request at all (HTTP 400): a body that is not a JSON object, a query that
// is not a string, variables that are not an object.
const CodeBadRequest = "BAD_REQUEST"

// CodeMethodNotAllowed is the extensions.code of a request whose HTTP
// method cannot carry it (HTTP 405): a mutation or subscription sent with
// GET, or a schema download that is not a GET.
const CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"

// requestCheck answers HTTP requests that are not GraphQL requests, and
// queries that do not parse, with a coded 400 before gqlgen's transports
// see them. The transports would answer a body they cannot decode with an
// error quoting the body (passwords included), dispatched with no
// operation, and a query that does not parse with 422 or 200 depending on
// the transport. Websocket messages are the websocket transport's to check.
type requestCheck struct {
	next http.Handler
	// cache is the executor's query cache: a query found there parsed
	// before, so it is not parsed again here.
	cache      graphql.Cache[*ast.QueryDocument]
	tokenLimit int
}

// ServeHTTP implements http.Handler.
func (c requestCheck) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var query, operation, reason string
	switch {
	case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"), r.Method == http.MethodOptions, r.Method == http.MethodHead:
		c.next.ServeHTTP(w, r)
		return
	case r.Header.Get("Upgrade") != "": // the websocket transport would take it and fail
		unsupported{}.Do(w, r, nil)
		return
	case r.Method == http.MethodGet:
		query, operation, reason = getParams(r)
	case r.Method == http.MethodPost:
		var body []byte
		body, query, reason = postParams(r)
		if reason == "" {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
	default:
		reason = "a GraphQL request is a POST, or a GET for queries"
	}
	if reason != "" {
		authn.WriteError(w, http.StatusBadRequest, CodeBadRequest, reason)
		return
	}
	if query == "" { // a persisted query's hash alone: the APQ extension looks it up
		c.next.ServeHTTP(w, r)
		return
	}
	doc, err := c.parse(r.Context(), query)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err)
		return
	}
	if r.Method == http.MethodGet {
		if op := doc.Operations.ForName(operation); op != nil && op.Operation != ast.Query {
			// GraphQL over HTTP: 405 for a mutation or subscription over GET.
			w.Header().Set("Allow", "POST")
			authn.WriteError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"GET requests only allow query operations; send "+string(op.Operation)+"s with POST")
			return
		}
	}
	c.next.ServeHTTP(w, r)
}

// getParams returns the query and operation name of a GET request, or why
// the request is not a GraphQL request. The query is empty for a
// persisted query sent by its hash alone.
func getParams(r *http.Request) (query, operation, reason string) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", "", "the query string is malformed"
	}
	for _, name := range []string{"variables", "extensions"} {
		if v := params.Get(name); v != "" && !isObject([]byte(v)) {
			return "", "", name + " must be a JSON object"
		}
	}
	if query = params.Get("query"); query == "" && !persisted([]byte(params.Get("extensions"))) {
		return "", "", "the request has no query"
	}
	return query, params.Get("operationName"), ""
}

// persisted reports whether extensions, a JSON object, name a persisted
// query (extensions.persistedQuery, the automatic persisted queries
// protocol).
func persisted(extensions []byte) bool {
	var ext struct {
		PersistedQuery map[string]any `json:"persistedQuery"`
	}
	return len(extensions) > 0 && json.Unmarshal(extensions, &ext) == nil && ext.PersistedQuery != nil
}

// postParams reads the body of a POST request and returns it with its
// query, or why the request is not a GraphQL request. gqlgen's POST and
// SSE transports decode the body again; after this check they cannot fail.
func postParams(r *http.Request) (body []byte, query, reason string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, "", "a GraphQL POST request has Content-Type application/json"
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, "", "the request body could not be read"
	}
	var req struct {
		Query         *string         `json:"query"`
		OperationName *string         `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, "", bodyProblem(err)
	}
	switch {
	case !isObject(req.Variables):
		return nil, "", "variables must be a JSON object"
	case !isObject(req.Extensions):
		return nil, "", "extensions must be a JSON object"
	case (req.Query == nil || *req.Query == "") && !persisted(req.Extensions):
		return nil, "", "the request has no query"
	case req.Query == nil:
		return body, "", ""
	}
	return body, *req.Query, ""
}

// bodyProblem explains why a body did not decode, naming the member at
// fault but never quoting the body.
func bodyProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return typeErr.Field + " must be a string"
	case errors.As(err, &typeErr):
		return "the request body must be a JSON object"
	default:
		return "the request body is not valid JSON"
	}
}

// isObject reports whether raw, a JSON value, is absent, null or an object.
func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	var obj map[string]json.RawMessage
	return raw[0] == '{' && json.Unmarshal(raw, &obj) == nil
}

// parse returns query's document, or GRAPHQL_PARSE_FAILED errors when it
// does not parse.
func (c requestCheck) parse(ctx context.Context, query string) (*ast.QueryDocument, gqlerror.List) {
	if doc, ok := c.cache.Get(ctx, query); ok {
		return doc, nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.tokenLimit)
	if err == nil {
		return doc, nil
	}
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = gqlerror.Wrap(err)
	}
	errcode.Set(gqlErr, errcode.ParseFailed)
	return nil, gqlerror.List{gqlErr}
}

// unsupported is the last transport: it answers every request no other
// transport takes with a coded 400 instead of gqlgen's uncoded "transport
// not supported". requestCheck sends it what it knows no transport serves
// (an Upgrade to anything but a websocket).
type unsupported struct{}

// Supports implements graphql.Transport.
func (unsupported) Supports(*http.Request) bool { return true }

// Do implements graphql.Transport.
func (unsupported) Do(w http.ResponseWriter, _ *http.Request, _ graphql.GraphExecutor) {
	authn.WriteError(w, http.StatusBadRequest, CodeBadRequest,
		"transport not supported: send a POST, a GET for queries, a graphql-transport-ws websocket or an SSE request")
}

// writeErrors answers a GraphQL response of errs alone.
func writeErrors(w http.ResponseWriter, status int, errs gqlerror.List) {
	body, err := json.Marshal(&graphql.Response{Errors: errs})
	if err != nil {
		authn.WriteError(w, http.StatusInternalServerError, CodeInternalError, "the error could not be encoded")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
