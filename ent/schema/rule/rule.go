// Package rule holds the ent privacy rules of the admin API: the one place
// that decides who may read and write what.
//
//	viewer            may
//	system            everything (start-up, jobs, the flow engine)
//	superuser         everything
//	other user        read itself, its own groups and its own tokens;
//	                  create, update and delete its own api/app_password tokens;
//	                  read, rename and delete its own second factors;
//	                  read its own notifications and mark them seen
//	anonymous         nothing
//
// A denied query or mutation fails with privacy.Deny (wrapped); the GraphQL
// edge answers it as UNAUTHENTICATED for anonymous callers and FORBIDDEN
// otherwise. Rows a user may not see are filtered out, so reading another
// user's token by ID answers NOT_FOUND.
package rule

import (
	"context"
	"slices"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
)

// AdminOnly is the policy of everything that only superusers (and the
// system) may read or change.
func AdminOnly() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSuperuser(), privacy.AlwaysDenyRule()},
		Query:    privacy.QueryPolicy{allowSuperuser(), privacy.AlwaysDenyRule()},
	}
}

// UserPolicy lets a user read its own row; only superusers change users.
func UserPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSuperuser(), privacy.AlwaysDenyRule()},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.UserQueryRuleFunc(func(ctx context.Context, q *ent.UserQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(user.ID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// GroupPolicy lets a user read the groups it is a direct member of.
func GroupPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSuperuser(), privacy.AlwaysDenyRule()},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.GroupQueryRuleFunc(func(ctx context.Context, q *ent.GroupQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(group.HasUsersWith(user.ID(id))) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// selfServiceIntents are the token intents a user may manage for itself.
var selfServiceIntents = []enum.TokenIntent{enum.TokenIntentAPI, enum.TokenIntentAppPassword}

// TokenPolicy lets a user read its own tokens and manage its own API tokens
// and app passwords. Recovery and verification tokens are the system's.
func TokenPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.TokenMutationRuleFunc(func(ctx context.Context, m *ent.TokenMutation) error {
				v := viewer.FromContext(ctx)
				if v.Kind != viewer.User {
					return privacy.Denyf("anonymous callers have no tokens")
				}
				switch {
				case m.Op().Is(ent.OpCreate):
					uid, _ := m.UserID()
					intent, ok := m.Intent()
					if !ok {
						intent = enum.TokenIntentAPI // the schema default
					}
					if uid != v.UserID || !slices.Contains(selfServiceIntents, intent) {
						return privacy.Denyf("users may only create their own api and app_password tokens")
					}
					return privacy.Allow
				default:
					// Updates and deletes reach only the viewer's own
					// self-service tokens; anything else matches no row.
					m.Where(token.UserID(v.UserID), token.IntentIn(selfServiceIntents...))
					return privacy.Allow
				}
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.TokenQueryRuleFunc(func(ctx context.Context, q *ent.TokenQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(token.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// TOTPDevicePolicy lets a user read, rename and delete its own
// authenticator apps; only the system (the setup stage) creates them.
func TOTPDevicePolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.TOTPDeviceMutationRuleFunc(func(ctx context.Context, m *ent.TOTPDeviceMutation) error {
				return ownDevice(ctx, m.Op(), func(id int) { m.Where(totpdevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.TOTPDeviceQueryRuleFunc(func(ctx context.Context, q *ent.TOTPDeviceQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(totpdevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// WebAuthnDevicePolicy lets a user read, rename and delete its own
// passkeys and security keys; only the system (the setup stage) creates
// them.
func WebAuthnDevicePolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.WebAuthnDeviceMutationRuleFunc(func(ctx context.Context, m *ent.WebAuthnDeviceMutation) error {
				return ownDevice(ctx, m.Op(), func(id int) { m.Where(webauthndevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.WebAuthnDeviceQueryRuleFunc(func(ctx context.Context, q *ent.WebAuthnDeviceQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(webauthndevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// EmailDevicePolicy lets a user read, rename and delete its own devices
// of codes by mail; only the system (the setup stage) creates them.
func EmailDevicePolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.EmailDeviceMutationRuleFunc(func(ctx context.Context, m *ent.EmailDeviceMutation) error {
				return ownDevice(ctx, m.Op(), func(id int) { m.Where(emaildevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.EmailDeviceQueryRuleFunc(func(ctx context.Context, q *ent.EmailDeviceQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(emaildevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// NotificationPolicy lets a user read its own notifications and mark
// them seen (update); only the system (the notification job) creates them.
func NotificationPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.NotificationMutationRuleFunc(func(ctx context.Context, m *ent.NotificationMutation) error {
				v := viewer.FromContext(ctx)
				if v.Kind != viewer.User || !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) {
					return privacy.Skip
				}
				m.Where(notification.UserID(v.UserID))
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.NotificationQueryRuleFunc(func(ctx context.Context, q *ent.NotificationQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(notification.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// StaticDevicePolicy lets a user read, rename and delete its own set of
// recovery codes (the codes themselves, StaticToken, stay the system's);
// only the system (the setup stage) creates them.
func StaticDevicePolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSuperuser(),
			privacy.StaticDeviceMutationRuleFunc(func(ctx context.Context, m *ent.StaticDeviceMutation) error {
				return ownDevice(ctx, m.Op(), func(id int) { m.Where(staticdevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
		Query: privacy.QueryPolicy{
			allowSuperuser(),
			privacy.StaticDeviceQueryRuleFunc(func(ctx context.Context, q *ent.StaticDeviceQuery) error {
				return filterToUser(ctx, func(id int) { q.Where(staticdevice.UserID(id)) })
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// ownDevice allows a user's updates and deletes of second factors,
// narrowed by where to its own (anything else matches no row), and denies
// creation.
func ownDevice(ctx context.Context, op ent.Op, where func(userID int)) error {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return privacy.Denyf("anonymous callers have no devices")
	}
	if op.Is(ent.OpCreate) {
		return privacy.Denyf("devices are created by their setup stages")
	}
	where(v.UserID)
	return privacy.Allow
}

// allowSuperuser admits the system and superusers.
func allowSuperuser() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx).IsSuperuser() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// filterToUser applies where (with the viewer's user ID) and allows the
// query for an authenticated user; it skips for anyone else.
func filterToUser(ctx context.Context, where func(userID int)) error {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return privacy.Skip
	}
	where(v.UserID)
	return privacy.Allow
}
