package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/seal"
)

// Lifetimes of keys.
const (
	// DefaultRotation is how long a key signs before a newer one replaces
	// it.
	DefaultRotation = 30 * 24 * time.Hour
	// TokenLifetime is the longest a signed token lives (the providers'
	// access and ID token lifetimes are at most a day); Skew covers clocks
	// that disagree. A retired key is published this long after its
	// retirement, then deleted.
	TokenLifetime = 24 * time.Hour
	// Skew is added to TokenLifetime.
	Skew = 5 * time.Minute
	// rsaBits is the size of new RSA keys.
	rsaBits = 2048
)

// Algorithms are the algorithms a key is kept for.
var Algorithms = []enum.SigningAlgorithm{enum.SigningAlgorithmRS256, enum.SigningAlgorithmES256}

// ErrNoKey is returned by Signer when no usable key of the algorithm
// exists (Ensure was not called, or every key is sealed with another
// secret key).
var ErrNoKey = errors.New("keys: no usable signing key")

// Errors of Pinnable: why a provider cannot pin a key.
var (
	// ErrNotFound: no key has the ID.
	ErrNotFound = errors.New("keys: no signing key has this ID")
	// ErrExpired: the key was retired so long ago that it is no longer
	// published (rotation deletes it at its next run).
	ErrExpired = errors.New("keys: the signing key is no longer published")
	// ErrSealed: this server cannot open the key (it was sealed under
	// another secret key).
	ErrSealed = errors.New("keys: the signing key cannot be opened with this server's secret key")
)

// Key is a key the provider signs with.
type Key struct {
	// ID is the key ID (the JWS kid).
	ID string
	// Algorithm is the JWS algorithm.
	Algorithm enum.SigningAlgorithm
	// Private signs: *rsa.PrivateKey or *ecdsa.PrivateKey.
	Private crypto.Signer
}

// PublicKey is a key the JWKS publishes.
type PublicKey struct {
	// ID is the key ID.
	ID string
	// Algorithm is the JWS algorithm.
	Algorithm enum.SigningAlgorithm
	// Public is *rsa.PublicKey or *ecdsa.PublicKey.
	Public crypto.PublicKey
}

// Store reads and writes signing keys. It is safe for concurrent use.
type Store struct {
	client *ent.Client
	box    *seal.Box
	now    func() time.Time
	logger *slog.Logger

	mu     sync.Mutex
	opened map[string]crypto.Signer // by kid: unsealing costs a parse
}

// Options configure a Store.
type Options struct {
	// NowFunc is the clock; nil means time.Now.
	NowFunc func() time.Time
	// Logger receives what the store did; nil discards.
	Logger *slog.Logger
}

// New returns a Store over client, sealing private keys under secretKey
// (the server's GATEHOUSE_SECRET_KEY).
func New(client *ent.Client, secretKey string, opts Options) (*Store, error) {
	if secretKey == "" {
		return nil, errors.New("keys: no secret key")
	}
	box, err := seal.New(secretKey, "gatehouse signing keys v1")
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	s := &Store{client: client, box: box, now: opts.NowFunc, logger: opts.Logger, opened: map[string]crypto.Signer{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Ensure creates a key for every algorithm that has no usable current key
// (first start, or a changed secret key).
func (s *Store) Ensure(ctx context.Context) error {
	for _, alg := range Algorithms {
		if _, err := s.Signer(ctx, alg); err == nil {
			continue
		} else if !errors.Is(err, ErrNoKey) {
			return err
		}
		if _, err := s.create(ctx, alg); err != nil {
			return err
		}
	}
	return nil
}

// Signer returns the current key of alg: its newest unretired key that
// this server can open.
func (s *Store) Signer(ctx context.Context, alg enum.SigningAlgorithm) (*Key, error) {
	rows, err := s.client.SigningKey.Query().
		Where(signingkey.AlgorithmEQ(alg), signingkey.RetiredAtIsNil()).
		Order(ent.Desc(signingkey.FieldCreatedAt), ent.Desc(signingkey.FieldID)).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("keys: read signing keys: %w", err)
	}
	for _, row := range rows {
		priv, err := s.open(row)
		if err != nil {
			s.logger.WarnContext(ctx, "a signing key cannot be opened (was the secret key changed?); it is skipped",
				"kid", row.Kid, "error", err)
			continue
		}
		return &Key{ID: row.Kid, Algorithm: alg, Private: priv}, nil
	}
	return nil, fmt.Errorf("%w of %s", ErrNoKey, alg)
}

// Pinned returns the key a provider pins (by row ID) to sign with. It
// fails with ErrNotFound when the key is gone and ErrSealed when it
// cannot be opened; the caller then signs with the algorithm's current
// key. A pinned key is always published (see PublicKeys).
func (s *Store) Pinned(ctx context.Context, id int) (*Key, error) {
	row, err := s.client.SigningKey.Get(viewer.SystemContext(ctx), id)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("keys: read signing key: %w", err)
	}
	priv, err := s.open(row)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSealed, err)
	}
	return &Key{ID: row.Kid, Algorithm: row.Algorithm, Private: priv}, nil
}

