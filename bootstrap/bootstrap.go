// Package bootstrap prepares a new Gatehouse installation on first start:
// a superuser group, the superuser "admin", optionally an API token for
// automation, and the embedded outpost. It is idempotent: a later start
// changes nothing.
//
// Bootstrap creates admin only while the database has no active superuser
// (counting members of groups nested under a superuser group), so it never
// fights an operator who renamed or replaced admin; if every superuser is
// deleted or deactivated, the next start creates or restores admin (with
// GATEHOUSE_BOOTSTRAP_PASSWORD, or a new random password it reports), which
// is the documented way back in. Servers starting together do not race: the
// second waits for the first (an advisory lock on PostgreSQL; SQLite write
// transactions are serial) and then finds its work.
package bootstrap

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/outposts"
)

// Names of what bootstrap creates.
const (
	AdminUsername   = "admin"
	AdminsGroup     = "gatehouse-admins"
	TokenIdentifier = "bootstrap-token"
)

// bootstrapLock is the PostgreSQL advisory lock key bootstrap holds.
const bootstrapLock = 0x6761746562 // "gateb"

// Params configure the bootstrap.
type Params struct {
	// Dialect is the database's (entgo.io/ent/dialect); on PostgreSQL
	// concurrent bootstraps are serialised with an advisory lock.
	Dialect string
	// Password for admin; empty generates one (returned in Result).
	Password string
	// Email for admin; may be empty.
	Email string
	// Token, when set, becomes a non-expiring API token of admin.
	Token string
	// GenerateToken makes a random API token when Token is empty (dev mode).
	GenerateToken bool
	Hasher        *credential.Hasher
	Logger        *slog.Logger
	// SecretKey is the server's secret key: when set, the embedded outpost
	// is created if missing, and its token hash made to match the token
	// derived from it (outposts.EnsureEmbedded).
	SecretKey string
}

// Result reports what a bootstrap created. Secrets are set only when they
// were generated and must be shown to the operator, once.
type Result struct {
	CreatedAdmin      bool
	GeneratedPassword string
	CreatedToken      bool
	GeneratedToken    string
}

// Run bootstraps the database of client in one transaction.
func Run(ctx context.Context, client *ent.Client, p Params) (Result, error) {
	ctx = viewer.SystemContext(ctx)
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("begin bootstrap: %w", err)
	}
	if p.Dialect == dialect.Postgres {
		// Servers starting together bootstrap one after the other; the
		// lock ends with the transaction. (SQLite write transactions are
		// serial already.)
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", bootstrapLock); err != nil {
			_ = tx.Rollback()
			return Result{}, fmt.Errorf("take bootstrap lock: %w", err)
		}
	}
	res, err := run(ent.NewTxContext(ctx, tx), tx.Client(), p, logger)
	if err != nil {
		_ = tx.Rollback()
		return Result{}, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, fmt.Errorf("commit bootstrap: %w", err)
	}
	return res, nil
}

func run(ctx context.Context, c *ent.Client, p Params, logger *slog.Logger) (Result, error) {
	var res Result
	if p.SecretKey != "" {
		if _, err := outposts.EnsureEmbedded(ctx, c, p.SecretKey); err != nil {
			return res, err
		}
	}
	hasSuperuser, err := directory.HasActiveSuperuser(ctx, c)
	if err != nil {
		return res, err
	}
	if !hasSuperuser {
		if res, err = createAdmin(ctx, c, p); err != nil {
			return res, err
		}
		logger.InfoContext(ctx, "bootstrap: created superuser", "username", AdminUsername)
	}

	secret := p.Token
	if secret == "" && !p.GenerateToken {
		return res, nil
	}
	exists, err := c.Token.Query().Where(token.Identifier(TokenIdentifier)).Exist(ctx)
	if err != nil {
		return res, fmt.Errorf("look for bootstrap token: %w", err)
	}
	if exists {
		if p.Token != "" {
			same, err := c.Token.Query().Where(token.Identifier(TokenIdentifier), token.KeyHash(credential.HashTokenSecret(p.Token))).Exist(ctx)
			if err == nil && !same {
				logger.WarnContext(ctx, "bootstrap: a bootstrap token already exists with another value; GATEHOUSE_BOOTSTRAP_TOKEN is ignored (delete the token to replace it)")
			}
		}
		return res, nil
	}
	admin, err := c.User.Query().Where(user.Username(AdminUsername)).Only(ctx)
	if ent.IsNotFound(err) {
		logger.WarnContext(ctx, "bootstrap: no user named admin; the bootstrap token was not created")
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("load admin: %w", err)
	}
	_, issued, err := credential.IssueToken(ctx, c, credential.IssueParams{
		Identifier:  TokenIdentifier,
		Intent:      enum.TokenIntentAPI,
		Description: "Created on first start from GATEHOUSE_BOOTSTRAP_TOKEN (or generated in dev mode).",
		UserID:      admin.ID,
		Expiring:    false,
		Secret:      secret,
	})
	if err != nil {
		return res, fmt.Errorf("create bootstrap token: %w", err)
	}
	res.CreatedToken = true
	if p.Token == "" {
		res.GeneratedToken = issued
	}
	return res, nil
}

func createAdmin(ctx context.Context, c *ent.Client, p Params) (Result, error) {
	res := Result{CreatedAdmin: true}
	admins, err := c.Group.Query().Where(group.Name(AdminsGroup)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		admins, err = c.Group.Create().SetName(AdminsGroup).SetIsSuperuser(true).Save(ctx)
		if err != nil {
			return res, fmt.Errorf("create %s: %w", AdminsGroup, err)
		}
	case err != nil:
		return res, fmt.Errorf("load %s: %w", AdminsGroup, err)
	case !admins.IsSuperuser:
		if admins, err = admins.Update().SetIsSuperuser(true).Save(ctx); err != nil {
			return res, err
		}
	}
	password := p.Password
	if password == "" {
		var b [18]byte
		if _, err := rand.Read(b[:]); err != nil {
			return res, err
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
		res.GeneratedPassword = password
	}
	hash, err := p.Hasher.Hash(ctx, password)
	if err != nil {
		return res, fmt.Errorf("hash admin password: %w", err)
	}
	existing, err := c.User.Query().Where(user.Username(AdminUsername)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		_, err = c.User.Create().
			SetUsername(AdminUsername).
			SetName("Administrator").
			SetEmail(p.Email).
			SetPasswordHash(hash).
			SetPasswordChangedAt(time.Now()).
			AddGroups(admins).
			Save(ctx)
	case err == nil:
		// admin exists but lost its rights; restore them and reset the password.
		_, err = existing.Update().SetIsActive(true).SetPasswordHash(hash).SetPasswordChangedAt(time.Now()).AddGroups(admins).Save(ctx)
	}
	if err != nil {
		return res, fmt.Errorf("create admin: %w", err)
	}
	return res, nil
}
