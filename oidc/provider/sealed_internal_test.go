package provider

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// What tokenCrypto seals carries the ID alone, and what it opens always
// splits into exactly two parts on ':', whatever the subject held — also
// for tokens the library sealed with their subject; it opens nothing
// unauthenticated or sealed under another key.
func TestTokenCrypto(t *testing.T) {
	t.Parallel()
	var key, other [32]byte
	copy(key[:], "0123456789abcdef0123456789abcdef")
	copy(other[:], "fedcba9876543210fedcba9876543210")
	c := newTokenCrypto(key)
	library := op.NewAES256GCMCrypto(key, "")

	for _, tc := range []struct{ name, sealed, id string }{
		{"token with a plain subject", "tokID:grace", "tokID"},
		{"token whose subject holds colons", "tokID:corp:grace", "tokID"},
		{"token of an address with a colon", "tokID:grace:hopper@example.com", "tokID"},
		{"authorization request (a code)", "reqID", "reqID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sealed, err := c.Encrypt(tc.sealed)
			require.NoError(t, err)
			inside, err := library.Decrypt(sealed)
			require.NoError(t, err)
			require.Equal(t, tc.id, inside, "only the ID is sealed")
			opened, err := c.Decrypt(sealed)
			require.NoError(t, err)
			require.Equal(t, tc.id+":"+sealedSubject, opened)
			require.Len(t, strings.Split(opened, ":"), 2, "the library splits it in two")

			// Sealed by the library with the subject (before tokenCrypto).
			old, err := library.Encrypt(tc.sealed)
			require.NoError(t, err)
			opened, err = c.Decrypt(old)
			require.NoError(t, err)
			require.Equal(t, tc.id+":"+sealedSubject, opened)
		})
	}

	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		foreign, err := op.NewAES256GCMCrypto(other, "").Encrypt("tokID")
		require.NoError(t, err)
		cfb, err := op.NewAESCrypto(key).Encrypt("tokID:grace") //nolint:staticcheck // the unauthenticated format tokenCrypto refuses
		require.NoError(t, err)
		for _, s := range []string{foreign, cfb, "gthr_not-sealed-at-all", ""} {
			_, err := c.Decrypt(s)
			require.Error(t, err, "%q", s)
		}
	})
}
