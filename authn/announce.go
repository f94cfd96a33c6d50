package authn

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/pubsub"
)

// Topics on which changes of authority are announced, for the Watcher.
// Messages carry nothing: a watcher checks its credentials again.
const (
	// TopicEveryone announces a change that may concern any user: a
	// group's superuser flag, parents or members.
	TopicEveryone = "authz.everyone"
	topicUser     = "authz.user."
)

// UserTopic is the topic announcing changes of one user's authority:
// their sessions ended, their tokens changed, their account changed.
func UserTopic(userID int) string { return topicUser + strconv.Itoa(userID) }

// Announcer publishes changes of authority. Its zero value (no Broker)
// announces nothing.
type Announcer struct {
	// Broker carries the announcements to every server.
	Broker pubsub.Broker
	// Logger receives publishing failures; nil discards them.
	Logger *slog.Logger
}

// User announces that the authority of userID may have changed. Failures
// are logged: watchers also check again periodically.
func (a *Announcer) User(ctx context.Context, userID int) {
	a.publish(ctx, UserTopic(userID))
}

// Everyone announces a change that may concern any user.
func (a *Announcer) Everyone(ctx context.Context) {
	a.publish(ctx, TopicEveryone)
}

func (a *Announcer) publish(ctx context.Context, topic string) {
	if a == nil || a.Broker == nil {
		return
	}
	if err := a.Broker.Publish(context.WithoutCancel(ctx), topic, nil); err != nil && a.Logger != nil {
		a.Logger.WarnContext(ctx, "announce a change of authority", "topic", topic, "error", err)
	}
}

// Install registers hooks on client that announce, once the write
// commits, every change of a user's authority that a credential does not
// carry itself: a user updated or deleted (UserTopic), a token updated or
// deleted (its user's topic), any change of a group (TopicEveryone).
// Sessions announce their own ends (session.Manager.EndedFunc).
func (a *Announcer) Install(client *ent.Client) {
	client.User.Use(a.hook(func(ctx context.Context, m entgo.Mutation) ([]int, bool, error) {
		um, ok := m.(*ent.UserMutation)
		if !ok || !changes(m, []string{user.FieldIsActive}, user.EdgeGroups) {
			return nil, false, nil
		}
		ids, err := um.IDs(ctx)
		return ids, false, err
	}))
	client.Token.Use(a.hook(func(ctx context.Context, m entgo.Mutation) ([]int, bool, error) {
		tm, ok := m.(*ent.TokenMutation)
		if !ok || !changes(m, []string{token.FieldIntent, token.FieldExpiring, token.FieldExpires, token.FieldKeyHash}, token.EdgeUser) {
			return nil, false, nil
		}
		ids, err := tm.IDs(ctx)
		if err != nil || len(ids) == 0 {
			return nil, false, err
		}
		users, err := tm.Client().Token.Query().Where(token.IDIn(ids...)).Select(token.FieldUserID).Ints(ctx)
		return users, false, err
	}))
	client.Group.Use(a.hook(func(_ context.Context, m entgo.Mutation) ([]int, bool, error) {
		return nil, !m.Op().Is(entgo.OpCreate) || len(m.AddedEdges()) > 0, nil
	}))
}

// changes reports whether m, an update or deletion, deletes rows or
// changes one of fields or edges (a creation changes nobody's authority).
// Routine writes (a user's last_login, a token's last_used_at) do not.
func changes(m entgo.Mutation, fields []string, edges ...string) bool {
	switch {
	case m.Op().Is(entgo.OpCreate):
		return false
	case m.Op().Is(entgo.OpDelete | entgo.OpDeleteOne):
		return true
	}
	for _, f := range m.Fields() {
		if slices.Contains(fields, f) {
			return true
		}
	}
	for _, e := range slices.Concat(m.AddedEdges(), m.RemovedEdges(), m.ClearedEdges()) {
		if slices.Contains(edges, e) {
			return true
		}
	}
	for _, f := range m.ClearedFields() {
		if slices.Contains(fields, f) {
			return true
		}
	}
	return false
}

// hook announces, after the mutation commits, to the users affected
// returns (listed before the mutation runs), or to everyone.
func (a *Announcer) hook(affected func(ctx context.Context, m entgo.Mutation) (users []int, everyone bool, err error)) entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			// Listing is a read by the system; the write's privacy is the
			// mutation's own.
			users, everyone, err := affected(privacy.DecisionContext(ctx, privacy.Allow), m)
			if err != nil {
				return nil, fmt.Errorf("list users whose authority changes: %w", err)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || (len(users) == 0 && !everyone) {
				return v, err
			}
			tx, txErr := txOf(m)
			if txErr != nil {
				tx = nil // not in a transaction: the write is done
			}
			aftercommit.Run(tx, func() {
				if everyone {
					a.Everyone(ctx)
				}
				for _, id := range users {
					a.User(ctx, id)
				}
			})
			return v, nil
		})
	}
}

// txOf returns the transaction a mutation runs in.
func txOf(m entgo.Mutation) (*ent.Tx, error) {
	switch m := m.(type) {
	case *ent.UserMutation:
		return m.Tx()
	case *ent.TokenMutation:
		return m.Tx()
	case *ent.GroupMutation:
		return m.Tx()
	default:
		return nil, fmt.Errorf("authn: no transaction for %T", m)
	}
}
