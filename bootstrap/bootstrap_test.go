package bootstrap_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/bootstrap"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/logtest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/outposts"
)

// testBundle is what a bootstrap test works with.
type testBundle struct {
	db     *database.DB
	client *ent.Client
	// ctx is the system's context, for fixtures and checks.
	ctx    context.Context
	hasher *credential.Hasher
	logs   *logtest.Buffer
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, d)
	return &testBundle{
		db:     db,
		client: db.Ent,
		ctx:    viewer.SystemContext(context.Background()),
		hasher: credential.NewHasher(credential.Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16}, 0),
		logs:   &logtest.Buffer{},
	}
}

// params returns p with the bundle's hasher and logger.
func (b *testBundle) params(p bootstrap.Params) bootstrap.Params {
	p.Hasher = b.hasher
	p.Dialect = b.db.Dialect
	p.Logger = slog.New(slog.NewTextHandler(b.logs, nil))
	return p
}

func (b *testBundle) run(t *testing.T, p bootstrap.Params) bootstrap.Result {
	t.Helper()
	res, err := bootstrap.Run(context.Background(), b.client, b.params(p))
	require.NoError(t, err)
	return res
}

func (b *testBundle) admin(t *testing.T) *ent.User {
	t.Helper()
	u, err := b.client.User.Query().Where(user.Username(bootstrap.AdminUsername)).Only(b.ctx)
	require.NoError(t, err)
	return u
}

func (b *testBundle) adminsGroup(t *testing.T) *ent.Group {
	t.Helper()
	g, err := b.client.Group.Query().Where(group.Name(bootstrap.AdminsGroup)).Only(b.ctx)
	require.NoError(t, err)
	return g
}

func (b *testBundle) requirePassword(t *testing.T, u *ent.User, password string, want bool) {
	t.Helper()
	ok, _, err := b.hasher.Verify(b.ctx, password, u.PasswordHash)
	require.NoError(t, err)
	require.Equal(t, want, ok, "password %q verifies against admin's hash", password)
}

func (b *testBundle) requireSuperuser(t *testing.T, u *ent.User, want bool) {
	t.Helper()
	super, err := directory.IsSuperuser(b.ctx, b.client, u.ID)
	require.NoError(t, err)
	require.Equal(t, want, super, "%s is a superuser", u.Username)
}

// dump returns every value of every table, for checking that a secret is
// stored nowhere in clear.
func (b *testBundle) dump(t *testing.T) string {
	t.Helper()
	list := "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	if b.db.Dialect == dialect.SQLite {
		list = "SELECT name FROM sqlite_master WHERE type = 'table'"
	}
	rows, err := b.db.SQL.QueryContext(b.ctx, list)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.NotEmpty(t, tables)

	var out strings.Builder
	for _, table := range tables {
		//nolint:unqueryvet // every column on purpose: the secret must be in none
		rows, err := b.db.SQL.QueryContext(b.ctx, fmt.Sprintf("SELECT * FROM %q", table))
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for _, v := range values {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&out, "%s\t%v\n", table, v)
			}
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
	}
	return out.String()
}

// requireNotStored checks that secret appears in no table and no log line.
func (b *testBundle) requireNotStored(t *testing.T, secret string) {
	t.Helper()
	require.NotEmpty(t, secret)
	dump := b.dump(t)
	require.Contains(t, dump, bootstrap.AdminsGroup, "the dump reads the tables")
	require.NotContains(t, dump, secret, "secret stored in clear")
	require.NotContains(t, b.logs.String(), secret, "secret logged")
}

// counter is any ent query.
type counter interface {
	Count(ctx context.Context) (int, error)
}

func (b *testBundle) count(t *testing.T, q counter) int {
	t.Helper()
	n, err := q.Count(b.ctx)
	require.NoError(t, err)
	return n
}

func newSecret(t *testing.T) string {
	t.Helper()
	var b [32]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return hex.EncodeToString(b[:])
}

func TestRunFirstStart(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			before := time.Now()
			res := b.run(t, bootstrap.Params{})

			require.True(t, res.CreatedAdmin)
			require.GreaterOrEqual(t, len(res.GeneratedPassword), 20, "a generated password is strong")
			require.False(t, res.CreatedToken)
			require.Empty(t, res.GeneratedToken)

			g := b.adminsGroup(t)
			require.True(t, g.IsSuperuser)
			admin := b.admin(t)
			require.True(t, admin.IsActive)
			require.Empty(t, admin.Email)
			require.NotNil(t, admin.PasswordChangedAt)
			require.False(t, admin.PasswordChangedAt.Before(before.Add(-time.Second)))
			members, err := g.QueryUsers().IDs(b.ctx)
			require.NoError(t, err)
			require.Equal(t, []int{admin.ID}, members)
			b.requireSuperuser(t, admin, true)

			b.requirePassword(t, admin, res.GeneratedPassword, true)
			b.requirePassword(t, admin, res.GeneratedPassword+"x", false)
			b.requireNotStored(t, res.GeneratedPassword)

			require.Equal(t, 1, b.count(t, b.client.User.Query()))
			require.Equal(t, 1, b.count(t, b.client.Group.Query()))
			require.Equal(t, 0, b.count(t, b.client.Token.Query()), "no token unless asked")
			require.Contains(t, b.logs.String(), "created superuser")
		})
	}
}

