package main

import (
	"crypto/sha256"
	byteorder "encoding/binary"
	"math/bits"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// solvePOW answers a proof-of-work challenge as any client may, from the
// contract alone: the first decimal nonce such that SHA-256 of the
// challenge's bytes followed by the nonce's has difficulty (at most 32)
// leading zero bits.
func solvePOW(tb testing.TB, challenge string, difficulty int) string {
	tb.Helper()
	require.Positive(tb, difficulty)
	require.LessOrEqual(tb, difficulty, 32)
	buf := make([]byte, 0, len(challenge)+20)
	for n := int64(0); ; n++ {
		buf = strconv.AppendInt(append(buf[:0], challenge...), n, 10)
		sum := sha256.Sum256(buf)
		if bits.LeadingZeros32(byteorder.BigEndian.Uint32(sum[:4])) >= difficulty {
			return strconv.FormatInt(n, 10)
		}
	}
}

// passCaptcha answers v's CaptchaChallenge (the built-in proof of work)
// and returns the next view.
func (c *client) passCaptcha(v view) view {
	c.t.Helper()
	require.Equal(c.t, "CaptchaChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
	require.Equal(c.t, "POW", v.Challenge.Provider)
	return c.submit(v.ID, map[string]any{"captcha": map[string]any{"token": solvePOW(c.t, v.Challenge.Challenge, v.Challenge.Difficulty)}})
}

// startEnrollment starts default-enrollment-flow and passes its captcha,
// the first stage; the view shows the credentials prompt.
func (c *client) startEnrollment() view {
	c.t.Helper()
	v := c.passCaptcha(c.start("default-enrollment-flow"))
	require.Equal(c.t, "PromptChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
	return v
}

// Sign-up starts with the proof of work, over GraphQL as any client sees
// it: nothing else is answered first, a wrong nonce is refused with a new
// challenge, challenges differ between executions and restarts, and the
// right nonce moves on to the form.
func TestEnrollmentStartsWithACaptcha(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.headless()
	v := c.start("default-enrollment-flow")
	require.Equal(t, "CaptchaChallenge", v.Challenge.Typename)
	require.Equal(t, "POW", v.Challenge.Provider)
	require.Equal(t, 20, v.Challenge.Difficulty, "the default difficulty")
	require.Len(t, v.Challenge.Challenge, 43)

	res := c.submitRaw(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"username": "bot"}}})
	require.Equal(t, "WRONG_STAGE", res.code(), "the form cannot be answered before the captcha")

	other := s.headless().start("default-enrollment-flow")
	require.NotEqual(t, v.Challenge.Challenge, other.Challenge.Challenge, "each execution has its own challenge")

	wrong := c.submit(v.ID, map[string]any{"captcha": map[string]any{"token": "not-a-solution"}})
	require.Equal(t, "CaptchaChallenge", wrong.Challenge.Typename)
	require.Equal(t, []fieldError{{Field: "token", Message: "The check did not pass. Try again.", Code: "invalid"}}, wrong.Challenge.Errors)
	require.NotEqual(t, v.Challenge.Challenge, wrong.Challenge.Challenge, "a wrong answer gets a new challenge")
	stale := solvePOW(t, v.Challenge.Challenge, v.Challenge.Difficulty)
	again := c.submit(v.ID, map[string]any{"captcha": map[string]any{"token": stale}})
	require.Equal(t, "CaptchaChallenge", again.Challenge.Typename, "the first challenge's solution no longer counts")

	var restarted struct{ RestartFlow view }
	c.must(`mutation($id: ID!) { restartFlow(executionId: $id) { ...execution } }`+executionFields, map[string]any{"id": v.ID}, &restarted)
	require.Equal(t, "CaptchaChallenge", restarted.RestartFlow.Challenge.Typename)
	require.NotContains(t, []string{v.Challenge.Challenge, wrong.Challenge.Challenge, again.Challenge.Challenge},
		restarted.RestartFlow.Challenge.Challenge, "a restart does not bring back a used challenge")

	next := c.passCaptcha(restarted.RestartFlow)
	require.Equal(t, "PromptChallenge", next.Challenge.Typename)
	require.Equal(t, "username", next.Challenge.Fields[0].FieldKey)
}
