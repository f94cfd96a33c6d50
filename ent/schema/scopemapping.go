package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/problem"
)

// ScopeMapping is a custom OAuth2 scope: a provider that lists it may be
// granted it, and its claims come from a CEL expression over the user
// (package oidc/scopes compiles, checks and evaluates it). The built-in
// scopes (openid, profile, email, groups, offline_access) are not rows.
type ScopeMapping struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (ScopeMapping) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (ScopeMapping) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.String("scope_name").
			Unique().
			Validate(validScopeToken).
			Comment("The OAuth2 scope token clients ask for (RFC 6749 §3.3 characters, 1-100).").
			Annotations(entgql.OrderField("SCOPE_NAME")),
		field.String("description").
			Validate(validDescription).
			Comment("What the scope lets an application have, as the consent screen shows it."),
		field.Text("expression").
			NotEmpty().
			Comment("CEL over `user`; evaluates to a map of claims.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Annotations implements ent.Schema.
func (ScopeMapping) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (ScopeMapping) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (ScopeMapping) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.ScopeMappingMutation]("scope mapping", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.ScopeMapping.Query().Where(scopemapping.Name(v), scopemapping.IDNEQ(self)).Exist(ctx)
		}),
		uniqueField[*gen.ScopeMappingMutation]("scope mapping", "scope_name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.ScopeMapping.Query().Where(scopemapping.ScopeName(v), scopemapping.IDNEQ(self)).Exist(ctx)
		}),
		refuseDeleteIfReferenced[*gen.ScopeMappingMutation]("scope mapping", scopeMappingReferrers),
		refuseRenameIfReferenced(),
	}
}

// maxScopeTokenLength bounds a scope token's length.
const maxScopeTokenLength = 100

// validScopeToken accepts RFC 6749 §3.3 scope-token characters only
// (%x21 / %x23-5B / %x5D-7E: printable ASCII but space, " and \), 1 to
// 100 of them.
func validScopeToken(s string) error {
	if s == "" || len(s) > maxScopeTokenLength {
		return fmt.Errorf("must be 1 to %d characters long", maxScopeTokenLength)
	}
	for i := range len(s) {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return errors.New(`must be printable ASCII without spaces, " or \ (an RFC 6749 scope token)`)
		}
	}
	return nil
}

// maxDescriptionLength bounds a scope's description, in characters.
const maxDescriptionLength = 200

// validDescription requires a non-blank description of at most 200
// characters.
func validDescription(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be blank")
	}
	if utf8.RuneCountInString(s) > maxDescriptionLength {
		return fmt.Errorf("must be at most %d characters", maxDescriptionLength)
	}
	return nil
}

// scopeMappingReferrers: the providers that list the scope.
func scopeMappingReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	m, err := c.ScopeMapping.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	refs, err := scopeReferrers(ctx, c, m.ScopeName)
	return m.Name, refs, err
}

// scopeReferrers lists the providers whose scopes name scope.
func scopeReferrers(ctx context.Context, c *gen.Client, scope string) ([]problem.Referrer, error) {
	providers, err := c.OAuth2Provider.Query().
		Where(func(s *sql.Selector) { s.Where(sqljson.ValueContains(s.C(oauth2provider.FieldScopes), scope)) }).
		Order(oauth2provider.ByID()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	refs := make([]problem.Referrer, len(providers))
	for i, p := range providers {
		refs[i] = problem.Referrer{Type: referrerOAuth2Provider, ID: p.ID, Name: p.Name, Field: "scopes"}
	}
	return refs, nil
}

// refuseRenameIfReferenced refuses to change the scope_name of a mapping
// that providers list (they would silently lose the scope), naming them.
func refuseRenameIfReferenced() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ScopeMappingFunc(func(ctx context.Context, m *gen.ScopeMappingMutation) (gen.Value, error) {
			renamed, set := m.ScopeName()
			if !set {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allowed(ctx))
			if err != nil {
				return nil, fmt.Errorf("list scope mappings to update: %w", err)
			}
			for _, id := range ids {
				old, err := m.Client().ScopeMapping.Get(allowed(ctx), id)
				if err != nil {
					return nil, err
				}
				if old.ScopeName == renamed {
					continue
				}
				refs, err := scopeReferrers(allowed(ctx), m.Client(), old.ScopeName)
				if err != nil {
					return nil, fmt.Errorf("find referrers of scope %q: %w", old.ScopeName, err)
				}
				if len(refs) > 0 {
					return nil, &problem.ReferencedError{Type: "scope mapping", Name: old.Name, Referrers: refs}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}
