package provider

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAMR(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{}, amrOf(nil))
	require.Equal(t, []string{"pwd"}, amrOf([]string{"password"}))
	require.Equal(t, []string{"pwd", "otp", "mfa"}, amrOf([]string{"password", "totp"}))
	require.Equal(t, []string{"pwd", "otp", "mfa"}, amrOf([]string{"password", "email"}))
	require.Equal(t, []string{"pwd", "otp", "mfa"}, amrOf([]string{"app_password", "static"}))
	require.Equal(t, []string{"pwd"}, amrOf([]string{"password", "unknown"}))
	require.Equal(t, []string{"pwd", "hwk", "mfa"}, amrOf([]string{"password", "webauthn"}))
	require.Equal(t, []string{"hwk"}, amrOf([]string{"passkey"}))
}
