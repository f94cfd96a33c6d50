package blueprints

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"

	"entgo.io/ent/dialect"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/appliedblueprint"
	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/integrity"
)

//go:embed default/*.yaml
var defaultFiles embed.FS

// Slugs of the default flows.
const (
	AuthenticationFlow = "default-authentication-flow"
	InvalidationFlow   = "default-invalidation-flow"
	EnrollmentFlow     = "default-enrollment-flow"
	PasswordChangeFlow = "default-password-change-flow"
	UserSettingsFlow   = "default-user-settings-flow"
	UnenrollmentFlow   = "default-unenrollment-flow"
	// RecoveryFlow is where a user who forgot the password gets a link
	// by email.
	RecoveryFlow = "default-recovery-flow"
	// PasswordlessFlow is where a user logs in with a passkey alone;
	// the authentication flow's identification links it.
	PasswordlessFlow = "default-passwordless-flow"
	// DeviceCodeFlow is where a user enters the code a device shows.
	DeviceCodeFlow = "default-device-code-flow"
	// AuthenticatorTOTPSetupFlow is where a signed-in user sets up an
	// authenticator app.
	AuthenticatorTOTPSetupFlow = "default-authenticator-totp-setup"
	// AuthenticatorWebAuthnSetupFlow is where a signed-in user adds a
	// passkey or a security key.
	AuthenticatorWebAuthnSetupFlow = "default-authenticator-webauthn-setup"
	// AuthenticatorEmailSetupFlow is where a signed-in user sets up codes
	// by email.
	AuthenticatorEmailSetupFlow = "default-authenticator-email-setup"
	// AuthenticatorStaticSetupFlow is where a signed-in user gets
	// recovery codes.
	AuthenticatorStaticSetupFlow = "default-authenticator-static-setup"
	// MFAConfirmationFlow is where a signed-in user confirms a second
	// factor for an action that needs a recent one (deleting their last
	// second factor).
	MFAConfirmationFlow = "default-mfa-confirmation-flow"
	// ExplicitConsentFlow and ImplicitConsentFlow are the authorization
	// flows OAuth2 providers pick from.
	ExplicitConsentFlow = "default-provider-authorization-explicit-consent"
	ImplicitConsentFlow = "default-provider-authorization-implicit-consent"
)

// defaultBrand is the applied-blueprint name of the default brand.
const defaultBrand = "default/brand"

// applyLock is the PostgreSQL advisory lock key ApplyDefaults holds.
const applyLock = 0x6761746563 // "gatec"

// Shipped is a blueprint embedded in the binary.
type Shipped struct {
	// Name is its path, e.g. default/50-authentication.yaml; the file name's
	// number orders application (documents refer to earlier ones' flows).
	Name string
	// Source is the YAML document.
	Source []byte
}

// Defaults returns the default blueprints in the order they are applied.
func Defaults() ([]Shipped, error) {
	names, err := fs.Glob(defaultFiles, "default/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]Shipped, len(names))
	for i, n := range names {
		src, err := defaultFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[i] = Shipped{Name: n, Source: src}
	}
	return out, nil
}

// DefaultsParams configure ApplyDefaults.
type DefaultsParams struct {
	// Dialect is the database's; on PostgreSQL servers starting together
	// apply the defaults one after the other.
	Dialect string
	// BrandDomain is the host name of the default brand (the public URL's).
	BrandDomain string
	Kinds       integrity.Kinds
	Logger      *slog.Logger
}

// ApplyDefaults applies, in one transaction, each default blueprint that
// was never applied to this database, and creates the default brand
// (pointing at the default authentication, invalidation and user
// settings flows) unless there is one. Each is recorded as applied, so an
// administrator's later edits and deletions stick: a default is applied
// once, never re-applied. A default whose flow slug already exists (made
// by hand before an upgrade shipped it) is recorded and left alone.
// It returns the names of the blueprints it applied.
func ApplyDefaults(ctx context.Context, client *ent.Client, p DefaultsParams) ([]string, error) {
	ctx = viewer.SystemContext(ctx)
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	shipped, err := Defaults()
	if err != nil {
		return nil, fmt.Errorf("read default blueprints: %w", err)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin applying blueprints: %w", err)
	}
	if p.Dialect == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", applyLock); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("take blueprint lock: %w", err)
		}
	}
	applied, err := applyDefaults(ent.NewTxContext(ctx, tx), tx.Client(), shipped, p, logger)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit blueprints: %w", err)
	}
	return applied, nil
}

