package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph"
)

// serveRaw sends one request to the bundle's handler as v.
func (b *testBundle) serveRaw(t *testing.T, v viewer.Viewer, method, target string, header http.Header, body []byte) (*httptest.ResponseRecorder, response) {
	t.Helper()
	req := httptest.NewRequestWithContext(viewer.NewContext(t.Context(), v), method, target, bytes.NewReader(body))
	maps.Copy(req.Header, header)
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	var resp response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
	return rec, resp
}

// Requests that no transport takes, and operations a GET cannot carry,
// are answered with an extensions.code like every other refusal.
func TestTransportRefusalsHaveCodes(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)

	q := url.Values{"query": {`mutation { revokeOtherSessions }`}}
	rec, resp := b.serveRaw(t, b.alice, http.MethodGet, "/graphql?"+q.Encode(), nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, "POST", rec.Header().Get("Allow"))
	require.Equal(t, graph.CodeMethodNotAllowed, resp.code())

	q = url.Values{"query": {`query A { __typename } mutation B { revokeOtherSessions }`}, "operationName": {"B"}}
	rec, resp = b.serveRaw(t, b.alice, http.MethodGet, "/graphql?"+q.Encode(), nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code, "the named operation counts")
	require.Equal(t, graph.CodeMethodNotAllowed, resp.code())

	q.Set("operationName", "A")
	rec, resp = b.serveRaw(t, b.alice, http.MethodGet, "/graphql?"+q.Encode(), nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, resp.Errors, "a query of the same document runs")

	rec, resp = b.serveRaw(t, b.alice, http.MethodGet, "/graphql?query=%7B__typename%7D", http.Header{"Upgrade": {"h2c"}}, nil)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Equal(t, graph.CodeBadRequest, resp.code())
	require.Contains(t, resp.Errors[0].Message, "transport not supported")
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Apollo's persisted-query link works unmodified: a hash the server does
// not know answers PERSISTED_QUERY_NOT_FOUND (HTTP 200), the query sent
// with its hash registers it, and the hash alone then runs it, over POST
// and GET.
func TestAutomaticPersistedQueries(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	const query = `query Me { viewer { user { username } } }`
	ext := func(hash string) map[string]any {
		return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	}
	post := func(body map[string]any) (*httptest.ResponseRecorder, response) {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		return b.serveRaw(t, b.alice, http.MethodPost, "/graphql", http.Header{"Content-Type": {"application/json"}}, raw)
	}
	hash := sha256Hex(query)

	rec, resp := post(map[string]any{"extensions": ext(hash)})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", resp.code())
	require.Equal(t, "PersistedQueryNotFound", resp.Errors[0].Message, "the message Apollo's link also matches")

	_, resp = post(map[string]any{"query": query, "extensions": ext(hash)})
	require.Empty(t, resp.Errors)
	require.JSONEq(t, `{"viewer":{"user":{"username":"alice"}}}`, string(resp.Data))

	_, resp = post(map[string]any{"extensions": ext(hash)})
	require.Empty(t, resp.Errors)
	require.JSONEq(t, `{"viewer":{"user":{"username":"alice"}}}`, string(resp.Data), "the hash alone runs it now")

	extJSON, err := json.Marshal(ext(hash))
	require.NoError(t, err)
	rec, resp = b.serveRaw(t, b.alice, http.MethodGet, "/graphql?"+url.Values{"extensions": {string(extJSON)}}.Encode(), nil, nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Empty(t, resp.Errors)
	require.JSONEq(t, `{"viewer":{"user":{"username":"alice"}}}`, string(resp.Data), "GET with extensions")

	_, resp = post(map[string]any{"query": `{ __typename }`, "extensions": ext(hash)})
	require.Equal(t, graph.CodeBadRequest, resp.code(), "a hash that is not the query's")
	_, resp = post(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hash}}})
	require.Equal(t, graph.CodeBadRequest, resp.code(), "an unknown protocol version")
	_, resp = post(map[string]any{"extensions": map[string]any{}})
	require.Equal(t, graph.CodeBadRequest, resp.code(), "no query and no hash")
}

// specDirectiveLocations are the values of __DirectiveLocation in the
// GraphQL specification (October 2021, §4.2 and the introspection
// schema).
var specDirectiveLocations = []string{
	"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
	"VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE",
	"UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
}

// introspectionQuery is what graphql-js's getIntrospectionQuery asks for
// (with descriptions, specifiedByURL, isOneOf and input deprecations).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`

// The introspection result is what the specification allows: strict
// clients (graphql-core's build_client_schema) refuse a schema whose
// directives list a location the specification does not have, and the
// prelude of gqlparser gives @deprecated one (DIRECTIVE_DEFINITION). The
// result must also describe a schema that a strict builder accepts: it is
// rebuilt here as SDL and loaded with gqlparser's validation.
func TestIntrospectionIsSpecValid(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	var out struct {
		Schema struct {
			Types []struct {
				Kind, Name string
				IsOneOf    *bool
			}
			Directives []struct {
				Name      string
				Locations []string
			}
		} `json:"__schema"`
	}
	b.mustDo(t, b.admin, introspectionQuery, nil, &out)
	require.NotEmpty(t, out.Schema.Directives)
	names := map[string]bool{}
	for _, d := range out.Schema.Directives {
		names[d.Name] = true
		require.NotEmpty(t, d.Locations, d.Name)
		for _, l := range d.Locations {
			require.True(t, slices.Contains(specDirectiveLocations, l), "@%s lists %s, which the specification does not have", d.Name, l)
		}
	}
	for _, d := range []string{"deprecated", "include", "skip", "specifiedBy", "oneOf"} {
		require.True(t, names[d], "@%s is introspected", d)
	}
	oneOf := map[string]bool{}
	for _, typ := range out.Schema.Types {
		if typ.IsOneOf != nil && *typ.IsOneOf {
			oneOf[typ.Name] = true
		}
	}
	require.True(t, oneOf["ChallengeResponseInput"], "isOneOf is introspected")

	// The served schema, rebuilt from its SDL, validates strictly.
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: graph.SDL()})
	require.NoError(t, err)
	require.Equal(t, []ast.DirectiveLocation{
		ast.LocationFieldDefinition, ast.LocationArgumentDefinition, ast.LocationInputFieldDefinition, ast.LocationEnumValue,
	}, s.Directives["deprecated"].Locations)
}