// Pinnable returns key id, read through c (the caller's transaction, with
// the caller's rights), when a provider may pin it: it is published now
// (retired keys only until their retention ends) and this server can open
// it. Otherwise it returns ErrNotFound, ErrExpired or ErrSealed. Pinning
// changes nothing on the key itself: it stops the clock, as PublicKeys
// and Rotate consider pinned keys.
func (s *Store) Pinnable(ctx context.Context, c *ent.Client, id int) (*ent.SigningKey, error) {
	row, err := c.SigningKey.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("keys: read signing key: %w", err)
	}
	ok, err := c.SigningKey.Query().Where(signingkey.ID(id), s.published()).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys: read signing key: %w", err)
	}
	if !ok {
		return nil, ErrExpired
	}
	if _, err := s.open(row); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSealed, err)
	}
	return row, nil
}

// Unpinned records, through c, that providers stopped pinning keys ids
// now: a retired key signed until now, so it stays published for
// TokenLifetime+Skew from now; an unretired one is retired by the next
// rotation unless it is its algorithm's current key. Call it whenever a
// provider's pinned key changes, is cleared, or the provider is deleted.
func (s *Store) Unpinned(ctx context.Context, c *ent.Client, ids ...int) error {
	if len(ids) == 0 {
		return nil
	}
	if err := c.SigningKey.Update().Where(signingkey.IDIn(ids...)).SetUnpinnedAt(s.now()).Exec(ctx); err != nil {
		return fmt.Errorf("keys: record unpinned signing keys: %w", err)
	}
	return nil
}

// IsCurrent reports whether row is its algorithm's current key: the one
// Signer returns, which signs for every provider that pins none.
func (s *Store) IsCurrent(ctx context.Context, row *ent.SigningKey) (bool, error) {
	k, err := s.Signer(ctx, row.Algorithm)
	if errors.Is(err, ErrNoKey) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return k.ID == row.Kid, nil
}

// ExpiresAt is when row leaves the JWKS (Rotate deletes it at its first
// run after): TokenLifetime+Skew after it last signed, the later of its
// retirement and its last unpinning. It is nil while the key may sign:
// unretired, or pinned by a provider.
func ExpiresAt(ctx context.Context, row *ent.SigningKey) (*time.Time, error) {
	if row.RetiredAt == nil {
		return nil, nil //nolint:nilnil // no expiry yet is not an error
	}
	pinned, err := row.QueryPinnedBy().Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys: read pinning providers: %w", err)
	}
	if pinned {
		return nil, nil //nolint:nilnil // no expiry while pinned is not an error
	}
	last := *row.RetiredAt
	if row.UnpinnedAt != nil && row.UnpinnedAt.After(last) {
		last = *row.UnpinnedAt
	}
	at := last.Add(TokenLifetime + Skew)
	return &at, nil
}

// published selects the keys the JWKS publishes now: every unretired key,
// every pinned key, and every key that signed (retired, or last unpinned)
// less than TokenLifetime+Skew ago. Every key that may sign is among
// them: Signer's (unretired) and Pinned's.
func (s *Store) published() predicate.SigningKey {
	cutoff := s.now().Add(-TokenLifetime - Skew)
	return signingkey.Or(
		signingkey.RetiredAtIsNil(),
		signingkey.RetiredAtGT(cutoff),
		signingkey.UnpinnedAtGT(cutoff),
		signingkey.HasPinnedBy(),
	)
}

// PublicKeys returns the keys the JWKS publishes: every unretired key,
// every key a provider pins, and every key that last signed (was retired
// or unpinned) less than TokenLifetime+Skew ago.
func (s *Store) PublicKeys(ctx context.Context) ([]PublicKey, error) {
	rows, err := s.client.SigningKey.Query().
		Where(s.published()).
		Order(ent.Asc(signingkey.FieldID)).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("keys: read signing keys: %w", err)
	}
	out := make([]PublicKey, 0, len(rows))
	for _, row := range rows {
		pub, err := parsePublic(row.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("keys: key %s: %w", row.Kid, err)
		}
		out = append(out, PublicKey{ID: row.Kid, Algorithm: row.Algorithm, Public: pub})
	}
	return out, nil
}

