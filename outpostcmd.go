package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/outpost"
	"github.com/gatehouse-id/gatehouse/outpost/coreclient"
)

// outpostHealthPath answers 200 once the outpost has its configuration
// and 503 before (a standalone outpost's readiness probe).
const outpostHealthPath = "/outpost.gatehouse/health"

// outpostArgs are the flags of `gatehouse outpost`.
type outpostArgs struct {
	core, token string
}

// parseOutpostArgs reads `--core URL --token T`; the environment's
// GATEHOUSE_OUTPOST_CORE and GATEHOUSE_OUTPOST_TOKEN are the defaults (a
// token in the environment stays out of the process list).
func parseOutpostArgs(args []string, getenv func(string) string, stderr io.Writer) (outpostArgs, error) {
	fs := flag.NewFlagSet("outpost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a outpostArgs
	fs.StringVar(&a.core, "core", getenv("GATEHOUSE_OUTPOST_CORE"), "the core's public URL (GATEHOUSE_OUTPOST_CORE)")
	fs.StringVar(&a.token, "token", getenv("GATEHOUSE_OUTPOST_TOKEN"), "the outpost's token, shown once by createOutpost (GATEHOUSE_OUTPOST_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return a, err
	}
	if fs.NArg() > 0 {
		return a, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if a.core == "" || a.token == "" {
		return a, errors.New("--core and --token (or GATEHOUSE_OUTPOST_CORE and GATEHOUSE_OUTPOST_TOKEN) are required")
	}
	return a, nil
}

// runOutpost runs a standalone outpost: the very code the embedded one
// runs, a GraphQL client of the core at a.core, listening on
// GATEHOUSE_LISTEN.
func runOutpost(ctx context.Context, a outpostArgs, cfg *config.Config, logger *slog.Logger, stdout io.Writer) error {
	httpClient := &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
	}}
	core, err := coreclient.New(a.core, a.token, httpClient)
	if err != nil {
		return err
	}
	op, err := outpost.New(outpost.Options{Core: core, HTTPClient: httpClient, TrustedProxies: cfg.TrustedProxies, Logger: logger})
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+outpostHealthPath, func(w http.ResponseWriter, _ *http.Request) {
		if !op.Ready() {
			http.Error(w, "waiting for the configuration from the core", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("/", op)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- op.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Gatehouse outpost listening on http://%s, core %s\n", ln.Addr(), a.core)
	logger.Info("outpost listening", "address", ln.Addr().String(), "core", a.core)
	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case err := <-ran:
		if ctx.Err() == nil {
			return fmt.Errorf("outpost: %w", err)
		}
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}
