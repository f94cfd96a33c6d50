package outpost

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
)

// fakeCore is an in-memory Core that counts its Sessions calls.
type fakeCore struct {
	mu            sync.Mutex
	cfg           *Config
	states        map[string]SessionState // by sid
	changes       chan *Config
	fail          bool          // Sessions errors (the core is unreachable)
	gate          chan struct{} // when set, Sessions waits for it to close
	calls         atomic.Int64
	watchFailures atomic.Int32 // the next Watch calls that fail at once
	sidCalls      atomic.Int64 // sids asked about in total
}

func newFakeCore(cfg *Config) *fakeCore {
	return &fakeCore{cfg: cfg, states: map[string]SessionState{}, changes: make(chan *Config, 8)}
}

func (f *fakeCore) Config(context.Context) (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg, nil
}

func (f *fakeCore) Watch(ctx context.Context, fn func(*Config)) error {
	if f.watchFailures.Add(-1) >= 0 {
		return errors.New("stream broken")
	}
	cfg, _ := f.Config(ctx)
	fn(cfg)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case c := <-f.changes:
			fn(c)
		}
	}
}

func (f *fakeCore) Sessions(ctx context.Context, providerID string, sids []string) ([]SessionState, error) {
	f.calls.Add(1)
	f.sidCalls.Add(int64(len(sids)))
	if len(sids) > MaxSessionsPerCheck {
		return nil, errors.New("too many sids")
	}
	f.mu.Lock()
	gate, fail := f.gate, f.fail
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail {
		return nil, errors.New("core unreachable")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]SessionState, 0, len(sids))
	for _, sid := range sids {
		st, ok := f.states[sid]
		if !ok {
			st = SessionState{SID: sid}
		}
		out = append(out, st)
	}
	return out, nil
}

// set records what the core says about sid.
func (f *fakeCore) set(sid string, active, allowed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := SessionState{SID: sid, Active: active, Allowed: allowed}
	if active {
		st.Identity = &Identity{
			UID: "uid-" + sid, Username: "alice", Email: "alice@example.com", Name: "Alice Liddell",
			Groups: []string{"admins", "staff"}, BasicAuthUser: "alice-basic", BasicAuthPassword: "s3cret",
		}
	}
	f.states[sid] = st
}

func (f *fakeCore) setFail(fail bool) {
	f.mu.Lock()
	f.fail = fail
	f.mu.Unlock()
}

// fakeIssuer is a minimal OpenID Connect provider: discovery, keys, an
// authorize endpoint that signs in at once, and a token endpoint checking
// the client and PKCE, with the refresh grant.
type fakeIssuer struct {
	tb     testing.TB
	srv    *httptest.Server
	key    *rsa.PrivateKey
	signer jose.Signer

	mu        sync.Mutex
	clients   map[string]string // client ID → secret
	codes     map[string]issuedCode
	refreshes map[string]string // refresh token → sid
	nextSID   string
	expiresIn int // access token lifetime, seconds
	noSID     bool

	refreshCalls atomic.Int64
}

type issuedCode struct {
	clientID, redirectURI, challenge, nonce, sid string
}

// issuerKey is one RSA key for every fake issuer (generating one per test
// is slow).
var issuerKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

func newFakeIssuer(tb testing.TB) *fakeIssuer {
	tb.Helper()
	key := issuerKey()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	require.NoError(tb, err)
	is := &fakeIssuer{
		tb: tb, key: key, signer: signer, clients: map[string]string{}, codes: map[string]issuedCode{},
		refreshes: map[string]string{}, nextSID: "sid-1", expiresIn: 300,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", is.discovery)
	mux.HandleFunc("GET /jwks", is.jwks)
	mux.HandleFunc("GET /authorize", is.authorize)
	mux.HandleFunc("POST /token", is.token)
	mux.HandleFunc("GET /end_session", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("signed out")) })
	is.srv = httptest.NewServer(mux)
	tb.Cleanup(is.srv.Close)
	return is
}

func (is *fakeIssuer) url() string { return is.srv.URL }

func (is *fakeIssuer) discovery(w http.ResponseWriter, _ *http.Request) {
	u := is.srv.URL
	writeJSON(w, map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
		"jwks_uri": u + "/jwks", "end_session_endpoint": u + "/end_session",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (is *fakeIssuer) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &is.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (is *fakeIssuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	is.mu.Lock()
	defer is.mu.Unlock()
	if _, ok := is.clients[q.Get("client_id")]; !ok || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		!strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	is.codes[code] = issuedCode{q.Get("client_id"), q.Get("redirect_uri"), q.Get("code_challenge"), q.Get("nonce"), is.nextSID}
	http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+q.Get("state"), http.StatusFound)
}

func (is *fakeIssuer) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	is.mu.Lock()
	defer is.mu.Unlock()
	if !ok || is.clients[id] != secret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	switch r.PostFormValue("grant_type") {
	case "authorization_code":
		c, ok := is.codes[r.PostFormValue("code")]
		delete(is.codes, r.PostFormValue("code"))
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !ok || c.clientID != id || c.redirectURI != r.PostFormValue("redirect_uri") ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		claims := map[string]any{
			"iss": is.srv.URL, "aud": id, "sub": "uid-" + c.sid, "nonce": c.nonce,
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
		}
		if !is.noSID {
			claims["sid"] = c.sid
		}
		rt := rand.Text()
		is.refreshes[rt] = c.sid
		writeJSON(w, map[string]any{
			"access_token": is.accessToken(c.sid), "token_type": "Bearer", "expires_in": is.expiresIn,
			"refresh_token": rt, "id_token": is.sign(claims),
		})
	case "refresh_token":
		sid, ok := is.refreshes[r.PostFormValue("refresh_token")]
		if !ok {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		is.refreshCalls.Add(1)
		delete(is.refreshes, r.PostFormValue("refresh_token"))
		rt := rand.Text()
		is.refreshes[rt] = sid
		writeJSON(w, map[string]any{
			"access_token": is.accessToken(sid), "token_type": "Bearer", "expires_in": is.expiresIn, "refresh_token": rt,
		})
	default:
		http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
	}
}

// accessToken is a JWT the size of a real one (with a few custom claims).
func (is *fakeIssuer) accessToken(sid string) string {
	return is.sign(map[string]any{
		"iss": is.srv.URL, "sub": "uid-" + sid, "aud": []string{"app", "api"}, "sid": sid, "jti": rand.Text(),
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(), "scope": "openid profile email offline_access",
		"groups": []string{"admins", "staff", "engineering", "on-call", "readers"}, "email": "alice@example.com",
		"name": "Alice Liddell", "preferred_username": "alice", "azp": "app",
	})
}

func (is *fakeIssuer) sign(claims map[string]any) string {
	payload, err := json.Marshal(claims)
	require.NoError(is.tb, err)
	jws, err := is.signer.Sign(payload)
	require.NoError(is.tb, err)
	s, err := jws.CompactSerialize()
	require.NoError(is.tb, err)
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// testClock is time.Now plus an offset tests move forward.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }
