package captcha_test

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

type testBundle struct {
	env *stagetest.Env
}

// setup returns a bundle on SQLite: the stage keeps its state in the
// execution and needs no database of its own.
func setup(t *testing.T) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, dialect.SQLite, captcha.Definition())}
}

// request returns a request in the execution id.
func (b *testBundle) request(id string) *executor.Request {
	req := b.env.Request(captcha.Kind)
	req.Execution.ID = id
	return req
}

// challenge returns the challenge s shows for req.
func (b *testBundle) challenge(t *testing.T, s executor.Interactive, req *executor.Request) *captcha.Challenge {
	t.Helper()
	ch, err := s.Challenge(b.env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*captcha.Challenge)
	require.True(t, ok, "%T", ch)
	return c
}

// submit answers s with token.
func (b *testBundle) submit(t *testing.T, s executor.Interactive, req *executor.Request, token string) executor.Result {
	t.Helper()
	return b.env.Submit(t, s, req, &captcha.Response{Token: token})
}

// solve finds a nonce for a proof-of-work challenge: after prefix, the
// first decimal counter that solves.
func solve(t *testing.T, c *captcha.Challenge, prefix string) string {
	t.Helper()
	require.Equal(t, captcha.ProviderPOW, c.Provider)
	for i := 0; ; i++ {
		nonce := prefix + strconv.Itoa(i)
		if captcha.Solves(c.Challenge, nonce, c.Difficulty) {
			return nonce
		}
	}
}

// below finds a nonce that has at least have but fewer than c.Difficulty
// leading zero bits: close, not enough.
func below(t *testing.T, c *captcha.Challenge, have int) string {
	t.Helper()
	for i := 0; ; i++ {
		nonce := strconv.Itoa(i)
		if captcha.Solves(c.Challenge, nonce, have) && !captcha.Solves(c.Challenge, nonce, c.Difficulty) {
			return nonce
		}
	}
}

const easy = `{"difficulty": 8}`

func TestChallenge(t *testing.T) {
	t.Parallel()

	b := setup(t)
	req := b.request("execution-one")
	ch := b.env.Golden(t, b.env.Interactive(t, captcha.Kind, `{}`), req, "pow")
	c, ok := ch.(*captcha.Challenge)
	require.True(t, ok)
	require.Len(t, c.Challenge, 43, "base64url of 32 bytes: the challenge and a short nonce fit one SHA-256 block")
	require.Equal(t, captcha.DefaultDifficulty, c.Difficulty)

	for _, cfg := range []struct{ name, config string }{
		{"turnstile", `{"provider": "turnstile", "site_key": "0x4AAAAAAAturnstile", "secret": "0xsecret"}`},
		{"hcaptcha", `{"provider": "hcaptcha", "site_key": "10000000-ffff-ffff-ffff-000000000001", "secret": "0xsecret"}`},
		{"recaptcha_v3", `{"provider": "recaptcha_v3", "site_key": "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI", "secret": "6Lsecret", "min_score": 0.9}`},
	} {
		ch := b.env.Golden(t, b.env.Interactive(t, captcha.Kind, cfg.config), b.request("execution-one"), cfg.name)
		require.NotContains(t, jsonOf(t, ch), "secret", "the secret never reaches the client")
	}
}

// Challenge only reads: the executor renders it on every read of the
// execution.
func TestChallengeChangesNothing(t *testing.T) {
	t.Parallel()

	b := setup(t)
	s := b.env.Interactive(t, captcha.Kind, easy)
	req := b.request("execution-one")
	require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, req, "not it"))
	before := maps.Clone(req.Execution.Context)
	first := b.challenge(t, s, req)
	require.Equal(t, first, b.challenge(t, s, req))
	require.Equal(t, before, req.Execution.Context)
}

