package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// post sends query as v over POST with extra headers and returns the raw
// answer and its decoded body.
func post(t *testing.T, h http.Handler, v viewer.Viewer, query string, header http.Header) (*httptest.ResponseRecorder, response) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	req := httptest.NewRequestWithContext(viewer.NewContext(t.Context(), v), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	maps.Copy(req.Header, header)
	return serveRecorded(t, h, req)
}

// get sends query as v over GET.
func get(t *testing.T, h http.Handler, v viewer.Viewer, query string) (*httptest.ResponseRecorder, response) {
	t.Helper()
	req := httptest.NewRequestWithContext(viewer.NewContext(t.Context(), v), http.MethodGet,
		"/graphql?"+url.Values{"query": {query}}.Encode(), nil)
	return serveRecorded(t, h, req)
}

func serveRecorded(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, response) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
	return rec, resp
}

// unreachableSessions is a session store whose backend does not answer:
// a River-style partial mock (any other method panics).
type unreachableSessions struct{ session.Store }

func (unreachableSessions) ListByUser(context.Context, int) (map[string]*session.Session, error) {
	return nil, fmt.Errorf("list sessions: %w", problem.Unavailable(errors.New("dial unix /run/redis.sock: connect: no such file or directory")))
}

func TestHTTPStatusOfUnavailable(t *testing.T) {
	t.Parallel()
	db := servicetest.Database(t, "sqlite3")
	u, err := db.Ent.User.Create().SetUsername("alice").Save(viewer.SystemContext(t.Context()))
	require.NoError(t, err)
	alice := viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: "alice"}
	h := graph.NewHandler(graph.Deps{Client: db.Ent, Sessions: &session.Manager{Store: unreachableSessions{}}}, graph.Options{})
	const query = `{ viewer { sessions { key } } }`

	for name, send := range map[string]func() (*httptest.ResponseRecorder, response){
		"POST": func() (*httptest.ResponseRecorder, response) { return post(t, h, alice, query, nil) },
		"GET":  func() (*httptest.ResponseRecorder, response) { return get(t, h, alice, query) },
	} {
		rec, resp := send()
		e := requireCode(t, resp, graph.CodeUnavailable)
		require.NotContains(t, e.Message, "redis.sock", name)
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, name)
		require.Equal(t, "5", rec.Header().Get("Retry-After"), name)
	}

	// Other resolver errors keep gqlgen's 200.
	rec, resp := post(t, h, alice, `{ node(id: "0") { id } }`, nil)
	require.NotEmpty(t, resp.Errors)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, rec.Header().Get("Retry-After"))
}

func TestHTTPStatusOfLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3", func(o *graph.Options) {
		o.Limits = graph.Limits{MaxDepth: 4, MaxComplexity: 50, MaxPageSize: 10, DefaultPageSize: 3}
	})
	graphqlResponse := http.Header{"Accept": {"application/graphql-response+json"}}
	for _, tc := range []struct {
		name, query, code string
	}{
		{"depth", `{ flows(first: 1) { edges { node { bindings(first: 1) { totalCount } } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		{"page size", `{ flows(first: 11) { totalCount } }`, "PAGE_SIZE_LIMIT_EXCEEDED"},
		{"complexity", `{ a: flows(first: 10) { edges { node { id slug name } } } b: flows(first: 10) { edges { node { id } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"gqlgen's own validation", `{ flowz { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, resp := post(t, b.handler, b.admin, tc.query, nil)
			requireCode(t, resp, tc.code)
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code)

			rec, resp = post(t, b.handler, b.admin, tc.query, graphqlResponse)
			requireCode(t, resp, tc.code)
			require.Equal(t, http.StatusBadRequest, rec.Code, "application/graphql-response+json answers validation failures 400")

			rec, resp = get(t, b.handler, b.admin, tc.query)
			requireCode(t, resp, tc.code)
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
		})
	}
	t.Run("within limits", func(t *testing.T) {
		t.Parallel()
		rec, resp := post(t, b.handler, b.admin, `{ flows(first: 2) { totalCount } }`, nil)
		require.Empty(t, resp.Errors)
		require.Equal(t, http.StatusOK, rec.Code)
	})
}
