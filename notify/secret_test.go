package notify_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/seal"
)

func TestSecrets(t *testing.T) {
	t.Parallel()
	secrets, err := notify.NewSecrets(seal.NewKeys("a secret key of the server, long enough"))
	require.NoError(t, err)
	binding := notify.NewSecretBinding()
	require.NotEqual(t, binding, notify.NewSecretBinding(), "random per transport")

	sealed, err := secrets.Seal(binding, "whsec")
	require.NoError(t, err)
	require.NotContains(t, sealed, "whsec")
	got, err := secrets.Open(&ent.NotificationTransport{SecretBinding: binding, WebhookSecret: sealed})
	require.NoError(t, err)
	require.Equal(t, "whsec", got)

	none, err := secrets.Seal(binding, "")
	require.NoError(t, err)
	require.Empty(t, none, "no secret stays empty")
	got, err = secrets.Open(&ent.NotificationTransport{SecretBinding: binding})
	require.NoError(t, err)
	require.Empty(t, got)

	for name, tr := range map[string]*ent.NotificationTransport{
		"another transport": {SecretBinding: notify.NewSecretBinding(), WebhookSecret: sealed},
		"plaintext":         {SecretBinding: binding, WebhookSecret: "whsec"},
		"not base64":        {SecretBinding: binding, WebhookSecret: "sealed1:%%%"},
		"changed":           {SecretBinding: binding, WebhookSecret: sealed[:len(sealed)-2] + "AA"},
	} {
		_, err := secrets.Open(tr)
		require.ErrorIs(t, err, notify.ErrSecretUnreadable, name)
	}
	rotated, err := notify.NewSecrets(seal.NewKeys("another secret key of the server, long enough"))
	require.NoError(t, err)
	_, err = rotated.Open(&ent.NotificationTransport{SecretBinding: binding, WebhookSecret: sealed})
	require.ErrorIs(t, err, notify.ErrSecretUnreadable)

	_, err = secrets.Seal(binding, strings.Repeat("x", notify.MaxSecretLen+1))
	fe, ok := errors.AsType[*problem.FieldError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "webhook_secret", fe.Field)

	_, err = notify.NewSecrets(nil)
	require.Error(t, err)
}

func TestCheckMapping(t *testing.T) {
	t.Parallel()
	require.NoError(t, notify.CheckMapping(""))
	require.NoError(t, notify.CheckMapping(`{"text": body.rule}`))
	for _, bad := range []string{`"just a string"`, `{"text": `, `{1: body.rule}`, `nosuchvar.x`} {
		fe, ok := errors.AsType[*problem.FieldError](notify.CheckMapping(bad))
		require.True(t, ok, bad)
		require.Equal(t, "webhook_mapping", fe.Field, bad)
		require.NotEmpty(t, fe.Message)
	}
}

func TestSecretsLongestFitsTheColumn(t *testing.T) {
	t.Parallel()
	secrets, err := notify.NewSecrets(seal.NewKeys("a secret key of the server, long enough"))
	require.NoError(t, err)
	sealed, err := secrets.Seal(notify.NewSecretBinding(), strings.Repeat("😀", notify.MaxSecretLen))
	require.NoError(t, err)
	require.LessOrEqual(t, len(sealed), 4000, "ent/schema: webhook_secret MaxLen")
}