func TestRunWithPasswordAndEmail(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			const password = "correct horse battery staple"
			res := b.run(t, bootstrap.Params{Password: password, Email: "ops@example.com"})
			require.True(t, res.CreatedAdmin)
			require.Empty(t, res.GeneratedPassword, "a configured password is not echoed back")

			admin := b.admin(t)
			require.Equal(t, "ops@example.com", admin.Email)
			b.requirePassword(t, admin, password, true)
			b.requirePassword(t, admin, "Correct horse battery staple", false)
			b.requireNotStored(t, password)
		})
	}
}

func TestRunWithToken(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name     string
				generate bool
			}{
				{name: "configured token"},
				{name: "configured token wins over generation", generate: true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					secret := newSecret(t)
					res := b.run(t, bootstrap.Params{Token: secret, GenerateToken: tc.generate})
					require.True(t, res.CreatedToken)
					require.Empty(t, res.GeneratedToken, "a configured token is not echoed back")

					admin := b.admin(t)
					tok, err := b.client.Token.Query().Where(token.Identifier(bootstrap.TokenIdentifier)).Only(b.ctx)
					require.NoError(t, err)
					require.Equal(t, admin.ID, tok.UserID)
					require.Equal(t, enum.TokenIntentAPI, tok.Intent)
					require.False(t, tok.Expiring)
					require.Nil(t, tok.Expires)
					require.Equal(t, credential.HashTokenSecret(secret), tok.KeyHash)

					got, err := credential.AuthenticateAPIToken(b.ctx, b.client, secret, time.Now().AddDate(50, 0, 0))
					require.NoError(t, err, "never expires")
					require.Equal(t, tok.ID, got.ID)
					require.Equal(t, bootstrap.AdminUsername, got.Edges.User.Username)
					b.requireNotStored(t, secret)
				})
			}
		})
	}
}

func TestRunGeneratesToken(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			res := b.run(t, bootstrap.Params{GenerateToken: true})
			require.True(t, res.CreatedToken)
			require.True(t, strings.HasPrefix(res.GeneratedToken, credential.TokenPrefix), res.GeneratedToken)

			got, err := credential.AuthenticateAPIToken(b.ctx, b.client, res.GeneratedToken, time.Now())
			require.NoError(t, err)
			require.Equal(t, bootstrap.TokenIdentifier, got.Identifier)
			require.Equal(t, bootstrap.AdminUsername, got.Edges.User.Username)
			require.False(t, got.Expiring)
			b.requireNotStored(t, res.GeneratedToken)
		})
	}
}

// state is what a second Run must leave untouched.
type state struct {
	Users, Groups, Tokens int
	AdminHash             string
	AdminUpdated          int64
	AdminsUpdated         int64
	TokenHashes           []string
}

func (b *testBundle) state(t *testing.T) state {
	t.Helper()
	admin, admins := b.admin(t), b.adminsGroup(t)
	tokens, err := b.client.Token.Query().Order(token.ByID()).All(b.ctx)
	require.NoError(t, err)
	s := state{
		Users:         b.count(t, b.client.User.Query()),
		Groups:        b.count(t, b.client.Group.Query()),
		Tokens:        len(tokens),
		AdminHash:     admin.PasswordHash,
		AdminUpdated:  admin.UpdatedAt.UnixNano(),
		AdminsUpdated: admins.UpdatedAt.UnixNano(),
	}
	for _, tok := range tokens {
		s.TokenHashes = append(s.TokenHashes, tok.KeyHash)
	}
	return s
}

func TestRunIsIdempotent(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("b", 64)
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for name, p := range map[string]bootstrap.Params{
				"generated password": {},
				"password and email": {Password: "correct horse battery staple", Email: "ops@example.com"},
				"configured token":   {Token: token},
				"generated token":    {GenerateToken: true},
			} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					b := setup(t, d)
					first := b.run(t, p)
					require.True(t, first.CreatedAdmin)
					before := b.state(t)

					second := b.run(t, p)
					require.Equal(t, bootstrap.Result{}, second, "nothing created, no secret to show")
					require.Equal(t, before, b.state(t))
					if first.GeneratedPassword != "" {
						b.requirePassword(t, b.admin(t), first.GeneratedPassword, true)
					}
				})
			}
		})
	}
}