// Rotate replaces every algorithm's current key older than every with a
// new one (retiring all older unretired keys), and deletes the keys that
// last signed (were retired, or last unpinned) more than
// TokenLifetime+Skew ago. Keys a provider pins are exempt: never retired,
// never deleted. It returns how many keys it created and deleted.
// Rotation is idempotent: running it twice in a row changes nothing the
// second time.
func (s *Store) Rotate(ctx context.Context, every time.Duration) (created, deleted int, err error) {
	ctx = viewer.SystemContext(ctx)
	now := s.now()
	for _, alg := range Algorithms {
		current, err := s.Signer(ctx, alg)
		switch {
		case errors.Is(err, ErrNoKey):
		case err != nil:
			return created, deleted, err
		default:
			row, err := s.client.SigningKey.Query().Where(signingkey.Kid(current.ID)).Only(ctx)
			if err != nil {
				return created, deleted, fmt.Errorf("keys: read signing key: %w", err)
			}
			if now.Sub(row.CreatedAt) < every {
				// Retire the others a race at first start may have
				// left, and those no longer pinned.
				if _, err := s.client.SigningKey.Update().
					Where(signingkey.AlgorithmEQ(alg), signingkey.RetiredAtIsNil(), signingkey.KidNEQ(current.ID), signingkey.Not(signingkey.HasPinnedBy())).
					SetRetiredAt(now).
					Save(ctx); err != nil {
					return created, deleted, fmt.Errorf("keys: retire signing keys: %w", err)
				}
				continue
			}
		}
		key, err := s.create(ctx, alg)
		if err != nil {
			return created, deleted, err
		}
		created++
		if _, err := s.client.SigningKey.Update().
			Where(signingkey.AlgorithmEQ(alg), signingkey.RetiredAtIsNil(), signingkey.KidNEQ(key.ID), signingkey.Not(signingkey.HasPinnedBy())).
			SetRetiredAt(now).
			Save(ctx); err != nil {
			return created, deleted, fmt.Errorf("keys: retire signing keys: %w", err)
		}
		s.logger.InfoContext(ctx, "rotated the signing key", "algorithm", alg, "kid", key.ID)
	}
	cutoff := now.Add(-TokenLifetime - Skew)
	deleted, err = s.client.SigningKey.Delete().
		Where(
			signingkey.RetiredAtLT(cutoff),
			signingkey.Or(signingkey.UnpinnedAtIsNil(), signingkey.UnpinnedAtLT(cutoff)),
			signingkey.Not(signingkey.HasPinnedBy()),
		).
		Exec(ctx)
	if err != nil {
		return created, deleted, fmt.Errorf("keys: delete expired signing keys: %w", err)
	}
	return created, deleted, nil
}

// create makes, seals and stores a new key of alg.
func (s *Store) create(ctx context.Context, alg enum.SigningAlgorithm) (*Key, error) {
	priv, err := generate(alg)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return nil, fmt.Errorf("keys: encode public key: %w", err)
	}
	kid, err := newKID()
	if err != nil {
		return nil, err
	}
	sealed, err := s.box.Seal(der, []byte(kid))
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	_, err = s.client.SigningKey.Create().
		SetKid(kid).
		SetAlgorithm(alg).
		SetPublicKey(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))).
		SetPrivateKey(sealed).
		SetCreatedAt(s.now()).
		SetUpdatedAt(s.now()).
		Save(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("keys: store signing key: %w", err)
	}
	s.mu.Lock()
	s.opened[kid] = priv
	s.mu.Unlock()
	return &Key{ID: kid, Algorithm: alg, Private: priv}, nil
}

// open unseals row's private key (cached by kid).
func (s *Store) open(row *ent.SigningKey) (crypto.Signer, error) {
	s.mu.Lock()
	priv, ok := s.opened[row.Kid]
	s.mu.Unlock()
	if ok {
		return priv, nil
	}
	der, err := s.box.Open(row.PrivateKey, []byte(row.Kid))
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key of type %T cannot sign", k)
	}
	s.mu.Lock()
	s.opened[row.Kid] = signer
	s.mu.Unlock()
	return signer, nil
}

// generate makes a new private key for alg.
func generate(alg enum.SigningAlgorithm) (crypto.Signer, error) {
	switch alg {
	case enum.SigningAlgorithmRS256:
		k, err := rsa.GenerateKey(rand.Reader, rsaBits)
		if err != nil {
			return nil, fmt.Errorf("keys: generate RSA key: %w", err)
		}
		return k, nil
	case enum.SigningAlgorithmES256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generate ECDSA key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("keys: unknown algorithm %q", alg)
	}
}

// parsePublic decodes a PEM PKIX public key.
func parsePublic(s string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("public key is not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	return pub, nil
}

// newKID returns a random key ID: 128 bits, URL-safe.
func newKID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("keys: read random key ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
