package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/session"
)

// Subscription websockets follow the graphql-transport-ws protocol
// (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) in how
// they end, which gqlgen leaves to us: it closes every protocol violation
// with 1002. The wrapper here (wsImplementation, wsConn) watches each
// connection's protocol state and corrects the close code:
//
//	situation                                   close code
//	no message within the init timeout          4408 Connection initialisation timeout
//	a subscribe before connection_init          4401 Unauthorized
//	connection_init credentials refused         4403 Forbidden
//	a subscription's authority ended            4403 Forbidden, after the
//	  (authorityExtension)                        final error
//	credentials could not be checked            1013 Try Again Later
//	connection context cancelled with a         its Code and Reason
//	  *CloseError cause (CloseWebsocket)
//
// The legacy graphql-ws subprotocol keeps gqlgen's codes, except for the
// last three rows.

// Close codes of graphql-transport-ws and RFC 6455 that the server sends.
const (
	closeUnauthorized  = 4401
	closeForbidden     = 4403
	closeInitTimeout   = 4408
	closeTryAgainLater = 1013
	// maxCloseReason is the longest close reason a close frame carries.
	maxCloseReason = 123
	// graphqlTransportWS is the subprotocol whose close codes are corrected.
	graphqlTransportWS = "graphql-transport-ws"
	// defaultInitTimeout is how long a websocket may take to send
	// connection_init.
	defaultInitTimeout = 10 * time.Second
)

// ErrWebsocketAuth is returned to a websocket client whose connection_init
// credentials are refused; the connection is then closed with 4403.
var ErrWebsocketAuth = errors.New("invalid credentials in connection_init")

// ErrWebsocketUnavailable is returned to a websocket client whose
// connection_init credentials could not be checked (the database did not
// answer); the connection is then closed with 1013 Try Again Later.
var ErrWebsocketUnavailable = errors.New("authentication is temporarily unavailable; try again")

// CloseError is the cause with which a subscription websocket's connection
// context is cancelled to close the socket with Code and Reason instead of
// 1000 "terminated". CloseWebsocket is the way to do it.
type CloseError struct {
	// Code is the close code: 4400–4499 are graphql-transport-ws's (4403
	// Forbidden), 4000–4999 free for applications.
	Code int
	// Reason is sent in the close frame; it is cut to 123 bytes.
	Reason string
}

// Error implements error.
func (e *CloseError) Error() string {
	return fmt.Sprintf("websocket closed with %d %s", e.Code, e.Reason)
}

// CloseWebsocket closes the subscription websocket that ctx belongs to —
// the context of one of its subscription resolvers, or of the connection
// itself — with code and reason, ending all of its subscriptions. It
// reports whether it did: false for a context of no websocket (POST, GET,
// SSE) or of one not yet initialised (connection_init not yet accepted).
// It is safe for concurrent use; the first close wins.
func CloseWebsocket(ctx context.Context, code int, reason string) bool {
	s, ok := ctx.Value(wsStateKey{}).(*wsState)
	return ok && s.close(code, reason)
}

type wsStateKey struct{}

// wsState is one websocket connection's protocol state, shared by the
// HTTP handler that creates it (withWebsocketState), the connection wrapper
// that sees its messages and close (wsConn) and the InitFunc that gives it
// the connection's context (begin).
type wsState struct {
	mu      sync.Mutex
	read    int    // messages read
	readErr bool   // a read failed: the peer went away or sent garbage
	first   string // the type of the first message
	// cancel cancels the connection's context with a cause; cause returns
	// that cause. Both nil until connection_init is accepted.
	cancel context.CancelCauseFunc
	cause  func() error
}

// withWebsocketState gives every websocket upgrade request a wsState.
func withWebsocketState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), wsStateKey{}, &wsState{})))
	})
}

// begin returns the connection's context after connection_init: ctx with
// a cancel cause kept in s, which gqlgen closes the socket on.
func (s *wsState) begin(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancel = cancel
	s.cause = func() error { return context.Cause(ctx) }
	return ctx
}

// close cancels the connection's context with a *CloseError cause.
func (s *wsState) close(code int, reason string) bool {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel == nil {
		return false
	}
	cancel(&CloseError{Code: code, Reason: reason})
	return true
}

// received records a message of type typ ("" when it is not the first).
func (s *wsState) received(typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.read == 0 {
		s.first = typ
	}
	s.read++
}

func (s *wsState) failed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readErr = true
}

func (s *wsState) isFirst() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read == 0
}

// closeFor corrects the close code and reason gqlgen chose, from the
// protocol state (never from gqlgen's reason text).
func (s *wsState) closeFor(code int, reason, subprotocol string) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ce, ok := errors.AsType[*CloseError](s.causeLocked()); ok && code == transport.WebsocketCloseNormalClosure {
		return ce.Code, cutReason(ce.Reason)
	}
	if subprotocol != graphqlTransportWS || code != transport.WebsocketCloseProtocolError {
		return code, reason
	}
	switch {
	case s.read == 0 && !s.readErr:
		return closeInitTimeout, "Connection initialisation timeout"
	case s.first == "subscribe":
		return closeUnauthorized, "Unauthorized"
	}
	return code, reason
}

func (s *wsState) causeLocked() error {
	if s.cause == nil {
		return nil
	}
	return s.cause()
}

