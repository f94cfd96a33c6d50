package outpost

import (
	"bytes"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Run re-opens a broken configuration stream with a backoff.
func TestRunReconnects(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	o, err := New(Options{Core: b.core})
	require.NoError(t, err)
	b.core.watchFailures.Store(2)
	b.outpost = o
	b.run(t)
	require.Eventually(t, o.Ready, 10*time.Second, 10*time.Millisecond)
	require.Negative(t, b.core.watchFailures.Load(), "the third Watch delivered")
}

// The upstream's certificate is checked unless the provider turns it off.
func TestUpstreamTLS(t *testing.T) {
	t.Parallel()
	tlsUp := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("tls upstream"))
	}))
	tlsUp.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsUp.StartTLS()
	t.Cleanup(tlsUp.Close)
	b := setup(t, setupOpts{edit: func(cfg *Config) {
		for _, p := range []Provider{
			{ID: "tls-on", ExternalHost: "http://tls-on.test", InternalHostTLSVerify: true},
			{ID: "tls-off", ExternalHost: "http://tls-off.test", InternalHostTLSVerify: false},
		} {
			p.Mode, p.InternalHost, p.ApplicationSlug = ModeProxy, tlsUp.URL, "app"
			p.ClientID, p.ClientSecret = p.ID+"-client", p.ID+"-secret"
			cfg.Providers = append(cfg.Providers, p)
		}
	}})
	b.issuer.mu.Lock()
	b.issuer.clients["tls-on-client"] = "tls-on-secret"
	b.issuer.clients["tls-off-client"] = "tls-off-secret"
	b.issuer.mu.Unlock()

	b.login(t, "tls-on.test", "sid-1", "http://tls-on.test/")
	resp, _ := b.get(t, "http://tls-on.test/", nil)
	require.Equal(t, http.StatusBadGateway, resp.StatusCode, "the test server's certificate is not trusted")

	b.login(t, "tls-off.test", "sid-2", "http://tls-off.test/")
	resp, body := b.get(t, "http://tls-off.test/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "tls upstream", body)
}

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// Logs never carry tokens, codes or cookies, even of failures.
func TestLogsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	b := setup(t, setupOpts{logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	b.issuer.expiresIn = 60
	b.login(t, "token.test", "sid-t", "http://token.test/")
	c := cookieNamed(b.jar.Cookies(&url.URL{Scheme: "http", Host: "token.test"}), b.provider(t, provToken).cookieName)
	require.NotNil(t, c)
	var secrets []string
	b.issuer.mu.Lock()
	for rt := range b.issuer.refreshes {
		secrets = append(secrets, rt)
	}
	b.issuer.mu.Unlock()

	b.clock.advance(2 * time.Minute)
	require.Equal(t, http.StatusOK, b.forward(t, PathAuthNginx, "http://token.test/", nil).StatusCode) // refreshed
	b.issuer.mu.Lock()
	clear(b.issuer.refreshes)
	b.issuer.mu.Unlock()
	b.clock.advance(2 * time.Minute)
	require.Equal(t, http.StatusUnauthorized, b.forward(t, PathAuthNginx, "http://token.test/", nil).StatusCode) // refresh refused

	resp, _ := b.get(t, "http://token.test"+PathCallback+"?code=a-secret-code&state=wrong", nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	out := logs.String()
	require.Contains(t, out, "refresh failed", "the failure is logged")
	require.NotContains(t, out, "eyJ", "no JWT")
	require.NotContains(t, out, c.Value)
	require.NotContains(t, out, "a-secret-code")
	for _, s := range secrets {
		require.NotContains(t, out, s)
	}
	require.NotContains(t, out, "gatehouse_proxy_", "no cookie names with values either")
}
