package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/jobs"
)

// work runs `gatehouse worker`: the background jobs alone, on the same
// database as the API servers, until ctx ends.
func work(ctx context.Context, cfg *config.Config, logger *slog.Logger) error {
	a, err := open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	runner, err := jobs.Start(ctx, a.jobsConfig())
	if err != nil {
		return err
	}
	logger.Info("gatehouse worker running")
	<-ctx.Done()
	stopWorkers(runner, cfg.ShutdownTimeout, logger)
	return nil
}

// stopWorkers stops r, letting running jobs finish within timeout.
func stopWorkers(r *jobs.Runner, timeout time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		logger.Warn("stop job workers", "error", err)
	}
}
