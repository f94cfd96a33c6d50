package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/session"
)

// gatedField is a field behind @superuser and how to call it.
type gatedField struct {
	// query calls the field with arguments of the right shape;
	// subscriptions go over SSE.
	query string
	// admin calls the field as a superuser and checks that it answers.
	admin func(t *testing.T, b *testBundle)
}

// superuserFields are the fields the schema marks @superuser, by
// "Type.field". TestEveryFieldHasAGate requires the schema to mark exactly
// these; TestSuperuserGate calls each as every kind of caller.
var superuserFields = map[string]gatedField{
	"Query.jobs": {
		query: `{ jobs { edges { node { id } } } }`,
		admin: func(t *testing.T, b *testBundle) {
			b.enqueueMail(t, "gate")
			var out jobPage
			b.mustDo(t, b.admin, listJobs, nil, &out)
			require.Len(t, out.Jobs.Edges, 1)
		},
	},
	"Mutation.retryJob": {
		query: `mutation { retryJob(id: "1") { id } }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.do(t, b.admin, `mutation { retryJob(id: "999999999") { id } }`, nil), "NOT_FOUND")
		},
	},
	"Mutation.sendRecoveryLink": {
		query: `mutation { sendRecoveryLink(userID: "1") { sentTo } }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.do(t, b.admin, `mutation { sendRecoveryLink(userID: "999999999") { sentTo } }`, nil), "NOT_FOUND")
		},
	},
	"Mutation.cancelJob": {
		query: `mutation { cancelJob(id: "1") { id } }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.do(t, b.admin, `mutation { cancelJob(id: "999999999") { id } }`, nil), "NOT_FOUND")
		},
	},
	"Query.exportFlow": {
		query: `{ exportFlow(slug: "login") }`,
		admin: func(t *testing.T, b *testBundle) {
			b.createFlow(t, "login", "authentication")
			var out struct{ ExportFlow string }
			b.mustDo(t, b.admin, `{ exportFlow(slug: "login") }`, nil, &out)
			require.Contains(t, out.ExportFlow, "slug: login")
		},
	},
	"Mutation.importFlow": {
		query: `mutation { importFlow(document: "version: 1") { id } }`,
		admin: func(t *testing.T, b *testBundle) {
			b.createFlow(t, "login", "authentication")
			var exported struct{ ExportFlow string }
			b.mustDo(t, b.admin, `{ exportFlow(slug: "login") }`, nil, &exported)
			var out struct{ ImportFlow struct{ Slug string } }
			b.mustDo(t, b.admin, `mutation($doc: String!) { importFlow(document: $doc) { slug } }`,
				map[string]any{"doc": exported.ExportFlow}, &out)
			require.Equal(t, "login", out.ImportFlow.Slug)
		},
	},
	"Query.testPolicy": {
		query: `{ testPolicy(input: {flowId: "1"}) { passing } }`,
		admin: func(t *testing.T, b *testBundle) {
			flowID := b.createFlow(t, "login", "authentication")
			var out struct{ TestPolicy struct{ Passing bool } }
			b.mustDo(t, b.admin, `query($id: ID!) { testPolicy(input: {flowId: $id}) { passing } }`,
				map[string]any{"id": flowID}, &out)
			require.True(t, out.TestPolicy.Passing, "a flow without bindings passes")
		},
	},
	"Query.testScopeMapping": {
		query: `{ testScopeMapping(id: "1", userID: "1") { error } }`,
		admin: func(t *testing.T, b *testBundle) {
			m := b.scope(t, "ERP", "erp", `{"who": user.username}`)
			var out struct {
				TestScopeMapping struct{ Claims map[string]any }
			}
			b.mustDo(t, b.admin, testScope, map[string]any{"id": m.ID, "user": itoa(b.alice.UserID)}, &out)
			require.Equal(t, map[string]any{"who": "alice"}, out.TestScopeMapping.Claims)
		},
	},
	"Query.flowInspection": {
		query: `{ flowInspection(executionId: "no-such-execution") { executionId } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct{ FlowInspection *struct{ ExecutionID string } }
			b.mustDo(t, b.admin, `{ flowInspection(executionId: "no-such-execution") { executionId } }`, nil, &out)
			require.Nil(t, out.FlowInspection, "an unknown execution is null")
		},
	},
	"Subscription.flowInspector": {
		query: `subscription { flowInspector(executionId: "no-such-execution") { executionId } }`,
		admin: func(t *testing.T, b *testBundle) {
			// The resolver runs: the executor does not know the execution.
			r := <-b.subscribe(t, b.admin, `subscription { flowInspector(executionId: "no-such-execution") { executionId } }`)
			requireCode(t, r, "NOT_FOUND")
		},
	},
	"Query.eventStats": {
		query: `{ eventStats(actions: [LOGIN], since: "2026-01-01T00:00:00Z") { count } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct{ EventStats []struct{ Count int } }
			since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			b.mustDo(t, b.admin, `query($since: Time!) { eventStats(actions: [LOGIN], since: $since) { count } }`, map[string]any{"since": since}, &out)
			require.Empty(t, out.EventStats, "no logins yet")
		},
	},
	"Query.serverInfo": {
		query: `{ serverInfo { version } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct{ ServerInfo struct{ Version string } }
			b.mustDo(t, b.admin, `{ serverInfo { version } }`, nil, &out)
			require.Equal(t, "gatehouse (test build)", out.ServerInfo.Version)
		},
	},
	"Query.activeSessions": {
		query: `{ activeSessions }`,
		admin: func(t *testing.T, b *testBundle) {
			count := func() int {
				var out struct{ ActiveSessions int }
				b.mustDo(t, b.admin, `{ activeSessions }`, nil, &out)
				return out.ActiveSessions
			}
			before := count()
			ctx := t.Context()
			for range 2 {
				_, _, err := b.sessions.Login(ctx, "", b.alice.UserID, session.LoginOptions{})
				require.NoError(t, err)
			}
			_, _, err := b.sessions.Start(ctx, session.Client{})
			require.NoError(t, err)
			require.Equal(t, before+2, count(), "alice's two sessions, not the anonymous one")
		},
	},
	"Query.topApplications": {
		query: `{ topApplications(since: "2026-01-01T00:00:00Z") { slug } }`,
		admin: func(t *testing.T, b *testBundle) {
			ctx := viewer.SystemContext(t.Context())
			_, err := b.client.Application.Create().SetName("Wiki").SetSlug("wiki").Save(ctx)
			require.NoError(t, err)
			for _, slug := range []string{"wiki", "wiki", "gone"} {
				_, err := b.client.Event.Create().SetAction(enum.EventActionAuthorizeApplication).SetContext(map[string]any{"application": slug}).
					SetExpires(time.Now().Add(time.Hour)).Save(ctx)
				require.NoError(t, err)
			}
			var out struct {
				TopApplications []struct {
					Slug        string
					Count       int
					Application *struct{ Name string }
				}
			}
			since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			b.mustDo(t, b.admin, `query($since: Time!) { topApplications(since: $since, first: 10) { slug count application { name } } }`,
				map[string]any{"since": since}, &out)
			require.Len(t, out.TopApplications, 2)
			require.Equal(t, "wiki", out.TopApplications[0].Slug)
			require.Equal(t, 2, out.TopApplications[0].Count)
			require.NotNil(t, out.TopApplications[0].Application)
			require.Equal(t, "Wiki", out.TopApplications[0].Application.Name)
			require.Equal(t, "gone", out.TopApplications[1].Slug)
			require.Nil(t, out.TopApplications[1].Application, "no application has the slug now")
			r := b.do(t, b.admin, `query($since: Time!) { topApplications(since: $since, first: 51) { slug } }`, map[string]any{"since": since})
			require.NotEmpty(t, r.Errors)
		},
	},
	"User.authenticatorDevices": {
		query: `{ users { edges { node { authenticatorDevices { id } } } } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct {
				Users struct {
					Edges []struct {
						Node struct{ AuthenticatorDevices []struct{ ID string } }
					}
				}
			}
			b.mustDo(t, b.admin, `{ users { edges { node { authenticatorDevices { id } } } } }`, nil, &out)
			require.NotEmpty(t, out.Users.Edges)
			require.Empty(t, out.Users.Edges[0].Node.AuthenticatorDevices, "no one has a device")
		},
	},
	"Mutation.deleteUserAuthenticatorDevice": {
		query: `mutation { deleteUserAuthenticatorDevice(id: "1") }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.call(t, b.admin, `mutation { deleteUserAuthenticatorDevice(id: "1") }`), "NOT_FOUND")
		},
	},
	"User.sessions": {
		query: `{ users { edges { node { sessions { key } } } } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct {
				Users struct {
					Edges []struct {
						Node struct{ Sessions []struct{ Key string } }
					}
				}
			}
			b.mustDo(t, b.admin, `{ users { edges { node { sessions { key } } } } }`, nil, &out)
			require.NotEmpty(t, out.Users.Edges)
			require.Empty(t, out.Users.Edges[0].Node.Sessions, "no one is logged in")
		},
	},
	"User.consents": {
		query: `{ users { edges { node { consents { scopes } } } } }`,
		admin: func(t *testing.T, b *testBundle) {
			var out struct {
				Users struct {
					Edges []struct {
						Node struct{ Consents []struct{ Scopes []string } }
					}
				}
			}
			b.mustDo(t, b.admin, `{ users { edges { node { consents { scopes } } } } }`, nil, &out)
			require.NotEmpty(t, out.Users.Edges)
			require.Empty(t, out.Users.Edges[0].Node.Consents, "no one has consented")
		},
	},
	"Mutation.revokeUserSessions": {
		query: `mutation { revokeUserSessions(userID: "1") }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.call(t, b.admin, `mutation { revokeUserSessions(userID: "999999999") }`), "NOT_FOUND")
		},
	},
	"Mutation.revokeUserConsent": {
		query: `mutation { revokeUserConsent(userID: "1", applicationSlug: "app") }`,
		admin: func(t *testing.T, b *testBundle) {
			requireCode(t, b.call(t, b.admin, `mutation { revokeUserConsent(userID: "1", applicationSlug: "app") }`), "NOT_FOUND")
		},
	},
	"Subscription.eventCreated": {
		query: `subscription { eventCreated { action } }`,
		admin: func(t *testing.T, b *testBundle) {
			events := b.subscribe(t, b.admin, `subscription { eventCreated(where: {actionIn: [MODEL_CREATED]}) { action } }`)
			// SSE does not say when the subscription is live: each flow
			// created is a fresh chance for an event, until the deadline.
			deadline := time.After(30 * time.Second)
			for i := 0; ; i++ {
				b.createFlow(t, "watched-"+strconv.Itoa(i), "authentication")
				select {
				case r, ok := <-events:
					require.True(t, ok, "the stream ended")
					require.Empty(t, r.Errors)
					require.JSONEq(t, `{"eventCreated": {"action": "MODEL_CREATED"}}`, string(r.Data))
					return
				case <-time.After(200 * time.Millisecond):
				case <-deadline:
					t.Fatal("no event arrived")
				}
			}
		},
	},
}