func TestProofOfWork(t *testing.T) {
	t.Parallel()

	b := setup(t) // the stage needs no database: one for all
	t.Run("Accepted", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		req := b.request("execution-one")
		require.Equal(t, executor.Next(), b.submit(t, s, req, solve(t, b.challenge(t, s, req), "")))
	})

	t.Run("SolutionWorksOnce", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		req := b.request("execution-one")
		nonce := solve(t, b.challenge(t, s, req), "")
		require.Equal(t, executor.Next(), b.submit(t, s, req, nonce))
		require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, req, nonce), "the challenge it solved is used up")
	})

	t.Run("WrongAnswerGetsANewChallenge", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, `{"difficulty": 12}`)
		req := b.request("execution-one")
		old := b.challenge(t, s, req)
		nonce := solve(t, old, "")
		require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, req, below(t, old, 8)), "8 of 12 bits is not enough")
		fresh := b.challenge(t, s, req)
		require.NotEqual(t, old.Challenge, fresh.Challenge)
		require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, req, nonce), "the old challenge's solution no longer counts")
		require.Equal(t, executor.Next(), b.submit(t, s, req, solve(t, b.challenge(t, s, req), "")))
	})

	t.Run("BoundToTheExecution", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		one, two := b.request("execution-one"), b.request("execution-two")
		c1, c2 := b.challenge(t, s, one), b.challenge(t, s, two)
		require.NotEqual(t, c1.Challenge, c2.Challenge)
		var nonce string
		for i := 0; nonce == ""; i++ { // solves one, not two
			n := solve(t, c1, strconv.Itoa(i)+"-")
			if !captcha.Solves(c2.Challenge, n, c2.Difficulty) {
				nonce = n
			}
		}
		require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, two, nonce), "another execution's solution")
		require.Equal(t, executor.Next(), b.submit(t, s, one, nonce))
	})

	t.Run("BoundToThePlanEntry", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		req := b.request("execution-one")
		first := b.challenge(t, s, req)
		// A restart plans the flow again with new positions.
		req.Execution.Plan.Append(executor.PlanEntry{Kind: captcha.Kind, Name: "again"})
		req.Entry = req.Execution.Plan.Entries[1]
		require.NotEqual(t, first.Challenge, b.challenge(t, s, req).Challenge)
	})

	t.Run("DifficultyCounts", func(t *testing.T) {
		t.Parallel()
		hard := b.env.Interactive(t, captcha.Kind, `{"difficulty": 16}`)
		req := b.request("execution-one")
		c := b.challenge(t, hard, req)
		require.Equal(t, 16, c.Difficulty)
		require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, hard, req, below(t, c, 8)))
	})

	t.Run("NonceBounded", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		req := b.request("execution-one")
		long := solve(t, b.challenge(t, s, req), strings.Repeat("n", captcha.MaxNonceBytes))
		require.Equal(t, executor.Retry(captcha.ErrRequired), b.submit(t, s, req, long), "a solving nonce that is too long")
		longest := solve(t, b.challenge(t, s, req), strings.Repeat("n", captcha.MaxNonceBytes-4))
		require.LessOrEqual(t, len(longest), captcha.MaxNonceBytes, "this counter stays short")
		require.Equal(t, executor.Next(), b.submit(t, s, req, longest))
	})

	t.Run("NoAnswer", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		req := b.request("execution-one")
		first := b.challenge(t, s, req)
		require.Equal(t, executor.Retry(captcha.ErrRequired), b.submit(t, s, req, ""))
		require.Equal(t, executor.Retry(captcha.ErrRequired), b.env.Submit(t, s, req, nil))
		require.NotEqual(t, first.Challenge, b.challenge(t, s, req).Challenge, "every submit uses the challenge up")
	})

	t.Run("NeedsAnExecutionID", func(t *testing.T) {
		t.Parallel()
		s := b.env.Interactive(t, captcha.Kind, easy)
		_, err := s.Challenge(b.env.Ctx, b.request(""))
		require.Error(t, err)
		_, err = s.Submit(b.env.Ctx, b.request(""), &captcha.Response{Token: "1"})
		require.Error(t, err)
	})
}
