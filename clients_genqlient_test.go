package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/authn"
	gatehouseapi "github.com/gatehouse-id/gatehouse/clients/genqlient"
)

// sessionTransport is what docs/clients.md tells genqlient users to
// write: an http.RoundTripper that sends the session kept last in the
// Gatehouse-Session header.
type sessionTransport struct {
	mu      sync.Mutex
	session string
}

// keep stores the sessionToken of execution, when it carries one.
func (s *sessionTransport) keep(execution gatehouseapi.Execution) {
	if execution.SessionToken != nil {
		s.mu.Lock()
		s.session = *execution.SessionToken
		s.mu.Unlock()
	}
}

// token returns the session kept last.
func (s *sessionTransport) token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session
}

// RoundTrip sends req with the session kept last.
func (s *sessionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if token := s.token(); token != "" {
		req = req.Clone(req.Context())
		req.Header.Set(authn.SessionHeader, token)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// gorillaDialer is genqlient's documented websocket dialer
// (docs/subscriptions.md in genqlient): gorilla's *websocket.Conn is a
// graphql.WSConn as it is.
type gorillaDialer struct{ *websocket.Dialer }

// DialContext opens the socket.
func (d gorillaDialer) DialContext(ctx context.Context, urlStr string, header http.Header) (graphql.WSConn, error) {
	conn, resp, err := d.Dialer.DialContext(ctx, urlStr, header)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	return conn, err
}

// TestGenqlient drives the API with genqlient's generated Go client
// (clients/genqlient, from the committed SDL) and genqlient's own
// graphql.Client and WebSocketClient, configured as docs/clients.md says
// (issue 13): a cookieless login, a rejected response and refused
// operations read from the errors genqlient returns, and a subscription
// that receives the change the test makes.
func TestGenqlient(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()

		session := &sessionTransport{}
		client := graphql.NewClient(s.url+"/graphql", &http.Client{Transport: session, Timeout: time.Minute})
		start, err := gatehouseapi.StartFlow(ctx, client, "default-authentication-flow")
		require.NoError(t, err)
		execution := start.StartFlow.Execution
		session.keep(execution)
		require.NotEmpty(t, session.token(), "the first call creates the session")
		require.Equal(t, "IdentificationChallenge", typename(execution))

		// The subscription: a socket with the session in connection_init,
		// as the execution belongs to it.
		ws := graphql.NewClientUsingWebSocket(
			"ws"+strings.TrimPrefix(s.url, "http")+"/graphql",
			gorillaDialer{websocket.DefaultDialer},
			graphql.WithConnectionParams(map[string]any{authn.SessionHeader: session.token()}),
		)
		wsErrs, err := ws.Start(ctx)
		require.NoError(t, err)
		defer closeSocket(t, ws, wsErrs)
		pushes, _, err := gatehouseapi.WatchFlowExecution(ctx, ws, execution.Id)
		require.NoError(t, err)
		next := func() gatehouseapi.Execution {
			t.Helper()
			select {
			case push, ok := <-pushes:
				require.True(t, ok, "the subscription ended")
				require.Empty(t, push.Errors)
				require.NotNil(t, push.Data)
				return push.Data.FlowExecution.Execution
			case err := <-wsErrs:
				require.NoError(t, err, "the socket failed")
			case <-ctx.Done():
				require.NoError(t, ctx.Err(), "no push")
			}
			return gatehouseapi.Execution{}
		}
		require.Equal(t, "IdentificationChallenge", typename(next()), "pushed at once")

		submit := func(e gatehouseapi.Execution, response gatehouseapi.ChallengeResponseInput) gatehouseapi.Execution {
			t.Helper()
			res, err := gatehouseapi.SubmitChallenge(ctx, client, e.Id, response, &e.Step)
			require.NoError(t, err)
			session.keep(res.SubmitChallenge.Execution)
			return res.SubmitChallenge.Execution
		}
		identify := func(uid string) gatehouseapi.ChallengeResponseInput {
			return gatehouseapi.ChallengeResponseInput{Identification: &gatehouseapi.IdentificationResponseInput{UidField: uid}}
		}

		// A rejected response is no GraphQL error: the same challenge
		// comes back with its field errors.
		execution = submit(execution, identify(""))
		require.Equal(t, "IdentificationChallenge", typename(execution))
		fields, ok := execution.Challenge.(*gatehouseapi.ExecutionChallengeIdentificationChallenge)
		require.True(t, ok, "%T", execution.Challenge)
		require.Len(t, fields.Errors, 1)
		require.Equal(t, "uidField", fields.Errors[0].Field)
		require.Equal(t, "required", fields.Errors[0].Code)
		require.Equal(t, "IdentificationChallenge", typename(next()), "the retry is pushed")

		execution = submit(execution, identify("admin"))
		require.Equal(t, "PasswordChallenge", typename(execution))
		require.Equal(t, "PasswordChallenge", typename(next()), "the step the test took is pushed")

		stale := execution
		execution = submit(execution, gatehouseapi.ChallengeResponseInput{Password: &gatehouseapi.PasswordResponseInput{Password: adminPassword}})
		require.True(t, execution.Completed)
		require.NotNil(t, execution.SessionToken, "the login returns its session")
		require.Equal(t, "RedirectChallenge", typename(execution))
		pushed := next()
		require.True(t, pushed.Completed, "the end of the login is pushed")
		require.Equal(t, "RedirectChallenge", typename(pushed))

		viewer, err := gatehouseapi.Viewer(ctx, client)
		require.NoError(t, err)
		require.NotNil(t, viewer.Viewer.User)
		require.Equal(t, "admin", viewer.Viewer.User.Username)
		require.Equal(t, "SESSION", string(viewer.Viewer.AuthMethod))

		// Refused operations: genqlient returns the response's errors as
		// a gqlerror.List, each with its extensions.code.
		_, err = gatehouseapi.ExportFlow(ctx, client, "no-such-flow")
		require.Equal(t, "NOT_FOUND", errorCode(t, err), "an unknown flow")
		_, err = gatehouseapi.SubmitChallenge(ctx, client, stale.Id,
			gatehouseapi.ChallengeResponseInput{Password: &gatehouseapi.PasswordResponseInput{Password: adminPassword}}, &stale.Step)
		require.Equal(t, "WRONG_STAGE", errorCode(t, err), "a double submit")
	})
}