// openFields are the root fields anyone may call, and why: they act only
// on the caller's own brand, session or flow executions. Every other root
// field is behind @superuser or reads and writes through ent, whose
// privacy rules (ent/schema/rule) decide.
var openFields = map[string]string{
	"Query.currentBrand":                 "the brand serving the request; what every page shows",
	"Query.viewer":                       "the caller itself",
	"Query.flowExecution":                "an execution of the caller's session",
	"Subscription.flowExecution":         "an execution of the caller's session",
	"Mutation.startFlow":                 "starts a flow for the caller's session",
	"Mutation.submitChallenge":           "answers an execution of the caller's session",
	"Mutation.restartFlow":               "restarts an execution of the caller's session",
	"Mutation.cancelFlow":                "ends an execution of the caller's session",
	"Mutation.revokeSession":             "ends one of the caller's own sessions",
	"Mutation.revokeOtherSessions":       "ends the caller's other sessions",
	"Mutation.revokeApplicationAccess":   "forgets the caller's own consent and revokes the caller's own tokens",
	"Mutation.renameAuthenticatorDevice": "renames one of the caller's own second factors",
	"Mutation.deleteAuthenticatorDevice": "deletes one of the caller's own second factors",
	"Mutation.markNotificationsSeen":     "marks the caller's own notifications seen",
	"Subscription.notificationCreated":   "the caller's own new notifications",
}

