// Package credential hashes and verifies the secrets users authenticate
// with: passwords (argon2id, PHC string format) and token secrets (random,
// stored as SHA-256).
package credential

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// MaxPasswordBytes bounds the passwords Hash and Verify accept; longer ones
// are refused rather than hashed, so a request cannot buy unbounded work.
const MaxPasswordBytes = 4096

// ErrPasswordTooLong is returned for passwords over MaxPasswordBytes.
var ErrPasswordTooLong = fmt.Errorf("password is longer than %d bytes", MaxPasswordBytes)

// ErrMalformedHash is returned when a stored hash is not a PHC argon2id string.
var ErrMalformedHash = errors.New("stored password hash is malformed")

// Params are argon2id's cost parameters.
type Params struct {
	// Time is the number of passes.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the parallelism.
	Threads uint8
	// KeyLen and SaltLen are the hash and salt lengths in bytes.
	KeyLen, SaltLen uint32
}

// DefaultParams follows OWASP's argon2id recommendation (19 MiB, 2 passes,
// 1 thread).
func DefaultParams() Params {
	return Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
}

// Hasher hashes and verifies passwords. It bounds how many hashes run at
// once (each holds MemoryKiB of memory), so a burst of logins queues instead
// of exhausting memory. It is safe for concurrent use.
type Hasher struct {
	params   Params
	slots    chan struct{}
	dummy    string
	verified atomic.Int64
}

// Verifications returns how many argon2id verifications h has computed,
// dummy ones included.
func (h *Hasher) Verifications() int64 { return h.verified.Load() }

// NewHasher returns a Hasher with params that runs at most concurrency
// hashes at once (zero: one per CPU Go may use, GOMAXPROCS). More than one
// per CPU gains nothing — argon2id is CPU- and memory-bound — and costs
// throughput: hashes sharing a CPU evict each other's memory from its
// caches.
func NewHasher(params Params, concurrency int) *Hasher {
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	h := &Hasher{params: params, slots: make(chan struct{}, concurrency)}
	salt := make([]byte, params.SaltLen)
	h.dummy = encode(params, salt, argon2.IDKey([]byte("gatehouse-dummy"), salt, params.Time, params.MemoryKiB, params.Threads, params.KeyLen))
	return h
}

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, h.params.KeyLen)
	return encode(h.params, salt, key), nil
}

// Verify reports whether password matches encoded, and whether encoded
// was made with other parameters than h's and should be replaced by a new
// Hash. An empty encoded (no usable password) never matches, but costs the
// same time as a real check.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if len(password) > MaxPasswordBytes {
		return false, false, ErrPasswordTooLong
	}
	if encoded == "" {
		return false, false, h.DummyVerify(ctx, password)
	}
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	h.verified.Add(1)
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, p != h.params, nil
}

// DummyVerify spends the time of one Verify and matches nothing: use it
// for unknown users so their response time gives nothing away.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	_, _, err := h.Verify(ctx, password, h.dummy)
	return err
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to hash password: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

var b64 = base64.RawStdEncoding

// maxKeyLen bounds the hash and salt lengths a stored hash may declare.
const maxKeyLen = 1024

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, ErrMalformedHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, ErrMalformedHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 || len(key) > maxKeyLen || len(salt) > maxKeyLen {
		return Params{}, nil, nil, ErrMalformedHash
	}
	if p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4*1024*1024 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	p.KeyLen, p.SaltLen = uint32(len(key)), uint32(len(salt)) //nolint:gosec // both bounded by maxKeyLen above
	return p, salt, key, nil
}