// cutReason cuts reason to what a close frame carries, on a rune boundary.
func cutReason(reason string) string {
	if len(reason) <= maxCloseReason {
		return reason
	}
	reason = reason[:maxCloseReason]
	for !utf8.ValidString(reason) {
		reason = reason[:len(reason)-1]
	}
	return reason
}

// Keys of connection_init's payload that carry a session ID, for clients
// without cookies: the header's name, as graphql-ws clients send headers,
// and the name of the field that hands the session out
// (FlowExecution.sessionToken).
const (
	initSessionHeader = "Gatehouse-Session"
	initSessionToken  = "sessionToken"
)

// websocketInit is the transport's InitFunc. It authenticates the
// connection from connection_init's payload:
//
//	payload                         the connection's credentials
//	Authorization: "Bearer <key>"   the API token (opts.WebsocketAuth);
//	                                flows over the socket leave it alone
//	Gatehouse-Session or            that session (opts.WebsocketSession),
//	  sessionToken: "<id>"          anonymous when it is not a live user's
//	neither                         the upgrade request's session cookie
//
// A session connection adopts the sessions that flow mutations over it
// create or end (authn.WithSocketSession): its next operations run as the
// session then holds (adoptSession). It returns the connection's context,
// with the cancel cause that CloseWebsocket uses.
func websocketInit(opts Options) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		authorization := payload.Authorization()
		if authorization == "" {
			authorization, _ = payload["authorization"].(string)
		}
		sessionID := payloadSession(payload)
		var err error
		switch {
		case authorization != "" && opts.WebsocketAuth != nil:
			ctx, err = opts.WebsocketAuth(ctx, authorization)
		case sessionID != "" && opts.WebsocketSession != nil:
			ctx, err = opts.WebsocketSession(ctx, sessionID)
			ctx = authn.WithSocketSession(ctx, session.ID(sessionID))
		default:
			ctx = authn.WithSocketSession(ctx, authn.SessionID(ctx))
		}
		switch {
		case errors.Is(err, authn.ErrInvalidCredentials):
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeForbidden), "Forbidden")
			return ctx, nil, ErrWebsocketAuth
		case err != nil:
			// The credentials may be fine: do not call them forbidden.
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeTryAgainLater), "Try Again Later")
			return ctx, nil, ErrWebsocketUnavailable
		}
		if s, ok := ctx.Value(wsStateKey{}).(*wsState); ok {
			ctx = s.begin(ctx)
		}
		return ctx, nil, nil
	}
}

// payloadSession is the session ID of a connection_init payload, under
// either key; a header-style key matches case-insensitively.
func payloadSession(payload transport.InitPayload) string {
	if id, ok := payload[initSessionToken].(string); ok && id != "" {
		return id
	}
	for k, v := range payload {
		if id, ok := v.(string); ok && strings.EqualFold(k, initSessionHeader) {
			return id
		}
	}
	return ""
}

// adoptSession runs each operation of a websocket connection as the
// session the connection holds now: a flow mutation earlier on the socket
// may have created, rotated or ended it (authn.WithSocketSession). Other
// contexts, and connections whose session did not change, pass as they
// are. It fails only when the session could not be read.
func adoptSession(ctx context.Context, resume func(ctx context.Context, id string) (context.Context, error)) (context.Context, error) {
	id, ok := authn.SocketSessionID(ctx)
	if !ok || resume == nil || id == authn.SessionID(ctx) {
		return ctx, nil
	}
	return resume(ctx, string(id))
}

// wsImplementation wraps the websocket library's adapter so that each
// connection reports its protocol state.
type wsImplementation struct {
	transport.WebsocketImplementation
}

// Accept implements transport.WebsocketImplementation.
func (i wsImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := i.WebsocketImplementation.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	s, ok := r.Context().Value(wsStateKey{}).(*wsState)
	if !ok {
		s = &wsState{} // close codes still follow the protocol; CloseWebsocket cannot reach it
	}
	return &wsConn{WebsocketConn: conn, state: s}, nil
}

// wsConn is a connection that records what it reads and corrects its
// close code. It passes the optional read limit and deadline through.
type wsConn struct {
	transport.WebsocketConn

	state *wsState
}

var (
	_ transport.WebsocketReadLimiter   = (*wsConn)(nil)
	_ transport.WebsocketReadDeadliner = (*wsConn)(nil)
)

// NextReader implements transport.WebsocketConn. The first message is
// read whole to learn its type; the rest pass through.
func (c *wsConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		c.state.failed()
		return typ, r, err
	}
	if !c.state.isFirst() {
		c.state.received("")
		return typ, r, nil
	}
	data, err := io.ReadAll(r)
	if err != nil {
		c.state.failed()
		return typ, nil, err
	}
	var msg struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(data, &msg) // no type: gqlgen refuses the message itself
	c.state.received(msg.Type)
	return typ, bytes.NewReader(data), nil
}

// WriteClose implements transport.WebsocketConn.
func (c *wsConn) WriteClose(code int, reason string) error {
	code, reason = c.state.closeFor(code, reason, c.Subprotocol())
	return c.WebsocketConn.WriteClose(code, reason)
}

// SetReadLimit implements transport.WebsocketReadLimiter.
func (c *wsConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline implements transport.WebsocketReadDeadliner.
func (c *wsConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
