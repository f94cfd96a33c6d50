package schema

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
)

// slugPattern is what a slug may look like: lower-case letters, digits, "-"
// and "_", starting with a letter or digit. Slugs appear in URLs.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// validSlug explains slugPattern when a value does not match it.
func validSlug(s string) error {
	if !slugPattern.MatchString(s) {
		return errors.New("must be lower-case letters, digits, - and _, starting with a letter or digit")
	}
	return nil
}

// gqlEnum shows an enum column, stored in its snake_case form, as the
// hand-declared GraphQL enum gqlName (SCREAMING_SNAKE values) bound to the
// column's Go type in gqlgen.yml.
func gqlEnum(gqlName string) schema.Annotation {
	return entgql.Annotation{Type: gqlName, Skip: entgql.SkipEnumField}
}

// nameField is a required, unique, human-chosen name.
func nameField() ent.Field {
	return field.String("name").
		Unique().
		MaxLen(200).
		Validate(validName).
		Annotations(entgql.OrderField("NAME"))
}

// validName refuses blank names and names with control characters or
// surrounding whitespace, which would make two names look alike.
func validName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be blank")
	}
	if strings.TrimSpace(s) != s {
		return errors.New("must not start or end with whitespace")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errors.New("must not contain control characters")
		}
	}
	return nil
}

// validUsername allows any printable characters except whitespace.
func validUsername(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("must not contain whitespace or control characters")
		}
	}
	return nil
}

// validEmail accepts the empty string (no address) or a single address of
// the form local@domain with no display name (emailkey.Valid).
func validEmail(s string) error {
	if s == "" || emailkey.Valid(s) {
		return nil
	}
	return errors.New("must be an email address such as user@example.com")
}

// validAssetURL accepts "", an absolute path on this server ("/static/x.png")
// or an https URL; anything else (javascript:, data:, relative paths) could
// be abused when the frontend renders it.
func validAssetURL(s string) error {
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.ContainsAny(s, "\\ \t\r\n") {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return errors.New("must be an absolute path (/...) or an https:// URL")
	}
	return nil
}

// validOptionalWebURL accepts "" or an absolute http(s) URL with a host
// and no credentials: a link the frontend shows users.
func validOptionalWebURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(s, " \t\r\n") {
		return errors.New("must be an absolute http:// or https:// URL without credentials")
	}
	return nil
}

// clientIDPattern is what an OAuth2 client ID may look like: unreserved
// URL characters, so it needs no escaping anywhere it travels.
var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// validClientID explains clientIDPattern when a value does not match it.
func validClientID(s string) error {
	if !clientIDPattern.MatchString(s) {
		return errors.New("must be letters, digits, '.', '_', '~' and '-'")
	}
	return nil
}

// hostnamePattern is a DNS host name in lower case, optionally with a port.
var hostnamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$`)

// validHostname explains hostnamePattern when a value does not match it.
func validHostname(s string) error {
	if !hostnamePattern.MatchString(s) {
		return errors.New("must be a lower-case host name such as login.example.com")
	}
	return nil
}

// ownedEdge marks an edge to rows that belong to this one (a flow's bindings,
// a user's tokens): listed as a connection, never re-attached through this
// entity's create or update input.
func ownedEdge() schema.Annotation {
	return entgql.Annotation{
		RelayConnection: true,
		Skip:            entgql.SkipMutationCreateInput | entgql.SkipMutationUpdateInput,
	}
}

// cascade makes deleting the parent delete the children of this edge.
func cascade() schema.Annotation { return entsql.OnDelete(entsql.Cascade) }

// setNull makes deleting the row this edge points at clear the reference.
func setNull() schema.Annotation { return entsql.OnDelete(entsql.SetNull) }

// restrict makes the database refuse to delete a row this edge still points at.
// Hooks report the referrers by name first; the constraint is the backstop.
func restrict() schema.Annotation { return entsql.OnDelete(entsql.Restrict) }
