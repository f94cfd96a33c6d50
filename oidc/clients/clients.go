// Package clients registers OAuth2 / OpenID Connect clients (an
// OAuth2Provider row): it generates client IDs and secrets, stores only a
// hash of the secret (SHA-256: secrets are high-entropy, so a fast hash
// that the token endpoint can afford on every request is enough), checks
// redirect URIs, scopes and flows, and verifies a presented secret in
// constant time.
//
// The secret leaves this package once: in the answer of Create or
// RotateSecret. Reading a provider never shows it.
package clients

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/oidc/redirecturi"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Secret lengths a client secret given by an admin must have.
const (
	MinSecretLength = 32
	MaxSecretLength = 512
)

// The scopes every provider knows. Each grants the claims OpenID Connect
// Core §5.4 lists for it; groups grants the user's group names;
// offline_access grants a refresh token.
const (
	ScopeOpenID        = "openid"
	ScopeProfile       = "profile"
	ScopeEmail         = "email"
	ScopeGroups        = "groups"
	ScopeOfflineAccess = "offline_access"
)

// BuiltinScopes lists the scopes every provider knows, in the order they
// are shown.
var BuiltinScopes = []string{ScopeOpenID, ScopeProfile, ScopeEmail, ScopeGroups, ScopeOfflineAccess}

// scopeDescriptions say what each built-in scope lets an application
// have, as a consent screen shows it.
var scopeDescriptions = map[string]string{
	ScopeOpenID:        "Know who you are",
	ScopeProfile:       "Your name and username",
	ScopeEmail:         "Your email address",
	ScopeGroups:        "The groups you belong to",
	ScopeOfflineAccess: "Keep access while you are signed out",
}

// ScopeDescription says what scope lets an application have; the scope's
// name when it has no description.
func ScopeDescription(scope string) string {
	if d, ok := scopeDescriptions[scope]; ok {
		return d
	}
	return scope
}

// Settings are a provider's settings other than its secret. Nil pointers
// and nil slices keep the current value (Update) or take the default
// (Create).
type Settings struct {
	Name                   *string
	ClientType             *enum.ClientType
	ClientID               *string
	RedirectURIs           []enum.RedirectURI
	PostLogoutRedirectURIs []enum.RedirectURI
	Scopes                 []string
	SigningAlgorithm       *enum.SigningAlgorithm
	AccessTokenValidity    *int
	IDTokenValidity        *int
	RefreshTokenValidity   *int
	SubjectMode            *enum.SubjectMode
	IncludeClaimsInIDToken *bool
	DeviceAuthorization    *bool
	AuthorizationFlowID    *int
	InvalidationFlowID     *int
	// ClearInvalidationFlow removes the invalidation flow (Update).
	ClearInvalidationFlow bool
	// SigningKeyID pins a signing key: it signs the provider's tokens
	// instead of its algorithm's current key, and the provider's
	// SigningAlgorithm is the key's (keys.Store.Pinnable says which keys
	// may be pinned).
	SigningKeyID *int
	// ClearSigningKey unpins the signing key (Update): the algorithm's
	// current key signs again.
	ClearSigningKey bool
}