func applyDefaults(ctx context.Context, c *ent.Client, shipped []Shipped, p DefaultsParams, logger *slog.Logger) ([]string, error) {
	done, err := c.AppliedBlueprint.Query().Select(appliedblueprint.FieldName).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("list applied blueprints: %w", err)
	}
	var applied []string
	for _, s := range shipped {
		if slices.Contains(done, s.Name) {
			continue
		}
		doc, err := Parse(s.Source)
		if err != nil {
			return nil, fmt.Errorf("blueprint %s: %w", s.Name, err)
		}
		ok, err := applyDefault(ctx, c, s.Name, doc, p.Kinds, slices.Contains(done, defaultBrand), logger)
		if err != nil {
			return nil, err
		}
		if ok {
			applied = append(applied, s.Name)
		}
		if err := record(ctx, c, s.Name, s.Source); err != nil {
			return nil, err
		}
	}
	if !slices.Contains(done, defaultBrand) {
		created, err := ensureDefaultBrand(ctx, c, p.BrandDomain)
		if err != nil {
			return nil, err
		}
		if created {
			applied = append(applied, defaultBrand)
			logger.InfoContext(ctx, "blueprints: created the default brand", "domain", p.BrandDomain)
		}
		if err := record(ctx, c, defaultBrand, []byte(p.BrandDomain)); err != nil {
			return nil, err
		}
	}
	return applied, nil
}

// applyDefault imports the default blueprint name unless its flow exists
// (made by hand before an upgrade shipped it), and reports whether it did.
// An upgrade's new default flow (the default brand exists already) goes
// to the default brand where it has none in the flow's role.
func applyDefault(ctx context.Context, c *ent.Client, name string, doc *Document, kinds integrity.Kinds, brandMade bool, logger *slog.Logger) (bool, error) {
	exists, err := c.Flow.Query().Where(flow.Slug(doc.Flow.Slug)).Exist(ctx)
	if err != nil {
		return false, err
	}
	if exists {
		logger.InfoContext(ctx, "blueprints: flow exists; default left alone", "blueprint", name, "flow", doc.Flow.Slug)
		return false, nil
	}
	f, err := ImportDocument(ctx, c, kinds, doc)
	if err != nil {
		return false, fmt.Errorf("blueprint %s: %w", name, err)
	}
	logger.InfoContext(ctx, "blueprints: applied", "blueprint", name, "flow", doc.Flow.Slug)
	if brandMade {
		if err := useInDefaultBrand(ctx, c, f); err != nil {
			return false, err
		}
	}
	return true, nil
}

// record notes that blueprint name was applied.
func record(ctx context.Context, c *ent.Client, name string, src []byte) error {
	sum := sha256.Sum256(src)
	if err := c.AppliedBlueprint.Create().SetName(name).SetDigest(hex.EncodeToString(sum[:])).Exec(ctx); err != nil {
		return fmt.Errorf("record blueprint %s: %w", name, err)
	}
	return nil
}

// ensureDefaultBrand creates the default brand unless one exists.
func ensureDefaultBrand(ctx context.Context, c *ent.Client, domain string) (bool, error) {
	exists, err := c.Brand.Query().Where(brand.Or(brand.IsDefault(true), brand.Domain(domain))).Exist(ctx)
	if err != nil || exists {
		return false, err
	}
	create := c.Brand.Create().SetDomain(domain).SetIsDefault(true)
	for slug, role := range brandRoles {
		id, err := c.Flow.Query().Where(flow.Slug(slug)).OnlyID(ctx)
		if ent.IsNotFound(err) {
			continue // deleted by an administrator before the brand was made
		}
		if err != nil {
			return false, err
		}
		role.set(create.Mutation(), id)
	}
	if err := create.Exec(ctx); err != nil {
		return false, fmt.Errorf("create the default brand: %w", err)
	}
	return true, nil
}

// brandRole is what a default flow is to a brand.
type brandRole struct {
	// unset is the predicate of brands without a flow in the role.
	unset predicate.Brand
	set   func(m *ent.BrandMutation, flowID int)
}

// brandRoles are the roles of the default flows in the default brand.
var brandRoles = map[string]brandRole{
	AuthenticationFlow: {brand.FlowAuthenticationIDIsNil(), (*ent.BrandMutation).SetFlowAuthenticationID},
	InvalidationFlow:   {brand.FlowInvalidationIDIsNil(), (*ent.BrandMutation).SetFlowInvalidationID},
	UserSettingsFlow:   {brand.FlowUserSettingsIDIsNil(), (*ent.BrandMutation).SetFlowUserSettingsID},
	UnenrollmentFlow:   {brand.FlowUnenrollmentIDIsNil(), (*ent.BrandMutation).SetFlowUnenrollmentID},
	DeviceCodeFlow:     {brand.FlowDeviceCodeIDIsNil(), (*ent.BrandMutation).SetFlowDeviceCodeID},
	RecoveryFlow:       {brand.FlowRecoveryIDIsNil(), (*ent.BrandMutation).SetFlowRecoveryID},
}

// useInDefaultBrand points the default brand at f, a default flow an
// upgrade just applied, in f's role, if the brand has no flow in that role.
func useInDefaultBrand(ctx context.Context, c *ent.Client, f *ent.Flow) error {
	role, ok := brandRoles[f.Slug]
	if !ok {
		return nil
	}
	update := c.Brand.Update().Where(brand.IsDefault(true), role.unset)
	role.set(update.Mutation(), f.ID)
	if _, err := update.Save(ctx); err != nil {
		return fmt.Errorf("point the default brand at %s: %w", f.Slug, err)
	}
	return nil
}
