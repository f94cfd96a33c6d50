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
		exists, err := c.Flow.Query().Where(flow.Slug(doc.Flow.Slug)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if exists {
			logger.InfoContext(ctx, "blueprints: flow exists; default left alone", "blueprint", s.Name, "flow", doc.Flow.Slug)
		} else {
			if _, err := ImportDocument(ctx, c, p.Kinds, doc); err != nil {
				return nil, fmt.Errorf("blueprint %s: %w", s.Name, err)
			}
			applied = append(applied, s.Name)
			logger.InfoContext(ctx, "blueprints: applied", "blueprint", s.Name, "flow", doc.Flow.Slug)
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
	for slug, set := range map[string]func(int){
		AuthenticationFlow: func(id int) { create.SetFlowAuthenticationID(id) },
		InvalidationFlow:   func(id int) { create.SetFlowInvalidationID(id) },
		UserSettingsFlow:   func(id int) { create.SetFlowUserSettingsID(id) },
	} {
		id, err := c.Flow.Query().Where(flow.Slug(slug)).OnlyID(ctx)
		if ent.IsNotFound(err) {
			continue // deleted by an administrator before the brand was made
		}
		if err != nil {
			return false, err
		}
		set(id)
	}
	if err := create.Exec(ctx); err != nil {
		return false, fmt.Errorf("create the default brand: %w", err)
	}
	return true, nil
}
