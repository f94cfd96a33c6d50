// Package authn authenticates HTTP requests: it turns an API token or an
// outpost's token (Authorization: Bearer <key>) or a session (the session
// cookie, or the session header for clients without cookies) into the
// request's viewer.Viewer. A request with neither is anonymous; one with a bad
// Authorization header is refused, never silently treated as anonymous.
// Credentials that cannot be checked because a dependency (the database,
// the session store) did not answer are refused with 503 UNAVAILABLE and
// Retry-After: a session that could not be read is never "no session".
//
// It also guards cookie-authenticated requests against cross-site request
// forgery (CrossOriginGuard): a browser sends cookies with cross-site
// requests, but never an Authorization header it was not told to send.
package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/session"
)

// CookieName is the session cookie.
const CookieName = "gatehouse_session"

// SessionHeader carries the session ID for clients without cookies.
const SessionHeader = "Gatehouse-Session"

// RetryAfter is the Retry-After header (seconds) of every 503 answer: a
// dependency did not answer, and the client should try again.
const RetryAfter = "5"

// ErrInvalidCredentials is returned for an Authorization header that does
// not authenticate: malformed, of another scheme, or an unusable token.
var ErrInvalidCredentials = errors.New("invalid credentials")

// Authenticator resolves credentials to viewers.
type Authenticator struct {
	// Client reads tokens and users.
	Client *ent.Client
	// Sessions resolves session IDs; nil ignores session cookies.
	Sessions *session.Manager
	// SecureCookies marks the session cookie Secure (set it when the public
	// URL is https).
	SecureCookies bool
	// NowFunc is the clock; nil uses time.Now.
	NowFunc func() time.Time
	// Logger receives lookup failures; nil discards.
	Logger *slog.Logger
}

// Middleware authenticates each request and stores the viewer in its
// context. A request whose Authorization header does not authenticate is
// answered 401 with a GraphQL-shaped error. A request whose token or
// session could not be checked (the database or the session store failed)
// is answered 503 UNAVAILABLE with Retry-After, and the next handler does
// not run; a missing, expired or revoked session is anonymous.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			v, err := a.Bearer(ctx, h)
			switch {
			case errors.Is(err, ErrInvalidCredentials):
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				WriteError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "the Authorization header does not hold a valid API token")
				return
			case err != nil:
				// The token may be fine: say so, rather than have the client
				// discard it as invalid.
				a.logger().ErrorContext(ctx, "authenticate token", "error", err)
				writeUnavailable(w)
				return
			}
			next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
			return
		}
		ctx = context.WithValue(ctx, cookieKey{}, &cookieJar{w: w, secure: a.SecureCookies || r.TLS != nil})
		ctx = session.WithRequestCache(ctx) // the executor resumes the same session again
		if id := sessionID(r); id != "" && a.Sessions != nil {
			ctx = context.WithValue(ctx, sessionKey{}, id)
			v, err := a.session(ctx, id)
			switch {
			case err == nil:
				ctx = viewer.NewContext(ctx, v)
			case !errors.Is(err, session.ErrNotFound):
				// Serving the request anonymously would log the user out
				// (and show a login page) because a store hiccupped.
				a.logger().ErrorContext(ctx, "authenticate session", "error", err)
				writeUnavailable(w)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Bearer authenticates an Authorization header value of the form
// "Bearer <secret>". Any refusal is ErrInvalidCredentials; other errors are
// infrastructure failures.
func (a *Authenticator) Bearer(ctx context.Context, authorization string) (viewer.Viewer, error) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return viewer.Viewer{}, ErrInvalidCredentials
	}
	if outposts.IsToken(secret) {
		v, err := outposts.Authenticate(ctx, a.Client, secret, a.now())
		if errors.Is(err, outposts.ErrInvalidToken) {
			return viewer.Viewer{}, ErrInvalidCredentials
		}
		return v, err
	}
	t, err := credential.AuthenticateAPIToken(ctx, a.Client, secret, a.now())
	if errors.Is(err, credential.ErrInvalidToken) {
		return viewer.Viewer{}, ErrInvalidCredentials
	}
	if err != nil {
		return viewer.Viewer{}, err
	}
	v, err := a.userViewer(ctx, t.Edges.User)
	v.TokenID = t.ID
	return v, err
}

// WebsocketAuth adapts Bearer for a websocket's connection_init payload.
func (a *Authenticator) WebsocketAuth(ctx context.Context, authorization string) (context.Context, error) {
	v, err := a.Bearer(ctx, authorization)
	if err != nil {
		return ctx, err
	}
	return viewer.NewContext(ctx, v), nil
}

