package graph_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/problem"
)

// dialWS opens a websocket to the bundle's handler, served on a real
// listener, with subprotocol.
func dialWS(t *testing.T, b *testBundle, subprotocol string) *websocket.Conn {
	t.Helper()
	srv := httptest.NewServer(b.handler)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{subprotocol},
	})
	require.NoError(t, err)
	require.Equal(t, subprotocol, conn.Subprotocol())
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// requireClosed reads from conn until the server closes it and requires
// the close code and reason.
func requireClosed(t *testing.T, conn *websocket.Conn, code websocket.StatusCode, reason string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := conn.Read(ctx)
		if err == nil {
			continue // a message before the close (connection_error, keep-alive)
		}
		var ce websocket.CloseError
		require.ErrorAs(t, err, &ce, "the server closes the socket")
		require.Equal(t, code, ce.Code, "reason %q", ce.Reason)
		require.Equal(t, reason, ce.Reason)
		return
	}
}

func writeWS(t *testing.T, conn *websocket.Conn, msg map[string]any) {
	t.Helper()
	require.NoError(t, wsjson.Write(t.Context(), conn, msg))
}

func requireAck(t *testing.T, conn *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var ack map[string]any
	require.NoError(t, wsjson.Read(ctx, conn, &ack))
	require.Equal(t, "connection_ack", ack["type"])
}

var subscribeMsg = map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { eventCreated { action } }`}}

func TestWebsocketCloseCodes(t *testing.T) {
	t.Parallel()
	shortInit := func(o *graph.Options) { o.WebsocketInitTimeout = 50 * time.Millisecond }

	t.Run("no connection_init in time", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, setup(t, "sqlite3", shortInit), "graphql-transport-ws")
		requireClosed(t, conn, 4408, "Connection initialisation timeout")
	})
	t.Run("subscribe before connection_init", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, setup(t, "sqlite3"), "graphql-transport-ws")
		writeWS(t, conn, subscribeMsg)
		requireClosed(t, conn, 4401, "Unauthorized")
	})
	t.Run("another first message stays a protocol error", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, setup(t, "sqlite3"), "graphql-transport-ws")
		writeWS(t, conn, map[string]any{"type": "ping"})
		requireClosed(t, conn, websocket.StatusProtocolError, "unexpected message")
	})
	t.Run("the legacy graphql-ws protocol keeps gqlgen's codes", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, setup(t, "sqlite3", shortInit), "graphql-ws")
		requireClosed(t, conn, websocket.StatusProtocolError, "connection initialisation timeout")
	})
	t.Run("refused credentials", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "sqlite3", func(o *graph.Options) {
			o.WebsocketAuth = func(ctx context.Context, _ string) (context.Context, error) {
				return ctx, authn.ErrInvalidCredentials
			}
		})
		conn := dialWS(t, b, "graphql-transport-ws")
		writeWS(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer nope"}})
		requireClosed(t, conn, 4403, "Forbidden")
	})
	t.Run("credentials that cannot be checked", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "sqlite3", func(o *graph.Options) {
			o.WebsocketAuth = func(ctx context.Context, _ string) (context.Context, error) {
				return ctx, problem.Unavailable(errors.New("dial tcp 10.0.0.5:5432: connection refused"))
			}
		})
		conn := dialWS(t, b, "graphql-transport-ws")
		writeWS(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer maybe"}})
		requireClosed(t, conn, websocket.StatusTryAgainLater, "Try Again Later")
	})
}

// TestCloseWebsocket closes an initialised connection through the context
// its connection_init was authenticated with: the socket closes with the
// CloseError's code and reason, not 1000 "terminated".
func TestCloseWebsocket(t *testing.T) {
	t.Parallel()
	require.False(t, graph.CloseWebsocket(t.Context(), 4403, "Forbidden"), "no websocket in a plain context")

	for _, subprotocol := range []string{"graphql-transport-ws", "graphql-ws"} {
		t.Run(subprotocol, func(t *testing.T) {
			t.Parallel()
			authed := make(chan context.Context, 1)
			var b *testBundle
			b = setup(t, "sqlite3", func(o *graph.Options) {
				o.WebsocketAuth = func(ctx context.Context, _ string) (context.Context, error) {
					authed <- ctx
					return viewer.NewContext(ctx, b.admin), nil
				}
			})
			conn := dialWS(t, b, subprotocol)
			initType := "connection_init"
			writeWS(t, conn, map[string]any{"type": initType, "payload": map[string]any{"Authorization": "Bearer admin"}})
			requireAck(t, conn)
			if subprotocol == "graphql-transport-ws" {
				writeWS(t, conn, subscribeMsg)
			}

			ctx := <-authed
			require.True(t, graph.CloseWebsocket(ctx, 4403, "Forbidden"))
			requireClosed(t, conn, 4403, "Forbidden")
		})
	}
}