// Create registers a client. A confidential client gets secret, or a
// generated one when secret is empty; a public client has none (giving
// one is an error). It returns the provider and the secret, which is not
// stored and cannot be read again. k checks a pinned signing key.
func Create(ctx context.Context, c *ent.Client, k *keys.Store, s Settings, secret string) (*ent.OAuth2Provider, string, error) {
	if s.Name == nil || s.AuthorizationFlowID == nil {
		return nil, "", problem.Invalid("name", "name and authorization flow are required")
	}
	clientType := enum.ClientTypeConfidential
	if s.ClientType != nil {
		clientType = *s.ClientType
	}
	secret, err := newSecretFor(clientType, secret)
	if err != nil {
		return nil, "", err
	}
	clientID := ""
	if s.ClientID != nil {
		clientID = *s.ClientID
	}
	if clientID == "" {
		if clientID, err = newClientID(); err != nil {
			return nil, "", err
		}
	}
	if s.RedirectURIs == nil {
		s.RedirectURIs = []enum.RedirectURI{}
	}
	if s.PostLogoutRedirectURIs == nil {
		s.PostLogoutRedirectURIs = []enum.RedirectURI{}
	}
	if err := check(ctx, c, s); err != nil {
		return nil, "", err
	}
	if s.ClearSigningKey {
		return nil, "", problem.Invalid("clear_signing_key", "a new provider has no signing key to clear")
	}
	if s.SigningAlgorithm, err = pinnedAlgorithm(ctx, c, k, s.SigningKeyID, s.SigningAlgorithm); err != nil {
		return nil, "", err
	}
	create := c.OAuth2Provider.Create().
		SetName(*s.Name).
		SetClientType(clientType).
		SetClientID(clientID).
		SetClientSecretHash(hashOrEmpty(secret)).
		SetRedirectUris(s.RedirectURIs).
		SetPostLogoutRedirectUris(s.PostLogoutRedirectURIs).
		SetAuthorizationFlowID(*s.AuthorizationFlowID).
		SetNillableInvalidationFlowID(s.InvalidationFlowID).
		SetNillableSigningKeyID(s.SigningKeyID).
		SetNillableSigningAlgorithm(s.SigningAlgorithm).
		SetNillableAccessTokenValidity(s.AccessTokenValidity).
		SetNillableIDTokenValidity(s.IDTokenValidity).
		SetNillableRefreshTokenValidity(s.RefreshTokenValidity).
		SetNillableSubjectMode(s.SubjectMode).
		SetNillableIncludeClaimsInIDToken(s.IncludeClaimsInIDToken).
		SetNillableDeviceAuthorization(s.DeviceAuthorization)
	if s.Scopes != nil {
		create.SetScopes(s.Scopes)
	}
	p, err := create.Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return p, secret, nil
}

