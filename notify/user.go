package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"entgo.io/contrib/entgql"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/pubsub"
)

// List returns a page of the viewer's own notifications, newest first;
// unseenOnly keeps those not marked seen. Anonymous callers get an empty
// page.
func List(ctx context.Context, client *ent.Client, after *entgql.Cursor[int], first *int, unseenOnly bool) (*ent.NotificationConnection, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return &ent.NotificationConnection{Edges: []*ent.NotificationEdge{}}, nil
	}
	q := client.Notification.Query().Where(notification.UserID(v.UserID))
	if unseenOnly {
		q.Where(notification.Seen(false))
	}
	return q.Paginate(ctx, after, first, nil, nil, ent.WithNotificationOrder(&ent.NotificationOrder{
		Direction: entgql.OrderDirectionDesc, Field: ent.NotificationOrderFieldCreatedAt,
	}))
}

// MarkSeen marks the viewer's own notifications among ids seen and
// returns them; other IDs are ignored. Anonymous callers get
// problem.ErrUnauthenticated.
func MarkSeen(ctx context.Context, client *ent.Client, ids []int) ([]*ent.Notification, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return nil, problem.ErrUnauthenticated
	}
	own := []*ent.Notification{}
	if len(ids) == 0 {
		return own, nil
	}
	mine := notification.And(notification.IDIn(ids...), notification.UserID(v.UserID))
	if err := client.Notification.Update().Where(mine).SetSeen(true).Exec(ctx); err != nil {
		return nil, fmt.Errorf("mark notifications seen: %w", err)
	}
	own, err := client.Notification.Query().Where(mine).Order(notification.ByID()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load notifications: %w", err)
	}
	return own, nil
}

// Follow streams the viewer's new notifications (announced on Topic by
// any server) until ctx ends. Anonymous callers get
// problem.ErrUnauthenticated.
func Follow(ctx context.Context, client *ent.Client, broker pubsub.Broker, logger *slog.Logger) (<-chan *ent.Notification, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return nil, problem.ErrUnauthenticated
	}
	ids, err := broker.Subscribe(ctx, Topic)
	if err != nil {
		return nil, fmt.Errorf("follow notifications: %w", err)
	}
	out := make(chan *ent.Notification, 1)
	go func() {
		defer close(out)
		for msg := range ids {
			id, err := strconv.Atoi(string(msg))
			if err != nil {
				continue
			}
			n, err := client.Notification.Query().Where(notification.ID(id), notification.UserID(v.UserID)).Only(ctx)
			if ent.IsNotFound(err) {
				continue // someone else's
			}
			if err != nil {
				if logger != nil {
					logger.WarnContext(ctx, "load notification for subscription", "notification_id", id, "error", err)
				}
				continue
			}
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
