package schema

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/proxyprovider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// ProxyProvider puts Gatehouse in front of an application that cannot
// speak OpenID Connect: an outpost signs its users in (as an OAuth2 client
// of the core: the managed OAuth2Provider this provider owns) and proxies
// or forward-authenticates their requests. Package outposts keeps the
// managed OAuth2 provider in step with it.
type ProxyProvider struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (ProxyProvider) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (ProxyProvider) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.String("external_host").
			MaxLen(2000).
			Validate(validExternalHost).
			Comment("The URL users reach the application at (https://app.example.com): scheme, host and port only."),
		field.String("host").
			MaxLen(300).
			Unique().
			Comment("The external host's host name, lower case, without port: external hosts are unique by it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("internal_host").
			Default("").
			MaxLen(2000).
			Validate(validOptionalWebURL).
			Comment("The upstream URL the outpost proxies to (proxy mode only)."),
		field.Bool("internal_host_tls_verify").
			Default(true).
			Comment("Check the upstream's TLS certificate.").
			Annotations(entgql.MapsTo("internalHostTLSVerify")),
		field.Enum("mode").GoType(enum.ProxyMode("")).Annotations(gqlEnum("ProxyMode")).
			Default(string(enum.ProxyModeProxy)),
		field.String("cookie_domain").
			Default("").
			MaxLen(300).
			Validate(validCookieDomain).
			Comment("The domain the session cookie is scoped to (forward_domain mode); empty: the external host only."),
		field.Strings("skip_path_regex").
			Default([]string{}).
			Validate(validRegexps).
			Comment("Anchored regular expressions (RE2) of paths that pass without a login."),
		field.Bool("basic_auth_enabled").
			Default(false).
			Comment("Send Authorization: Basic upstream, from the user's attributes."),
		field.String("basic_auth_user_attribute").
			Default("").
			MaxLen(200).
			Comment("The user attribute holding the basic-auth user; empty: the username."),
		field.String("basic_auth_password_attribute").
			Default("").
			MaxLen(200).
			Comment("The user attribute holding the basic-auth password."),
		field.Bool("send_access_token").
			Default(false).
			Comment("Send Authorization: Bearer <access token> upstream (unless basic auth is enabled)."),
		field.Int("access_token_validity").
			Default(defaultAccessTokenValidity).
			Range(60, 24*60*60).
			Comment("Seconds an outpost session lasts before the outpost refreshes it at the core."),
		field.Int("oauth2_provider_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Schema.
func (ProxyProvider) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("oauth2_provider", OAuth2Provider.Type).
			Ref("proxy_provider").
			Field("oauth2_provider_id").
			Unique().
			Required().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("outposts", Outpost.Type).
			Ref("providers").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Annotations implements ent.Schema.
func (ProxyProvider) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("proxyProviders"),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (ProxyProvider) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (ProxyProvider) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.ProxyProviderMutation]("proxy provider", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.ProxyProvider.Query().Where(proxyprovider.Name(v), proxyprovider.IDNEQ(self)).Exist(ctx)
		}),
	}
}

// validExternalHost accepts an absolute http(s) URL with a host and
// nothing after it but an optional "/".
func validExternalHost(s string) error {
	errBad := errors.New("must be an absolute http:// or https:// URL with a host and no path, query or fragment")
	if s == "" || validOptionalWebURL(s) != nil {
		return errBad
	}
	u, err := url.Parse(s)
	if err != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.Contains(s, "#") {
		return errBad
	}
	return nil
}

// cookieDomainPattern is a lower-case DNS domain without port.
var cookieDomainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// validCookieDomain accepts "" or a lower-case domain name.
func validCookieDomain(s string) error {
	if s != "" && !cookieDomainPattern.MatchString(s) {
		return errors.New("must be a lower-case domain such as example.com")
	}
	return nil
}

// validRegexps accepts regular expressions that compile as RE2.
func validRegexps(rs []string) error {
	for _, r := range rs {
		if r == "" {
			return errors.New("must not contain an empty expression")
		}
		if _, err := regexp.Compile(r); err != nil {
			return errors.New("must be valid regular expressions (RE2): " + err.Error())
		}
	}
	return nil
}
