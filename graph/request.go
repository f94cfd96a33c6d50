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
	var query, reason string
	switch {
	case r.Header.Get("Upgrade") != "", r.Method == http.MethodOptions, r.Method == http.MethodHead:
		c.next.ServeHTTP(w, r)
		return
	case r.Method == http.MethodGet:
		query, reason = getParams(r)
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
	if err := c.parse(r.Context(), query); err != nil {
		writeErrors(w, http.StatusBadRequest, err)
		return
	}
	c.next.ServeHTTP(w, r)
}

// getParams returns the query of a GET request, or why the request is not
// a GraphQL request.
func getParams(r *http.Request) (query, reason string) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", "the query string is malformed"
	}
	for _, name := range []string{"variables", "extensions"} {
		if v := params.Get(name); v != "" && !isObject([]byte(v)) {
			return "", name + " must be a JSON object"
		}
	}
	if query = params.Get("query"); query == "" {
		return "", "the request has no query"
	}
	return query, ""
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
	case req.Query == nil || *req.Query == "":
		return nil, "", "the request has no query"
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

// parse returns GRAPHQL_PARSE_FAILED errors when query does not parse.
func (c requestCheck) parse(ctx context.Context, query string) gqlerror.List {
	if _, ok := c.cache.Get(ctx, query); ok {
		return nil
	}
	_, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.tokenLimit)
	if err == nil {
		return nil
	}
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = gqlerror.Wrap(err)
	}
	errcode.Set(gqlErr, errcode.ParseFailed)
	return gqlerror.List{gqlErr}
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