// closeSocket closes a genqlient WebSocketClient whose subscriptions
// have nothing left to push. genqlient 0.8.1 hands each push to an
// unbuffered channel, so pushes must be read until then; Close sends the
// close frame first, after which it cannot send its subscriptions'
// "complete" (it returns that error), and the socket's reader reports the
// server's close on errs, where it waits for a reader.
func closeSocket(t *testing.T, ws graphql.WebSocketClient, errs <-chan error) {
	t.Helper()
	closeErr := ws.Close()
	select {
	case err := <-errs:
		t.Logf("genqlient: Close: %v; then: %v", closeErr, err)
	case <-time.After(time.Minute):
		t.Fatal("the socket's reader did not end")
	}
}

// typename returns the __typename of e's challenge (a *string: genqlient
// makes every __typename a pointer under optional: pointer).
func typename(e gatehouseapi.Execution) string {
	if t := e.Challenge.GetTypename(); t != nil {
		return *t
	}
	return ""
}

// errorCode returns the extensions.code of the one GraphQL error in err,
// a gqlerror.List as genqlient returns it.
func errorCode(t *testing.T, err error) string {
	t.Helper()
	var list gqlerror.List
	require.ErrorAs(t, err, &list, "genqlient returns a gqlerror.List")
	require.Len(t, list, 1)
	require.NotEmpty(t, list[0].Path, "a field error has its path")
	code, _ := list[0].Extensions["code"].(string)
	return code
}
