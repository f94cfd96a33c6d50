package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmailAddressesStayUnique: neither sign-up nor the settings flow lets
// an account take another's email address in any letter case, so the
// owner keeps logging in by it.
func TestEmailAddressesStayUnique(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		const password = "amber-falcon-ledger-31"
		signUp := func(c *client, username string) view {
			v := c.startEnrollment()
			v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
				"username": username, "password": password, "password_repeat": password,
			}}})
			require.Equal(t, "PromptChallenge", v.Challenge.Typename, "%v", v.Challenge.Errors)
			return v
		}
		details := func(c *client, id, email string) view {
			return c.submit(id, map[string]any{"prompt": map[string]any{"values": map[string]any{"name": "N", "email": email}}})
		}

		victim := s.headless()
		v := signUp(victim, "victim")
		v = details(victim, v.ID, "Victim@Example.com")
		require.Equal(t, "EmailChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		require.True(t, victim.followLink(victim.lastLink("Victim@Example.com")).Completed)

		// Sign-up with the victim's address in another case.
		mallory := s.headless()
		v = signUp(mallory, "mallory")
		got := details(mallory, v.ID, "VICTIM@example.COM")
		require.Equal(t, "PromptChallenge", got.Challenge.Typename)
		require.Equal(t, []fieldError{{Field: "email", Message: "This email address is already taken.", Code: "taken"}}, got.Challenge.Errors)
		got = details(mallory, v.ID, "mallory@example.com")
		require.Equal(t, "EmailChallenge", got.Challenge.Typename, "%+v", got.Challenge)
		require.True(t, mallory.followLink(mallory.lastLink("mallory@example.com")).Completed)
		require.Equal(t, "mallory", mallory.viewer())

		// The settings flow, changing one's address to the victim's.
		v = mallory.start("default-user-settings-flow")
		require.Equal(t, "PromptChallenge", v.Challenge.Typename)
		got = mallory.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
			"username": "mallory", "name": "M", "email": "victim@EXAMPLE.com",
		}}})
		require.Equal(t, "PromptChallenge", got.Challenge.Typename)
		require.Equal(t, []fieldError{{Field: "email", Message: "This email address is already taken.", Code: "taken"}}, got.Challenge.Errors)
		var me struct {
			Viewer struct{ User struct{ Email string } }
		}
		mallory.must(`{ viewer { user { email } } }`, nil, &me)
		require.Equal(t, "mallory@example.com", me.Viewer.User.Email)

		// The victim still logs in by email, in any case.
		for _, typed := range []string{"Victim@Example.com", "victim@example.com"} {
			c := s.headless()
			v = c.login(typed, password)
			require.True(t, v.Completed, "%s: %+v", typed, v.Challenge)
			require.Equal(t, "victim", c.viewer(), typed)
		}
	})
}
