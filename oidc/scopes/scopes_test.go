package scopes_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/logtest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/oidc/scopes"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestCompile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, source, wantErr string
	}{
		{name: "map", source: `{"department": user.attributes.department}`},
		{name: "empty map", source: `{}`},
		{name: "dyn", source: `user.attributes`},
		{name: "conditional map", source: `has(user.attributes.x) ? {"x": user.attributes.x} : {}`},
		{name: "empty", source: ``, wantErr: "must not be empty"},
		{name: "too long", source: strings.Repeat(" ", celeval.MaxLength) + "{}", wantErr: "at most"},
		{name: "syntax", source: `{"a": }`, wantErr: "Syntax error"},
		{name: "other policy variables are not there", source: `{"ip": request.ip}`, wantErr: "undeclared reference to 'request'"},
		{name: "bool", source: `true`, wantErr: "must evaluate to a map of claims with string keys, not bool"},
		{name: "string", source: `"claims"`, wantErr: "not string"},
		{name: "int-keyed map", source: `{1: "a"}`, wantErr: "not map(int, string)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scopes.Compile(tt.source)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "expression", fe.Field)
			require.Contains(t, fe.Message, tt.wantErr)
		})
	}
}

// recorder counts the events the real recorder writes.
type recorder struct {
	audit.Recorder

	n atomic.Int32
}

func (r *recorder) Record(ctx context.Context, c *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	r.n.Add(1)
	return r.Recorder.Record(ctx, c, action, data)
}

type bundle struct {
	client *ent.Client
	ctx    context.Context
	logs   *logtest.Buffer
	rec    *recorder
	ev     *scopes.Evaluator
	user   *ent.User
	staff  *ent.Group
}

func setup(t *testing.T, d string) *bundle {
	t.Helper()
	client := servicetest.Database(t, d).Ent
	ctx := viewer.SystemContext(t.Context())
	staff, err := client.Group.Create().SetName("staff").Save(ctx)
	require.NoError(t, err)
	u, err := client.User.Create().SetUsername("alice").SetName("Alice").SetEmail("alice@example.com").
		SetAttributes(map[string]any{"department": "Finance", "staff": true, "secret": "s3cr3t-value"}).
		AddGroups(staff).Save(ctx)
	require.NoError(t, err)
	b := &bundle{client: client, ctx: ctx, logs: &logtest.Buffer{}, rec: &recorder{Recorder: audit.Recorder{App: "test"}}, user: u, staff: staff}
	b.ev = scopes.NewEvaluator(client, b.rec, b.logs.Logger())
	return b
}

func (b *bundle) mapping(t *testing.T, scope, expression string) *ent.ScopeMapping {
	t.Helper()
	m, err := scopes.Create(b.ctx, b.client, scopes.Settings{
		Name: new("Mapping " + scope), ScopeName: new(scope), Description: new("Your " + scope), Expression: new(expression),
	})
	require.NoError(t, err)
	return m
}

func TestClaims(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			b.mapping(t, "erp", `{"department": user.attributes.department, "is_staff": "staff" in user.attributes, `+
				`"in_staff": user.groups.exists(g, g == "`+strconv.Itoa(b.staff.ID)+`"), "levels": [1, 2], "nested": {"who": user.username}}`)
			b.mapping(t, "reserved", `{"sub": "x", "email": "forged@example.com", "groups": [], "badge": "B-1"}`)
			b.mapping(t, "broken", `{"secret": user.attributes.missing}`)
			b.mapping(t, "runaway", `{"n": [1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, `+
				`[1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, a+b+c+d+e+f > 0))))))}`)
			b.mapping(t, "notmap", `user.attributes.department`)
			b.mapping(t, "later", `{"department": "overridden by a later scope name"}`)

			got, err := b.ev.Claims(b.ctx, b.user, []string{"openid", "erp", "profile"})
			require.NoError(t, err)
			require.Equal(t, map[string]any{
				"department": "Finance", "is_staff": true, "in_staff": true,
				"levels": []any{int64(1), int64(2)}, "nested": map[string]any{"who": "alice"},
			}, got)

			got, err = b.ev.Claims(b.ctx, b.user, []string{"openid", "reserved"})
			require.NoError(t, err)
			require.Equal(t, map[string]any{"badge": "B-1"}, got, "reserved claims are never set by a mapping")
			require.Contains(t, b.logs.String(), "claims=\"[email groups sub]\"", "one warning names the dropped claims")
			require.Equal(t, int32(0), b.rec.n.Load(), "dropping reserved claims is no configuration error")

			got, err = b.ev.Claims(b.ctx, b.user, []string{"erp", "broken", "runaway", "notmap", "unknown"})
			require.NoError(t, err, "a failing mapping never fails the request")
			require.Equal(t, "Finance", got["department"])
			require.NotContains(t, got, "secret")
			require.NotContains(t, got, "n")
			require.Equal(t, int32(3), b.rec.n.Load())
			events, err := b.client.Event.Query().Where(event.ActionEQ(enum.EventActionConfigurationError)).All(b.ctx)
			require.NoError(t, err)
			reasons := []any{}
			for _, e := range events {
				require.Equal(t, "scope_mapping", e.Context["model"])
				reasons = append(reasons, e.Context["reason"])
			}
			require.ElementsMatch(t, []any{"evaluation error", "cost limit exceeded", "result is not a map of claims"}, reasons)
			logs := b.logs.String()
			require.Contains(t, logs, "scope=broken")
			require.Contains(t, logs, "reason=\"cost limit exceeded\"")
			require.NotContains(t, logs, "s3cr3t-value")
			require.NotContains(t, logs, "Finance", "no user data in the logs")

			got, err = b.ev.Claims(b.ctx, b.user, []string{"erp", "later"})
			require.NoError(t, err)
			require.Equal(t, "overridden by a later scope name", got["department"])

			got, err = b.ev.Claims(b.ctx, b.user, []string{"openid", "profile", "email", "groups", "offline_access"})
			require.NoError(t, err)
			require.Nil(t, got, "built-in scopes only: no claims from mappings")
		})
	}
}