// entSources are the SDL files whose root fields read and write only
// through ent, under the caller's viewer: entgql's queries (node, nodes,
// the connections) and the create/update/delete mutations.
var entSources = []string{"ent.graphqls", "schema/admin.graphqls", "schema/admin_outposts.graphqls", "schema/admin_notifications.graphqls"}

// sharedTypes are types a @superuser field returns that other callers see
// too, and why that is safe.
var sharedTypes = map[string]string{
	"FieldError":           "every challenge carries the errors of the caller's own last response",
	"AuthenticatorDevice":  "users see their own second factors (viewer.authenticatorDevices), admins anyone's",
	"UserSession":          "users see their own sessions (viewer.sessions), admins anyone's (User.sessions)",
	"ConnectedApplication": "users see their own consents (viewer.connectedApplications), admins anyone's (User.consents)",
}

// TestEveryFieldHasAGate walks the schema: every root field is behind
// @superuser, served from ent (whose privacy rules guard it), or listed as
// open to everyone; and no field outside @superuser returns a type only
// superusers may see (what a @superuser field returns, ent objects and
// sharedTypes aside).
func TestEveryFieldHasAGate(t *testing.T) {
	t.Parallel()
	s := graph.NewSchema(graph.Deps{}).Schema()

	var marked []string
	for _, typ := range s.Types {
		for _, f := range typ.Fields {
			if f.Directives.ForName("superuser") != nil {
				marked = append(marked, typ.Name+"."+f.Name)
			}
		}
	}
	slices.Sort(marked)
	want := make([]string, 0, len(superuserFields))
	for name := range superuserFields {
		want = append(want, name)
	}
	slices.Sort(want)
	require.Equal(t, want, marked, "the fields marked @superuser (add each to superuserFields, with a test)")

	for name := range openFields {
		typ, field, _ := strings.Cut(name, ".")
		require.NotNil(t, s.Types[typ].Fields.ForName(field), "openFields lists %s, which the schema lacks", name)
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		for _, f := range root.Fields {
			name := root.Name + "." + f.Name
			if strings.HasPrefix(f.Name, "__") || f.Directives.ForName("superuser") != nil {
				continue
			}
			if f.Directives.ForName("outpost") != nil {
				continue // outposts only (@outpost; graph/outpost_test.go)
			}
			if _, ok := openFields[name]; ok {
				continue
			}
			src := f.Position.Src.Name
			require.True(t, slices.Contains(entSources, src),
				"%s (%s) has no permission gate: mark it @superuser, serve it from ent in %v, or list it in openFields with why anyone may call it",
				name, src, entSources)
			require.True(t, isEntResult(s, f),
				"%s is declared in %s but does not answer with ent objects, which ent privacy rules guard", name, src)
		}
	}

	admin := adminTypes(s)
	for _, typ := range s.Types {
		if admin[typ.Name] {
			continue
		}
		for _, f := range typ.Fields {
			if admin[f.Type.Name()] && f.Directives.ForName("superuser") == nil {
				t.Errorf("%s.%s returns %s, which only superusers may see: mark it @superuser", typ.Name, f.Name, f.Type.Name())
			}
		}
	}
}

