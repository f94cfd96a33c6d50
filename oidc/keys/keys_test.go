package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

const secret = "a-secret-key-of-at-least-32-characters"

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newStore(t *testing.T, client *ent.Client, secretKey string, c *clock) *keys.Store {
	t.Helper()
	s, err := keys.New(client, secretKey, keys.Options{NowFunc: c.Now})
	require.NoError(t, err)
	return s
}

// verifies reports whether the public key of pubs with key's ID verifies
// a signature key makes.
func verifies(t *testing.T, pubs []keys.PublicKey, key *keys.Key) bool {
	t.Helper()
	digest := sha256.Sum256([]byte("header.payload"))
	sig, err := key.Private.Sign(rand.Reader, digest[:], crypto.SHA256)
	require.NoError(t, err)
	for _, p := range pubs {
		if p.ID != key.ID {
			continue
		}
		require.Equal(t, key.Algorithm, p.Algorithm)
		switch pub := p.Public.(type) {
		case *rsa.PublicKey:
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil
		case *ecdsa.PublicKey:
			return ecdsa.VerifyASN1(pub, digest[:], sig)
		}
	}
	return false
}

func kids(pubs []keys.PublicKey) []string {
	out := make([]string, len(pubs))
	for i, p := range pubs {
		out[i] = p.ID
	}
	return out
}

func TestKeys(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := t.Context()
			c := &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
			s := newStore(t, client, secret, c)

			_, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.ErrorIs(t, err, keys.ErrNoKey, "no key before the first start")
			require.NoError(t, s.Ensure(ctx))
			require.NoError(t, s.Ensure(ctx))
			rows := client.SigningKey.Query().AllX(viewer.SystemContext(ctx))
			require.Len(t, rows, 2, "one key per algorithm, created once")

			for _, row := range rows {
				_, err := x509.ParsePKCS8PrivateKey(row.PrivateKey)
				require.Error(t, err, "the private key is not stored in the clear")
				require.True(t, strings.HasPrefix(row.PublicKey, "-----BEGIN PUBLIC KEY-----"))
			}

			rs, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.IsType(t, &rsa.PrivateKey{}, rs.Private)
			es, err := s.Signer(ctx, enum.SigningAlgorithmES256)
			require.NoError(t, err)
			require.IsType(t, &ecdsa.PrivateKey{}, es.Private)

			// Another replica with the same secret key signs with the
			// same keys, and its JWKS verifies both.
			other := newStore(t, client, secret, c)
			again, err := other.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.Equal(t, rs.ID, again.ID)
			pubs, err := other.PublicKeys(ctx)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{rs.ID, es.ID}, kids(pubs))
			require.True(t, verifies(t, pubs, rs))
			require.True(t, verifies(t, pubs, es))

			// Rotation: nothing before the key is due.
			created, deleted, err := s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, created+deleted)

			c.Advance(keys.DefaultRotation)
			created, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 2, created)
			require.Zero(t, deleted)
			created, _, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, created, "rotating again changes nothing")

			rs2, err := other.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.NotEqual(t, rs.ID, rs2.ID, "new tokens use the new key")
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.Len(t, pubs, 4)
			require.True(t, verifies(t, pubs, rs), "tokens of the retired key still verify")
			require.True(t, verifies(t, pubs, rs2))

			// Until every token the retired key signed has expired.
			c.Advance(keys.TokenLifetime + keys.Skew - time.Second)
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.Contains(t, kids(pubs), rs.ID)
			c.Advance(2 * time.Second)
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.NotContains(t, kids(pubs), rs.ID)
			require.Contains(t, kids(pubs), rs2.ID)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 2, deleted, "the retired keys are deleted")
			require.Equal(t, 2, client.SigningKey.Query().CountX(viewer.SystemContext(ctx)))
		})
	}
}

// A server whose secret key changed cannot open the old keys: it creates
// new ones and keeps publishing the old public keys, so tokens already
// issued verify.
func TestChangedSecretKey(t *testing.T) {
	t.Parallel()
	client := servicetest.Database(t, "sqlite3").Ent
	ctx := t.Context()
	c := &clock{now: time.Now()}
	old := newStore(t, client, secret, c)
	require.NoError(t, old.Ensure(ctx))
	oldKey, err := old.Signer(ctx, enum.SigningAlgorithmES256)
	require.NoError(t, err)

	changed := newStore(t, client, secret+"-rotated-by-the-admin", c)
	_, err = changed.Signer(ctx, enum.SigningAlgorithmES256)
	require.ErrorIs(t, err, keys.ErrNoKey)
	require.NoError(t, changed.Ensure(ctx))
	newKey, err := changed.Signer(ctx, enum.SigningAlgorithmES256)
	require.NoError(t, err)
	require.NotEqual(t, oldKey.ID, newKey.ID)
	pubs, err := changed.PublicKeys(ctx)
	require.NoError(t, err)
	require.True(t, verifies(t, pubs, oldKey))
	require.True(t, verifies(t, pubs, newKey))

	// A sealed key copied to another key ID does not open: the key ID is
	// bound to the ciphertext.
	row := client.SigningKey.Query().Where(signingkey.Kid(newKey.ID)).OnlyX(viewer.SystemContext(ctx))
	client.SigningKey.Create().SetKid("copied").SetAlgorithm(row.Algorithm).SetPublicKey(row.PublicKey).
		SetPrivateKey(row.PrivateKey).SetCreatedAt(c.Now().Add(time.Hour)).SetUpdatedAt(c.Now()).
		SaveX(viewer.SystemContext(ctx))
	fresh := newStore(t, client, secret+"-rotated-by-the-admin", c)
	got, err := fresh.Signer(context.Background(), enum.SigningAlgorithmES256)
	require.NoError(t, err)
	require.Equal(t, newKey.ID, got.ID, "the newer, copied key is skipped")
}

func TestNoSecretKey(t *testing.T) {
	t.Parallel()
	_, err := keys.New(nil, "", keys.Options{})
	require.Error(t, err)
}