func TestClaimsFollowEdits(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	m := b.mapping(t, "erp", `{"v": 1}`)
	got, err := b.ev.Claims(b.ctx, b.user, []string{"erp"})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"v": int64(1)}, got)

	_, err = scopes.Update(b.ctx, b.client, m.ID, scopes.Settings{Expression: new(`{"v": 2}`)})
	require.NoError(t, err)
	got, err = b.ev.Claims(b.ctx, b.user, []string{"erp"})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"v": int64(2)}, got, "an edited expression is compiled again")
}

func TestCreateAndUpdateCheck(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	m := b.mapping(t, "erp", `{}`)
	s := func(scope, expression string) scopes.Settings {
		return scopes.Settings{Name: new("n-" + scope), ScopeName: new(scope), Description: new("d"), Expression: new(expression)}
	}
	fieldOf := func(err error) string {
		t.Helper()
		var fe *problem.FieldError
		if ok := errorAs(err, &fe); ok {
			return fe.Field
		}
		var ve *ent.ValidationError
		require.ErrorAs(t, err, &ve)
		return ve.Name
	}
	for _, builtin := range []string{"openid", "profile", "email", "groups", "offline_access"} {
		_, err := scopes.Create(b.ctx, b.client, s(builtin, `{}`))
		require.Equal(t, "scope_name", fieldOf(err), builtin)
	}
	for _, bad := range []string{"", "with space", `quo"te`, `back\slash`, "é", strings.Repeat("a", 101)} {
		_, err := scopes.Create(b.ctx, b.client, s(bad, `{}`))
		require.Equal(t, "scope_name", fieldOf(err), "%q", bad)
	}
	_, err := scopes.Create(b.ctx, b.client, s("urn:example:read!#$%&'()*+,-./:;<=>?@[]^_`{|}~", `{}`))
	require.NoError(t, err, "every RFC 6749 scope-token character")
	_, err = scopes.Create(b.ctx, b.client, s("x", `true`))
	require.Equal(t, "expression", fieldOf(err))
	_, err = scopes.Create(b.ctx, b.client, scopes.Settings{Name: new("n"), ScopeName: new("y"), Description: new(" "), Expression: new(`{}`)})
	require.Equal(t, "description", fieldOf(err))
	_, err = scopes.Create(b.ctx, b.client, scopes.Settings{Name: new("n"), ScopeName: new("y"), Description: new(strings.Repeat("d", 201)), Expression: new(`{}`)})
	require.Equal(t, "description", fieldOf(err))

	var conflict *problem.ConflictError
	_, err = scopes.Create(b.ctx, b.client, scopes.Settings{Name: new("other"), ScopeName: new("erp"), Description: new("d"), Expression: new(`{}`)})
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, "scope_name", conflict.Field)

	_, err = scopes.Update(b.ctx, b.client, m.ID, scopes.Settings{ScopeName: new("email")})
	require.Equal(t, "scope_name", fieldOf(err))
	_, err = scopes.Update(b.ctx, b.client, m.ID, scopes.Settings{Expression: new(`"claims"`)})
	require.Equal(t, "expression", fieldOf(err))
	got, err := b.client.ScopeMapping.Get(b.ctx, m.ID)
	require.NoError(t, err)
	require.Equal(t, "erp", got.ScopeName, "a refused update changes nothing")
}

func TestTest(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	ok := b.mapping(t, "erp", `{"department": user.attributes.department, "sub": "x"}`)
	broken := b.mapping(t, "broken", `{"d": user.attributes.missing}`)

	res, err := scopes.Test(b.ctx, b.client, ok.ID, b.user.ID)
	require.NoError(t, err)
	require.Equal(t, &scopes.TestResult{Claims: map[string]any{"department": "Finance"}, Dropped: []string{"sub"}}, res)

	res, err = scopes.Test(b.ctx, b.client, broken.ID, b.user.ID)
	require.NoError(t, err)
	require.Nil(t, res.Claims)
	require.Contains(t, res.Error, "no such key: missing", "administrators see CEL's message")

	_, err = scopes.Test(b.ctx, b.client, ok.ID, b.user.ID+100000)
	require.True(t, ent.IsNotFound(err))
}

// errorAs is errors.As without require's failure.
func errorAs(err error, target any) bool { return errors.As(err, target) }
