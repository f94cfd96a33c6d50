package captcha_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/problem"
)

// provider is a verify endpoint under test: it records the requests it
// gets and answers with the next of its answers.
type provider struct {
	t      *testing.T
	server *httptest.Server

	mu       sync.Mutex
	requests []url.Values
	status   int
	answer   string
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{t: t, status: http.StatusOK, answer: `{"success": true}`}
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "want a form POST", http.StatusBadRequest)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.requests = append(p.requests, r.PostForm)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(p.status)
		_, _ = w.Write([]byte(p.answer))
	}))
	t.Cleanup(p.server.Close)
	return p
}

func (p *provider) answers(status int, body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status, p.answer = status, body
}

func (p *provider) got() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.requests...)
}

// config is a stage config of provider name verified at p.
func (p *provider) config(name string, extra string) string {
	return `{"provider": "` + name + `", "site_key": "site-key-1", "secret": "the-secret", "verify_url": "` + p.server.URL + `/siteverify"` + extra + `}`
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

var thirdParties = []string{"turnstile", "hcaptcha", "recaptcha_v3"}

// pass is each provider's answer for a token that passes.
var pass = map[string]string{
	"turnstile":    `{"success": true, "error-codes": [], "challenge_ts": "2030-01-02T03:04:05Z", "hostname": "login.example.com"}`,
	"hcaptcha":     `{"success": true, "challenge_ts": "2030-01-02T03:04:05Z", "hostname": "login.example.com"}`,
	"recaptcha_v3": `{"success": true, "score": 0.9, "action": "authentication", "challenge_ts": "2030-01-02T03:04:05Z", "hostname": "login.example.com"}`,
}

func TestThirdParty(t *testing.T) {
	t.Parallel()

	b := setup(t) // the stage needs no database: one for all
	for _, name := range thirdParties {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			t.Run("Passes", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				p.answers(http.StatusOK, pass[name])
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				require.Equal(t, executor.Next(), b.submit(t, s, b.request("execution-one"), "token-from-the-widget"))
				reqs := p.got()
				require.Len(t, reqs, 1)
				want := url.Values{"secret": {"the-secret"}, "response": {"token-from-the-widget"}, "remoteip": {stagetest.ClientIP.String()}}
				if name == "hcaptcha" {
					want.Set("sitekey", "site-key-1")
				}
				require.Equal(t, want, reqs[0])
			})

			t.Run("Fails", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				p.answers(http.StatusOK, `{"success": false, "error-codes": ["invalid-input-response"]}`)
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, b.request("execution-one"), "forged"))
				p.answers(http.StatusOK, `{"success": false, "error-codes": ["timeout-or-duplicate"]}`)
				require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, s, b.request("execution-one"), "replayed"))
			})

			t.Run("NoToken", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				for _, token := range []string{"", strings.Repeat("t", captcha.MaxTokenBytes+1)} {
					require.Equal(t, executor.Retry(captcha.ErrRequired), b.submit(t, s, b.request("execution-one"), token))
				}
				require.Empty(t, p.got(), "nothing to ask the provider about")
			})

			t.Run("EndpointDown", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				p.server.Close()
				_, err := s.Submit(b.env.Ctx, b.request("execution-one"), &captcha.Response{Token: "token"})
				require.ErrorIs(t, err, problem.ErrUnavailable, "no answer is an outage, never a pass")
				require.NotContains(t, err.Error(), "the-secret")
			})

			t.Run("NoVerdict", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				for _, answer := range []struct {
					status int
					body   string
				}{
					{http.StatusInternalServerError, `{"success": true}`},
					{http.StatusTooManyRequests, `{"success": true}`},
					{http.StatusOK, `<html>maintenance</html>`},
					{http.StatusOK, `{"success": false, "error-codes": ["internal-error"]}`},
				} {
					p.answers(answer.status, answer.body)
					_, err := s.Submit(b.env.Ctx, b.request("execution-one"), &captcha.Response{Token: "token"})
					require.ErrorIs(t, err, problem.ErrUnavailable, "%d %s", answer.status, answer.body)
				}
			})

			t.Run("SecretRefused", func(t *testing.T) {
				t.Parallel()
				p := newProvider(t)
				p.answers(http.StatusOK, `{"success": false, "error-codes": ["invalid-input-secret"]}`)
				s := b.env.Interactive(t, captcha.Kind, p.config(name, ""))
				_, err := s.Submit(b.env.Ctx, b.request("execution-one"), &captcha.Response{Token: "token"})
				require.Error(t, err, "the configuration is wrong: an error for the administrator, not the user's fault")
				require.NotErrorIs(t, err, problem.ErrUnavailable)
				require.NotContains(t, err.Error(), "the-secret")
			})
		})
	}
}

func TestRecaptchaScore(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, answer string
		want         executor.Result
	}{
		{"above", `{"success": true, "score": 0.9, "action": "authentication"}`, executor.Next()},
		{"at the minimum", `{"success": true, "score": 0.5, "action": "authentication"}`, executor.Next()},
		{"low", `{"success": true, "score": 0.3, "action": "authentication"}`, executor.Retry(captcha.ErrFailed)},
		{"no score", `{"success": true, "action": "authentication"}`, executor.Retry(captcha.ErrFailed)},
		{"another action", `{"success": true, "score": 0.9, "action": "enrollment"}`, executor.Retry(captcha.ErrFailed)},
	}
	b, p := setup(t), newProvider(t)
	s := b.env.Interactive(t, captcha.Kind, p.config("recaptcha_v3", ""))
	strict := b.env.Interactive(t, captcha.Kind, p.config("recaptcha_v3", `, "min_score": 0.95`))
	for _, tt := range tests {
		p.answers(http.StatusOK, tt.answer)
		require.Equal(t, tt.want, b.submit(t, s, b.request("execution-one"), "token"), tt.name)
	}
	p.answers(http.StatusOK, `{"success": true, "score": 0.9, "action": "authentication"}`)
	require.Equal(t, executor.Retry(captcha.ErrFailed), b.submit(t, strict, b.request("execution-one"), "token"), "min_score is the stage's")
}

// A client without a known address is verified without remoteip.
func TestNoRemoteIP(t *testing.T) {
	t.Parallel()
	b, p := setup(t), newProvider(t)
	s := b.env.Interactive(t, captcha.Kind, p.config("turnstile", ""))
	req := b.request("execution-one")
	req.Client.IP = netip.Addr{}
	require.Equal(t, executor.Next(), b.submit(t, s, req, "token"))
	require.NotContains(t, p.got()[0], "remoteip")
}
