// Package inprocess is an http.RoundTripper that answers requests with an
// http.Handler of the same process: the embedded outpost reaches the core
// through it, so it runs the very code a standalone outpost runs over the
// network, without a socket and whatever the public URL resolves to.
//
// Answers stream: the response is returned as soon as the handler writes
// its header, and its body is what the handler writes, as it writes it
// (server-sent events work). Closing the body, or ending the request's
// context, cancels the handler's request context.
package inprocess

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// RemoteAddr is the peer address requests arrive from.
const RemoteAddr = "127.0.0.1:0"

// Transport serves requests with Handler, whatever their URL's host.
type Transport struct {
	// Handler answers every request.
	Handler http.Handler
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	r := req.Clone(ctx)
	r.RemoteAddr = RemoteAddr
	r.RequestURI = r.URL.RequestURI()
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Proto == "" {
		r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	}
	pr, pw := io.Pipe()
	w := &writer{header: http.Header{}, pipe: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				w.WriteHeader(http.StatusInternalServerError)
				_ = pw.CloseWithError(fmt.Errorf("inprocess: the handler panicked: %v", p))
				return
			}
			w.WriteHeader(http.StatusOK)
			_ = pw.Close()
		}()
		t.Handler.ServeHTTP(w, r)
	}()
	select {
	case <-w.ready:
	case <-ctx.Done():
		cancel()
		_ = pr.Close()
		return nil, ctx.Err()
	}
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          &body{PipeReader: pr, cancel: cancel},
		ContentLength: -1,
		Request:       req,
	}, nil
}

// body cancels the handler's context when the client closes it.
type body struct {
	*io.PipeReader

	cancel context.CancelFunc
}

func (b *body) Close() error {
	b.cancel()
	return b.PipeReader.Close()
}

// writer is the handler's http.ResponseWriter.
type writer struct {
	header http.Header
	pipe   *io.PipeWriter
	ready  chan struct{}
	once   sync.Once
	status int
	sent   http.Header
}

func (w *writer) Header() http.Header { return w.header }

func (w *writer) WriteHeader(status int) {
	if status >= 100 && status < 200 {
		return // informational answers are not passed on
	}
	w.once.Do(func() {
		w.status = status
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *writer) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pipe.Write(p) //nolint:wrapcheck // the handler sees io.ErrClosedPipe once the client has gone
}

// Flush implements http.Flusher: writes already reach the reader as they
// happen (the pipe has no buffer), so it only sends the header.
func (w *writer) Flush() { w.WriteHeader(http.StatusOK) }