func TestRunKeepsTheFirstBootstrapToken(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			first, second := newSecret(t), newSecret(t)
			b.run(t, bootstrap.Params{Token: first})
			before := b.state(t)

			res := b.run(t, bootstrap.Params{Token: second})
			require.Equal(t, bootstrap.Result{}, res)
			require.Equal(t, before, b.state(t))
			_, err := credential.AuthenticateAPIToken(b.ctx, b.client, first, time.Now())
			require.NoError(t, err, "the existing token keeps working")
			_, err = credential.AuthenticateAPIToken(b.ctx, b.client, second, time.Now())
			require.ErrorIs(t, err, credential.ErrInvalidToken, "the new value is ignored")
			require.Contains(t, b.logs.String(), "level=WARN", "the operator is told")
			require.Contains(t, b.logs.String(), "already exists with another value")
			b.requireNotStored(t, second)
		})
	}
}

// TestRunLeavesOperatorsSuperusersAlone: once an operator has a superuser
// of their own and removed admin, Run must not bring admin back.
func TestRunLeavesOperatorsSuperusersAlone(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name string
				// groups returns the groups the operator's superuser joins.
				groups func(t *testing.T, b *testBundle) []*ent.Group
			}{
				{name: "member of the admins group", groups: func(t *testing.T, b *testBundle) []*ent.Group {
					return []*ent.Group{b.adminsGroup(t)}
				}},
				{name: "member of another superuser group", groups: func(t *testing.T, b *testBundle) []*ent.Group {
					g, err := b.client.Group.Create().SetName("operators").SetIsSuperuser(true).Save(b.ctx)
					require.NoError(t, err)
					return []*ent.Group{g}
				}},
				{name: "member of a child group of the admins group", groups: func(t *testing.T, b *testBundle) []*ent.Group {
					g, err := b.client.Group.Create().SetName("ops").AddParents(b.adminsGroup(t)).Save(b.ctx)
					require.NoError(t, err)
					return []*ent.Group{g}
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()

					t.Run("admin deleted", func(t *testing.T) {
						t.Parallel()
						b := setup(t, d)
						b.run(t, bootstrap.Params{})
						root, err := b.client.User.Create().SetUsername("root").AddGroups(tc.groups(t, b)...).Save(b.ctx)
						require.NoError(t, err)
						b.requireSuperuser(t, root, true)
						require.NoError(t, b.client.User.DeleteOne(b.admin(t)).Exec(b.ctx))

						res := b.run(t, bootstrap.Params{Password: "new password", Token: newSecret(t)})
						require.False(t, res.CreatedAdmin, "admin must not come back: root is a superuser")
						require.Empty(t, res.GeneratedPassword)
						require.False(t, res.CreatedToken)
						exists, err := b.client.User.Query().Where(user.Username(bootstrap.AdminUsername)).Exist(b.ctx)
						require.NoError(t, err)
						require.False(t, exists)
						require.Equal(t, 0, b.count(t, b.client.Token.Query()), "no user to own the token")
						b.requireSuperuser(t, root, true)
					})

					t.Run("admin demoted", func(t *testing.T) {
						t.Parallel()
						b := setup(t, d)
						b.run(t, bootstrap.Params{Password: "first password"})
						root, err := b.client.User.Create().SetUsername("root").AddGroups(tc.groups(t, b)...).Save(b.ctx)
						require.NoError(t, err)
						b.requireSuperuser(t, root, true)
						admin := b.admin(t)
						require.NoError(t, admin.Update().RemoveGroups(b.adminsGroup(t)).Exec(b.ctx))
						b.requireSuperuser(t, admin, false)

						res := b.run(t, bootstrap.Params{Password: "second password"})
						require.False(t, res.CreatedAdmin, "admin must stay demoted (and keep its password): root is a superuser")
						admin = b.admin(t)
						b.requireSuperuser(t, admin, false)
						b.requirePassword(t, admin, "first password", true)
					})
				})
			}
		})
	}
}

