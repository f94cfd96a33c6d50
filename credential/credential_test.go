package credential_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/credential"
)

// fast are cheap parameters for tests; production uses DefaultParams.
var fast = credential.Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestHashVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := credential.NewHasher(fast, 0)

	encoded, err := h.Hash(ctx, "correct horse battery staple")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(encoded, "$argon2id$v=19$m=64,t=1,p=1$"), encoded)

	ok, rehash, err := h.Verify(ctx, "correct horse battery staple", encoded)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, rehash)

	ok, _, err = h.Verify(ctx, "Correct horse battery staple", encoded)
	require.NoError(t, err)
	require.False(t, ok)

	again, err := h.Hash(ctx, "correct horse battery staple")
	require.NoError(t, err)
	require.NotEqual(t, encoded, again, "every hash has its own salt")
}

func TestVerifyFlagsOldParameters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old, err := credential.NewHasher(fast, 0).Hash(ctx, "pw")
	require.NoError(t, err)
	stronger := fast
	stronger.Time = 2
	ok, rehash, err := credential.NewHasher(stronger, 0).Verify(ctx, "pw", old)
	require.NoError(t, err)
	require.True(t, ok, "a hash made with older parameters still verifies")
	require.True(t, rehash, "and is flagged for rehashing")
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := credential.NewHasher(fast, 0)
	for name, encoded := range map[string]string{
		"bcrypt":        "$2a$10$abcdefghijklmnopqrstuu5I1bWhRXn1sUq9Zt2QqPpWvP6tTq1a",
		"garbage":       "not a hash",
		"bad base64":    "$argon2id$v=19$m=64,t=1,p=1$!!!$!!!",
		"zero time":     "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		"huge memory":   "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		"wrong version": "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, _, err := h.Verify(ctx, "pw", encoded)
			require.ErrorIs(t, err, credential.ErrMalformedHash)
			require.False(t, ok)
		})
	}
	t.Run("empty hash never matches", func(t *testing.T) {
		t.Parallel()
		ok, _, err := h.Verify(ctx, "", "")
		require.NoError(t, err)
		require.False(t, ok)
	})
	t.Run("overlong password", func(t *testing.T) {
		t.Parallel()
		_, err := h.Hash(ctx, strings.Repeat("x", credential.MaxPasswordBytes+1))
		require.ErrorIs(t, err, credential.ErrPasswordTooLong)
	})
}

func TestTokenSecret(t *testing.T) {
	t.Parallel()
	a, err := credential.NewTokenSecret()
	require.NoError(t, err)
	b, err := credential.NewTokenSecret()
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	require.True(t, strings.HasPrefix(a, credential.TokenPrefix))
	require.Len(t, a, len(credential.TokenPrefix)+43)
	require.Len(t, credential.HashTokenSecret(a), 64)
	require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", credential.HashTokenSecret("abc"),
		"the stored form is hex SHA-256 (known answer)")
	require.NotEqual(t, credential.HashTokenSecret(a), credential.HashTokenSecret(b))
}
