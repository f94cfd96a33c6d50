package graph

import (
	"context"
	"strconv"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
)

// streamEvents delivers audit events written after the subscription starts
// that match where. Each notification carries only an event ID; the event is
// read back under the subscriber's own viewer, so privacy rules decide what
// it may see.
func (r *Resolver) streamEvents(ctx context.Context, where *ent.EventWhereInput) (<-chan *ent.Event, error) {
	if where != nil { // P, unlike Filter, does not accept a nil filter
		if _, err := where.P(); err != nil {
			return nil, err
		}
	}
	ids, err := r.Broker.Subscribe(ctx, audit.Topic)
	if err != nil {
		return nil, err
	}
	out := make(chan *ent.Event, 1)
	go func() {
		defer close(out)
		for msg := range ids {
			id, err := strconv.Atoi(string(msg))
			if err != nil {
				continue
			}
			q, err := where.Filter(r.Client.Event.Query().Where(event.ID(id)))
			if err != nil {
				return
			}
			ev, err := q.Only(ctx)
			if ent.IsNotFound(err) {
				continue // filtered out
			}
			if err != nil {
				r.Logger.WarnContext(ctx, "load event for subscription", "event_id", id, "error", err)
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
