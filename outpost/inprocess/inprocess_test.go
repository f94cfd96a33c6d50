package inprocess_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/outpost/inprocess"
)

func TestTransportAnswersWithTheHandler(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen", r.Method+" "+r.Host+" "+r.RequestURI+" "+r.RemoteAddr+" "+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write(append([]byte("echo:"), body...))
	})
	c := &http.Client{Transport: &inprocess.Transport{Handler: h}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://login.example.com/graphql?x=1", strings.NewReader("hello"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusTeapot, resp.StatusCode)
	require.Equal(t, "POST login.example.com /graphql?x=1 127.0.0.1:0 Bearer t", resp.Header.Get("X-Seen"))
	require.Equal(t, "echo:hello", string(body))
}

func TestTransportStreamsAndCancels(t *testing.T) {
	t.Parallel()
	next := make(chan string)
	ended := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_ = http.NewResponseController(w).Flush()
		for {
			select {
			case <-r.Context().Done():
				ended <- r.Context().Err()
				return
			case s := <-next:
				_, _ = io.WriteString(w, s+"\n")
			}
		}
	})
	c := &http.Client{Transport: &inprocess.Transport{Handler: h}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://core/stream", nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err, "the answer arrives while the handler still runs")
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	lines := bufio.NewReader(resp.Body)
	for _, s := range []string{"one", "two"} {
		next <- s
		line, err := lines.ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, s+"\n", line, "each write reaches the reader as it happens")
	}
	require.NoError(t, resp.Body.Close())
	require.ErrorIs(t, <-ended, context.Canceled, "closing the body cancels the handler's request")
}

func TestTransportPanickingHandler(t *testing.T) {
	t.Parallel()
	c := &http.Client{Transport: &inprocess.Transport{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://core/", nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	_, err = io.ReadAll(resp.Body)
	require.ErrorContains(t, err, "panicked")
}