// isEntResult reports whether f answers with ent objects: a Node, a
// connection of Nodes, an object carrying one (createToken's
// TokenCreated), or, for a delete mutation, the deleted Node's ID.
func isEntResult(s *ast.Schema, f *ast.FieldDefinition) bool {
	if strings.HasPrefix(f.Name, "delete") && f.Type.Name() == "ID" {
		return true
	}
	t := s.Types[f.Type.Name()]
	if isNode(s, t) {
		return true
	}
	for _, sub := range t.Fields {
		if isNode(s, s.Types[sub.Type.Name()]) {
			return true
		}
		if sub.Name == "edges" { // a connection
			if node := s.Types[sub.Type.Name()].Fields.ForName("node"); node != nil && isNode(s, s.Types[node.Type.Name()]) {
				return true
			}
		}
	}
	return false
}

// isNode reports whether t is an ent object (or the Node interface).
func isNode(s *ast.Schema, t *ast.Definition) bool {
	return t.Name == "Node" || slices.ContainsFunc(s.GetImplements(t), func(i *ast.Definition) bool { return i.Name == "Node" })
}

// adminTypes are the types the @superuser fields answer with, and those
// reachable from them, up to ent objects (ent privacy guards those) and
// sharedTypes.
func adminTypes(s *ast.Schema) map[string]bool {
	out := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		t := s.Types[name]
		if out[name] || t == nil || t.BuiltIn || isNode(s, t) || sharedTypes[name] != "" {
			return
		}
		if t.Kind != ast.Object && t.Kind != ast.Interface && t.Kind != ast.Union {
			return // scalars and enums carry no data of their own
		}
		out[name] = true
		for _, f := range t.Fields {
			visit(f.Type.Name())
		}
		for _, member := range t.Types {
			visit(member)
		}
	}
	for _, typ := range s.Types {
		for _, f := range typ.Fields {
			if f.Directives.ForName("superuser") != nil {
				visit(f.Type.Name())
			}
		}
	}
	return out
}

// TestSuperuserGate calls every @superuser field as an anonymous caller
// (UNAUTHENTICATED), an ordinary user (FORBIDDEN) and a superuser (it
// answers).
func TestSuperuserGate(t *testing.T) {
	t.Parallel()
	for name, f := range superuserFields {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "sqlite3")
			requireCode(t, b.call(t, b.anonymous, f.query), "UNAUTHENTICATED")
			requireCode(t, b.call(t, b.alice, f.query), "FORBIDDEN")
			f.admin(t, b)
		})
	}
}

// call runs query as v: a subscription over SSE (its first response), else
// over POST.
func (b *testBundle) call(t *testing.T, v viewer.Viewer, query string) response {
	t.Helper()
	if !strings.HasPrefix(query, "subscription") {
		return b.do(t, v, query, nil)
	}
	r, ok := <-b.subscribe(t, v, query)
	require.True(t, ok, "the stream ended without a response")
	return r
}

// subscribe opens the subscription query as v over SSE, served on a real
// listener, and returns the responses it streams; the channel closes when
// the stream ends.
func (b *testBundle) subscribe(t *testing.T, v viewer.Viewer, query string) <-chan response {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.handler.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel) // before srv.Close: ends the stream
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out := make(chan response)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			var r response
			if !ok || json.Unmarshal([]byte(data), &r) != nil {
				continue
			}
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