// Update changes a client's settings. Making a client public removes its
// secret; making it confidential leaves it without one until RotateSecret
// (until then no secret is accepted). Pinning another signing key or
// clearing it records the one the provider pinned as unpinned (k).
func Update(ctx context.Context, c *ent.Client, k *keys.Store, id int, s Settings) (*ent.OAuth2Provider, error) {
	if err := check(ctx, c, s); err != nil {
		return nil, err
	}
	if s.ClientID != nil && *s.ClientID == "" {
		return nil, problem.Invalid("client_id", "must not be empty")
	}
	old, err := c.OAuth2Provider.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	pinned, err := s.pinUpdate(ctx, c, k, old)
	if err != nil {
		return nil, err
	}
	update := c.OAuth2Provider.UpdateOneID(id).
		SetNillableName(s.Name).
		SetNillableClientType(s.ClientType).
		SetNillableClientID(s.ClientID).
		SetNillableAuthorizationFlowID(s.AuthorizationFlowID).
		SetNillableSigningAlgorithm(s.SigningAlgorithm).
		SetNillableAccessTokenValidity(s.AccessTokenValidity).
		SetNillableIDTokenValidity(s.IDTokenValidity).
		SetNillableRefreshTokenValidity(s.RefreshTokenValidity).
		SetNillableSubjectMode(s.SubjectMode).
		SetNillableIncludeClaimsInIDToken(s.IncludeClaimsInIDToken).
		SetNillableDeviceAuthorization(s.DeviceAuthorization)
	if s.ClientType != nil && *s.ClientType == enum.ClientTypePublic {
		update.SetClientSecretHash("")
	}
	if s.RedirectURIs != nil {
		update.SetRedirectUris(s.RedirectURIs)
	}
	if s.PostLogoutRedirectURIs != nil {
		update.SetPostLogoutRedirectUris(s.PostLogoutRedirectURIs)
	}
	if s.Scopes != nil {
		update.SetScopes(s.Scopes)
	}
	switch {
	case s.ClearInvalidationFlow:
		update.ClearInvalidationFlow()
	case s.InvalidationFlowID != nil:
		update.SetInvalidationFlowID(*s.InvalidationFlowID)
	}
	switch {
	case s.ClearSigningKey:
		update.ClearSigningKey()
	case s.SigningKeyID != nil:
		update.SetSigningKeyID(*s.SigningKeyID)
	}
	p, err := update.Save(ctx)
	if err != nil {
		return nil, err
	}
	if old.SigningKeyID != nil && (pinned == nil || *pinned != *old.SigningKeyID) {
		if err := k.Unpinned(ctx, c, *old.SigningKeyID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Delete deletes a client; the signing key it pinned is recorded as
// unpinned (k).
func Delete(ctx context.Context, c *ent.Client, k *keys.Store, id int) error {
	p, err := c.OAuth2Provider.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := c.OAuth2Provider.DeleteOne(p).Exec(ctx); err != nil {
		return err
	}
	if p.SigningKeyID != nil {
		return k.Unpinned(ctx, c, *p.SigningKeyID)
	}
	return nil
}

// pinUpdate checks the signing key and algorithm an update of provider
// old gives (it sets s.SigningAlgorithm to the pinned key's) and returns
// the key the provider pins afterwards (nil: none).
func (s *Settings) pinUpdate(ctx context.Context, c *ent.Client, k *keys.Store, old *ent.OAuth2Provider) (*int, error) {
	if s.ClearSigningKey && s.SigningKeyID != nil {
		return nil, problem.Invalid("clear_signing_key", "give a signing key or clear it, not both")
	}
	switch {
	case s.SigningKeyID != nil:
		alg, err := pinnedAlgorithm(ctx, c, k, s.SigningKeyID, s.SigningAlgorithm)
		if err != nil {
			return nil, err
		}
		s.SigningAlgorithm = alg
		return s.SigningKeyID, nil
	case s.ClearSigningKey || old.SigningKeyID == nil:
		return nil, nil //nolint:nilnil // no key pinned is not an error
	}
	if s.SigningAlgorithm != nil {
		// The key stays pinned: its algorithm stays the provider's.
		key, err := c.SigningKey.Get(ctx, *old.SigningKeyID)
		if err != nil {
			return nil, err
		}
		if key.Algorithm != *s.SigningAlgorithm {
			return nil, problem.Invalid("signing_algorithm", "the provider pins signing key %s (%s); pin a key of the algorithm, or clear the key, to change it",
				key.Kid, strings.ToUpper(string(key.Algorithm)))
		}
	}
	return old.SigningKeyID, nil
}

// pinnedAlgorithm checks the signing key keyID a provider is to pin (nil:
// none) against the algorithm alg it is given (nil: none) and returns the
// provider's algorithm: the key's. A key that cannot be pinned (unknown,
// no longer published, sealed under another secret key) and an algorithm
// other than the key's are field errors.
func pinnedAlgorithm(ctx context.Context, c *ent.Client, k *keys.Store, keyID *int, alg *enum.SigningAlgorithm) (*enum.SigningAlgorithm, error) {
	if keyID == nil {
		return alg, nil
	}
	key, err := k.Pinnable(ctx, c, *keyID)
	switch {
	case errors.Is(err, keys.ErrNotFound):
		return nil, problem.Invalid("signing_key", "no signing key has this ID")
	case errors.Is(err, keys.ErrExpired):
		return nil, problem.Invalid("signing_key", "the signing key was retired and is no longer published; pin a published one")
	case errors.Is(err, keys.ErrSealed):
		return nil, problem.Invalid("signing_key", "the signing key cannot be opened with this server's secret key (was it changed?); pin another")
	case err != nil:
		return nil, err
	}
	if alg != nil && *alg != key.Algorithm {
		return nil, problem.Invalid("signing_algorithm", "the signing key %s is %s; the algorithm must be the key's (or be omitted)", key.Kid, strings.ToUpper(string(key.Algorithm)))
	}
	return &key.Algorithm, nil
}

// RotateSecret gives a confidential client a new generated secret; the
// old one stops working at once. It returns the provider and the new
// secret, shown this once.
func RotateSecret(ctx context.Context, c *ent.Client, id int) (*ent.OAuth2Provider, string, error) {
	p, err := c.OAuth2Provider.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if p.ClientType == enum.ClientTypePublic {
		return nil, "", problem.Invalid("id", "a public client has no secret")
	}
	secret, err := credential.NewTokenSecret()
	if err != nil {
		return nil, "", err
	}
	p, err = c.OAuth2Provider.UpdateOneID(id).SetClientSecretHash(credential.HashTokenSecret(secret)).Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return p, secret, nil
}

// VerifySecret reports whether secret is p's client secret, in constant
// time. A client without a secret (public, or confidential before its
// first rotation) accepts none.
func VerifySecret(p *ent.OAuth2Provider, secret string) bool {
	if p.ClientSecretHash == "" || secret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(credential.HashTokenSecret(secret)), []byte(p.ClientSecretHash)) == 1
}

// HasSecret reports whether p has a secret set.
func HasSecret(p *ent.OAuth2Provider) bool { return p.ClientSecretHash != "" }

// check validates the settings s sets.
func check(ctx context.Context, c *ent.Client, s Settings) error {
	if err := redirecturi.ValidateAll("redirect_uris", s.RedirectURIs); err != nil {
		return err
	}
	if err := redirecturi.ValidateAll("post_logout_redirect_uris", s.PostLogoutRedirectURIs); err != nil {
		return err
	}
	if err := checkScopes(ctx, c, s.Scopes); err != nil {
		return err
	}
	if s.AuthorizationFlowID != nil {
		if err := checkFlow(ctx, c, "authorization_flow", *s.AuthorizationFlowID, enum.FlowDesignationAuthorization); err != nil {
			return err
		}
	}
	if s.InvalidationFlowID != nil {
		if err := checkFlow(ctx, c, "invalidation_flow", *s.InvalidationFlowID, enum.FlowDesignationInvalidation); err != nil {
			return err
		}
	}
	return nil
}

// checkScopes refuses repeated scope names and names that are neither
// built in nor a scope mapping's.
func checkScopes(ctx context.Context, c *ent.Client, scopes []string) error {
	var custom []string
	for i, name := range scopes {
		if slices.Contains(scopes[:i], name) {
			return problem.Invalid(fmt.Sprintf("scopes.%d", i), "repeats scope %q", name)
		}
		if !slices.Contains(BuiltinScopes, name) {
			custom = append(custom, name)
		}
	}
	if len(custom) == 0 {
		return nil
	}
	known, err := c.ScopeMapping.Query().
		Where(scopemapping.ScopeNameIn(custom...)).
		Select(scopemapping.FieldScopeName).
		Strings(ctx)
	if err != nil {
		return fmt.Errorf("read scope mappings: %w", err)
	}
	for i, name := range scopes {
		if !slices.Contains(BuiltinScopes, name) && !slices.Contains(known, name) {
			return problem.Invalid(fmt.Sprintf("scopes.%d", i),
				"unknown scope %q; the scopes are the built-in %v and the scope mappings' names", name, BuiltinScopes)
		}
	}
	return nil
}

// checkFlow refuses a flow that does not exist or is not designated want.
func checkFlow(ctx context.Context, c *ent.Client, field string, id int, want enum.FlowDesignation) error {
	f, err := c.Flow.Get(ctx, id)
	if ent.IsNotFound(err) {
		return problem.Invalid(field, "no flow has this ID")
	}
	if err != nil {
		return err
	}
	if f.Designation != want {
		return problem.Invalid(field, "flow %q is designated %s; it must be designated %s", f.Slug, f.Designation, want)
	}
	return nil
}

// newSecretFor checks or generates the secret of a client of type t.
func newSecretFor(t enum.ClientType, secret string) (string, error) {
	if t == enum.ClientTypePublic {
		if secret != "" {
			return "", problem.Invalid("client_secret", "a public client has no secret (it proves itself with PKCE)")
		}
		return "", nil
	}
	if secret == "" {
		return credential.NewTokenSecret()
	}
	if len(secret) < MinSecretLength || len(secret) > MaxSecretLength {
		return "", problem.Invalid("client_secret", "must be %d to %d characters long", MinSecretLength, MaxSecretLength)
	}
	for _, r := range secret {
		if r < 0x21 || r > 0x7e {
			return "", problem.Invalid("client_secret", "must be printable ASCII without spaces")
		}
	}
	return secret, nil
}

// newClientID returns a random client ID: 192 bits, URL-safe.
func newClientID() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random client ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashOrEmpty is what is stored for secret: its hash, or "" for none.
func hashOrEmpty(secret string) string {
	if secret == "" {
		return ""
	}
	return credential.HashTokenSecret(secret)
}

// SubjectKey derives from the server's secret key the key that hashes
// subjects (SubjectModeHashedUserID).
func SubjectKey(secretKey string) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "gatehouse oidc subjects v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive subject key: %w", err)
	}
	return key, nil
}

// Subject is the `sub` provider p shows for user u; key is SubjectKey's.
func Subject(key []byte, p *ent.OAuth2Provider, u *ent.User) string {
	switch p.SubjectMode {
	case enum.SubjectModeUserID:
		return strconv.Itoa(u.ID)
	case enum.SubjectModeUsername:
		return u.Username
	case enum.SubjectModeEmail:
		return u.Email
	case enum.SubjectModeHashedUserID:
	}
	// Hashed (the default): stable, and different at every provider.
	mac := hmac.New(sha256.New, key)
	_, _ = fmt.Fprintf(mac, "sub:%d:%d", p.ID, u.ID)
	return hex.EncodeToString(mac.Sum(nil))
}
