package outposts

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/pubsub"
)

// TopicConfig announces, on every server, that some outpost's
// configuration may have changed. Messages carry nothing: each watcher
// builds its outpost's configuration again and sends it if it differs.
const TopicConfig = "outposts.config"

// Watch sends outpost outpostID's configuration on the returned channel
// at once, then again after every change of it, until ctx ends, the
// outpost is deleted or its token rotates (the channel is closed then:
// the outpost reconnects with its current token).
func (s *Service) Watch(ctx context.Context, outpostID int) (<-chan *Config, error) {
	// Subscribed first, read next: a change in between is not missed.
	changes, err := s.Broker.Subscribe(ctx, TopicConfig)
	if err != nil {
		return nil, fmt.Errorf("watch outpost configuration: %w", err)
	}
	first, err := s.Config(ctx, outpostID)
	if err != nil {
		return nil, err
	}
	out := make(chan *Config, 1)
	out <- first
	go func() {
		defer close(out)
		last := first
		for {
			select {
			case <-ctx.Done():
				return
			case _, open := <-changes:
				if !open {
					return
				}
			}
			cfg, err := s.Config(ctx, outpostID)
			if ent.IsNotFound(err) {
				return
			}
			if err != nil {
				if ctx.Err() == nil {
					s.logger().WarnContext(ctx, "build an outpost's configuration", "outpost", outpostID, "error", err)
				}
				continue
			}
			if cfg.CookieSecret != first.CookieSecret {
				return // the token rotated: the stream's credentials are gone
			}
			if reflect.DeepEqual(cfg, last) {
				continue
			}
			select {
			case out <- cfg:
				last = cfg
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Install registers hooks on client that announce, once the write
// commits, every change that may alter an outpost's configuration: proxy
// providers, outposts (but their last use), applications (their link and
// slug) and the OAuth2 providers proxy providers manage.
// Failures to publish are logged to logger (nil: discarded).
func Install(client *ent.Client, broker pubsub.Broker, logger *slog.Logger) {
	s := &Service{Broker: broker, Logger: logger}
	client.ProxyProvider.Use(s.hook(nil))
	client.Outpost.Use(s.hook([]string{outpost.FieldLastSeenAt, outpost.FieldUpdatedAt}))
	client.Application.Use(s.hook(nil, application.FieldSlug, application.FieldProviderID))
	client.OAuth2Provider.Use(s.hook(nil, oauth2provider.FieldClientID, oauth2provider.FieldName))
}

// hook announces after commit a mutation that deletes rows or changes an
// edge or a field: any field but ignored, or, when only is given, one of
// only.
func (s *Service) hook(ignored []string, only ...string) entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil || !alters(m, ignored, only) {
				return v, err
			}
			tx, txErr := txOf(m)
			if txErr != nil {
				tx = nil // not in a transaction: the write is done
			}
			aftercommit.Run(tx, func() { s.announce(ctx) })
			return v, nil
		})
	}
}

// alters reports whether m may change an outpost's configuration.
func alters(m entgo.Mutation, ignored, only []string) bool {
	if m.Op().Is(entgo.OpDelete|entgo.OpDeleteOne) ||
		len(m.AddedEdges())+len(m.RemovedEdges())+len(m.ClearedEdges()) > 0 {
		return true
	}
	for _, f := range slices.Concat(m.Fields(), m.ClearedFields()) {
		if slices.Contains(ignored, f) {
			continue
		}
		if len(only) == 0 || slices.Contains(only, f) {
			return true
		}
	}
	return false
}

// announce publishes TopicConfig; a failure is logged.
func (s *Service) announce(ctx context.Context) {
	if s.Broker == nil {
		return
	}
	if err := s.Broker.Publish(context.WithoutCancel(ctx), TopicConfig, nil); err != nil {
		s.logger().WarnContext(ctx, "announce an outpost configuration change", "error", err)
	}
}

// txOf returns the transaction a mutation runs in.
func txOf(m entgo.Mutation) (*ent.Tx, error) {
	type txer interface{ Tx() (*ent.Tx, error) }
	if t, ok := m.(txer); ok {
		return t.Tx()
	}
	return nil, fmt.Errorf("outposts: no transaction for %T", m)
}