// TestRunRestoresAdminWhenNoSuperuserRemains is the documented way back in.
func TestRunRestoresAdminWhenNoSuperuserRemains(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name string
				lose func(t *testing.T, b *testBundle)
			}{
				{name: "admin removed from the group", lose: func(t *testing.T, b *testBundle) {
					require.NoError(t, b.admin(t).Update().RemoveGroups(b.adminsGroup(t)).Exec(b.ctx))
				}},
				{name: "admin removed and deactivated", lose: func(t *testing.T, b *testBundle) {
					require.NoError(t, b.admin(t).Update().RemoveGroups(b.adminsGroup(t)).SetIsActive(false).Exec(b.ctx))
				}},
				{name: "group no longer superuser", lose: func(t *testing.T, b *testBundle) {
					require.NoError(t, b.adminsGroup(t).Update().SetIsSuperuser(false).Exec(b.ctx))
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()

					t.Run("configured password", func(t *testing.T) {
						t.Parallel()
						b := setup(t, d)
						b.run(t, bootstrap.Params{Password: "first password"})
						id := b.admin(t).ID
						tc.lose(t, b)
						b.requireSuperuser(t, b.admin(t), false)

						res := b.run(t, bootstrap.Params{Password: "second password"})
						require.True(t, res.CreatedAdmin)
						require.Empty(t, res.GeneratedPassword)
						admin := b.admin(t)
						require.Equal(t, id, admin.ID, "the same admin, restored")
						require.True(t, admin.IsActive)
						b.requireSuperuser(t, admin, true)
						require.True(t, b.adminsGroup(t).IsSuperuser)
						b.requirePassword(t, admin, "second password", true)
						b.requirePassword(t, admin, "first password", false)
						require.Equal(t, 1, b.count(t, b.client.User.Query()))
						require.Equal(t, 1, b.count(t, b.client.Group.Query()))
					})

					t.Run("generated password", func(t *testing.T) {
						t.Parallel()
						b := setup(t, d)
						first := b.run(t, bootstrap.Params{})
						tc.lose(t, b)

						res := b.run(t, bootstrap.Params{})
						require.True(t, res.CreatedAdmin)
						require.NotEmpty(t, res.GeneratedPassword)
						require.NotEqual(t, first.GeneratedPassword, res.GeneratedPassword)
						admin := b.admin(t)
						b.requireSuperuser(t, admin, true)
						b.requirePassword(t, admin, res.GeneratedPassword, true)
						b.requirePassword(t, admin, first.GeneratedPassword, false)
						b.requireNotStored(t, res.GeneratedPassword)
					})
				})
			}
		})
	}
}

// TestRunConcurrent starts two bootstraps of one new database at once, as
// two replicas starting together do. Both must succeed and leave one admin.
func TestRunConcurrent(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			for round := range 5 {
				b := setup(t, d)
				var (
					wg      sync.WaitGroup
					results [2]bootstrap.Result
					errs    [2]error
				)
				start := make(chan struct{})
				for i := range results {
					wg.Go(func() {
						<-start
						results[i], errs[i] = bootstrap.Run(context.Background(), b.client, b.params(bootstrap.Params{}))
					})
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					require.NoError(t, err, "round %d, run %d", round, i)
				}
				require.Equal(t, 1, b.count(t, b.client.User.Query().Where(user.Username(bootstrap.AdminUsername))), "round %d", round)
				require.Equal(t, 1, b.count(t, b.client.Group.Query().Where(group.Name(bootstrap.AdminsGroup))), "round %d", round)
				require.NotEqual(t, results[0].CreatedAdmin, results[1].CreatedAdmin, "round %d: exactly one run creates admin", round)
				b.requireSuperuser(t, b.admin(t), true)
			}
		})
	}
}

// The embedded outpost exists once, under its name, and its token is the
// one derived from the current secret key (a new key re-keys it).
func TestRunEmbeddedOutpost(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			const key = "a-secret-key-of-at-least-32-characters"
			b.run(t, bootstrap.Params{SecretKey: key})
			b.run(t, bootstrap.Params{SecretKey: key})
			ctx := viewer.SystemContext(t.Context())
			all, err := b.client.Outpost.Query().All(ctx)
			require.NoError(t, err)
			require.Len(t, all, 1)
			require.True(t, all[0].Embedded)
			require.Equal(t, outposts.EmbeddedName, all[0].Name)
			_, err = outposts.Authenticate(ctx, b.client, outposts.EmbeddedToken(key), time.Now())
			require.NoError(t, err)

			const other = "another-secret-key-of-32-characters!!"
			b.run(t, bootstrap.Params{SecretKey: other})
			_, err = outposts.Authenticate(ctx, b.client, outposts.EmbeddedToken(key), time.Now())
			require.ErrorIs(t, err, outposts.ErrInvalidToken)
			_, err = outposts.Authenticate(ctx, b.client, outposts.EmbeddedToken(other), time.Now())
			require.NoError(t, err)
		})
	}
}
