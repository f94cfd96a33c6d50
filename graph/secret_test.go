package graph_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// A third-party captcha's secret is write-only: the API says whether one
// is set, never what it is, and an update's config replaces it like any
// other setting (an update without it is refused, not merged).
func TestCaptchaSecretIsWriteOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	const secret = "0xTOP-SECRET-4711"
	turnstile := func(secret string) map[string]any {
		c := map[string]any{"provider": "TURNSTILE", "siteKey": "0x4AAAAAAAsitekey"}
		if secret != "" {
			c["secret"] = secret
		}
		return map[string]any{"captcha": c}
	}
	id := b.createStage(t, "guard", turnstile(secret))

	const read = `query($id: ID!) { node(id: $id) { ... on Stage { config { ... on CaptchaStage {
		provider siteKey secretSet verifyUrl minScore difficulty } } } } }`
	type captchaConfig struct {
		Node struct {
			Config struct {
				Provider  string
				SiteKey   string
				SecretSet bool
			}
		}
	}
	get := func() captchaConfig {
		t.Helper()
		resp := b.do(t, b.admin, read, map[string]any{"id": id})
		require.Empty(t, resp.Errors)
		require.NotContains(t, string(resp.Data), "TOP-SECRET")
		var out captchaConfig
		b.mustDo(t, b.admin, read, map[string]any{"id": id}, &out)
		return out
	}
	got := get()
	require.Equal(t, "TURNSTILE", got.Node.Config.Provider)
	require.Equal(t, "0x4AAAAAAAsitekey", got.Node.Config.SiteKey)
	require.True(t, got.Node.Config.SecretSet)
	resp := b.do(t, b.admin, `query($id: ID!) { node(id: $id) { ... on Stage { config { ... on CaptchaStage { secret } } } } }`, map[string]any{"id": id})
	requireCode(t, resp, "GRAPHQL_VALIDATION_FAILED")

	stored := func() string {
		t.Helper()
		s, err := b.client.Stage.Query().Only(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		return string(s.Config)
	}
	const update = `mutation($id: ID!, $c: StageConfigInput!) { updateStage(id: $id, input: {config: $c}) { id } }`
	// An update is the whole config: without the secret it is refused,
	// and what is stored stays as it was.
	e := requireCode(t, b.do(t, b.admin, update, map[string]any{"id": id, "c": turnstile("")}), "VALIDATION_FAILED")
	require.Equal(t, "config.secret", e.Extensions["field"])
	require.Contains(t, stored(), secret)

	b.mustDo(t, b.admin, update, map[string]any{"id": id, "c": turnstile("0xNEW-SECRET")}, nil)
	require.Contains(t, stored(), "0xNEW-SECRET")
	require.NotContains(t, stored(), secret)

	b.mustDo(t, b.admin, update, map[string]any{"id": id, "c": map[string]any{"captcha": map[string]any{}}}, nil)
	require.False(t, get().Node.Config.SecretSet, "the built-in proof of work keeps no secret")
	require.NotContains(t, stored(), "SECRET")
}