// session returns the viewer of a session ID, refreshing its idle timer.
// Anonymous sessions have no viewer: they answer session.ErrNotFound here.
func (a *Authenticator) session(ctx context.Context, id session.ID) (viewer.Viewer, error) {
	s, err := a.Sessions.Resume(ctx, id)
	if err != nil {
		return viewer.Viewer{}, err
	}
	if s.UserID == 0 {
		return viewer.Viewer{}, session.ErrNotFound
	}
	u, err := a.Client.User.Get(privacy.DecisionContext(ctx, privacy.Allow), s.UserID)
	if ent.IsNotFound(err) {
		return viewer.Viewer{}, session.ErrNotFound
	}
	if err != nil {
		return viewer.Viewer{}, fmt.Errorf("load session user: %w", err)
	}
	if !u.IsActive {
		return viewer.Viewer{}, session.ErrNotFound
	}
	return a.userViewer(ctx, u)
}

func (a *Authenticator) userViewer(ctx context.Context, u *ent.User) (viewer.Viewer, error) {
	super, err := directory.IsSuperuser(ctx, a.Client, u.ID)
	if err != nil {
		return viewer.Viewer{}, err
	}
	return viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: u.Username, Superuser: super}, nil
}

// sessionID returns the session ID a request presents, if any.
func sessionID(r *http.Request) session.ID {
	if h := r.Header.Get(SessionHeader); h != "" {
		return session.ID(h)
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return session.ID(c.Value)
	}
	return ""
}

func (a *Authenticator) now() time.Time {
	if a.NowFunc != nil {
		return a.NowFunc()
	}
	return time.Now()
}

func (a *Authenticator) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}

type (
	sessionKey struct{}
	cookieKey  struct{}
)

// SessionID returns the session ID the request presented (cookie or
// header), whether or not it is still valid; "" when none.
func SessionID(ctx context.Context) session.ID {
	id, _ := ctx.Value(sessionKey{}).(session.ID)
	return id
}

// cookieJar sets the session cookie on the response being prepared.
type cookieJar struct {
	w      http.ResponseWriter
	secure bool
}

// SetSessionCookie gives the client the session id: a cookie lasting until
// expires when persistent, else until the browser closes (HttpOnly,
// SameSite=Lax). On a websocket connection (WithSocketSession) it makes id
// the connection's session instead; elsewhere outside an HTTP request it
// does nothing.
func SetSessionCookie(ctx context.Context, id session.ID, expires time.Time, persistent bool) {
	if setSocketSession(ctx, id) {
		return
	}
	jar, ok := ctx.Value(cookieKey{}).(*cookieJar)
	if !ok {
		return
	}
	c := &http.Cookie{ //nolint:gosec // Secure follows the deployment: plain-http development cannot use it
		Name: CookieName, Value: string(id), Path: "/",
		HttpOnly: true, Secure: jar.secure, SameSite: http.SameSiteLaxMode,
	}
	if persistent {
		c.Expires = expires
		c.MaxAge = max(1, int(time.Until(expires).Seconds()))
	}
	http.SetCookie(jar.w, c)
}

// ClearSessionCookie tells the client to forget its session cookie; on a
// websocket connection, the connection forgets its session.
func ClearSessionCookie(ctx context.Context) {
	if setSocketSession(ctx, "") {
		return
	}
	jar, ok := ctx.Value(cookieKey{}).(*cookieJar)
	if !ok {
		return
	}
	http.SetCookie(jar.w, &http.Cookie{ //nolint:gosec // Secure follows the deployment, as above
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: jar.secure, SameSite: http.SameSiteLaxMode,
	})
}

// WriteError answers with status and a GraphQL-shaped error body, for
// refusals that happen before the GraphQL handler runs.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	type extensions struct {
		Code string `json:"code"`
	}
	type gqlError struct {
		Message    string     `json:"message"`
		Extensions extensions `json:"extensions"`
	}
	body, _ := json.Marshal(struct { //nolint:errchkjson // plain strings cannot fail to encode
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{Message: message, Extensions: extensions{Code: code}}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeUnavailable answers 503 UNAVAILABLE: credentials were presented but
// could not be checked.
func writeUnavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", RetryAfter)
	WriteError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "authentication is temporarily unavailable; try again")
}

// CrossOriginGuard refuses cross-origin requests with unsafe methods that
// rely on ambient credentials (cookies): browsers mark them with
// Sec-Fetch-Site or Origin, and only trusted origins pass. Requests that
// carry an Authorization header are not at risk and pass. Safe methods
// (GET, HEAD, OPTIONS) pass; the GraphQL GET transport serves queries only.
func CrossOriginGuard(trustedOrigins []string) (func(http.Handler) http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		WriteError(w, http.StatusForbidden, "FORBIDDEN", "cross-origin request refused; use a same-origin page or an API token")
	}))
	return func(next http.Handler) http.Handler {
		guarded := cop.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				next.ServeHTTP(w, r)
				return
			}
			guarded.ServeHTTP(w, r)
		})
	}, nil
}
