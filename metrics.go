package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/router"
)

// Where Prometheus metrics are served: on the main listener, on a
// listener of their own (GATEHOUSE_METRICS_LISTEN), or not at all.

// listenMetrics starts the separate metrics listener when
// GATEHOUSE_METRICS_LISTEN asks for one, and returns its server (nil when
// none), whose Addr is the address it listens on.
func listenMetrics(ctx context.Context, cfg *config.Config, g prometheus.Gatherer, logger *slog.Logger) (*http.Server, error) {
	if cfg.MetricsListen == "" {
		return nil, nil //nolint:nilnil // no listener is not an error
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (GATEHOUSE_METRICS_LISTEN): %w", cfg.MetricsListen, err)
	}
	srv := &http.Server{
		Addr:              ln.Addr().String(),
		Handler:           router.Metrics(g, cfg.MetricsToken),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "error", err)
		}
	}()
	logger.Info("metrics listening", "address", srv.Addr)
	return srv, nil
}

// mainMetrics is what the main listener's /metrics serves: the registry,
// or nothing (404) when metrics are served elsewhere or not at all.
func (a *app) mainMetrics() prometheus.Gatherer {
	if !a.cfg.MetricsOnMainListener() {
		return nil
	}
	return a.registry
}
