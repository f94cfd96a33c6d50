package seal_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/seal"
)

func TestSeal(t *testing.T) {
	t.Parallel()
	box, err := seal.New("secret key", "purpose v1")
	require.NoError(t, err)
	sealed, err := box.Seal([]byte("plain"), []byte("row 1"))
	require.NoError(t, err)
	require.False(t, bytes.Contains(sealed, []byte("plain")))

	plain, err := box.Open(sealed, []byte("row 1"))
	require.NoError(t, err)
	require.Equal(t, "plain", string(plain))

	again, err := box.Seal([]byte("plain"), []byte("row 1"))
	require.NoError(t, err)
	require.NotEqual(t, sealed, again, "every seal has its own nonce")

	_, err = box.Open(sealed, []byte("row 2"))
	require.ErrorIs(t, err, seal.ErrOpen, "bound to its row")
	_, err = box.Open(sealed[:5], []byte("row 1"))
	require.ErrorIs(t, err, seal.ErrOpen)
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	_, err = box.Open(tampered, []byte("row 1"))
	require.ErrorIs(t, err, seal.ErrOpen)

	other, err := seal.New("secret key", "purpose v2")
	require.NoError(t, err)
	_, err = other.Open(sealed, []byte("row 1"))
	require.ErrorIs(t, err, seal.ErrOpen, "each purpose has its own key")
	rotated, err := seal.New("another secret key", "purpose v1")
	require.NoError(t, err)
	_, err = rotated.Open(sealed, []byte("row 1"))
	require.ErrorIs(t, err, seal.ErrOpen)

	_, err = seal.New("", "purpose v1")
	require.Error(t, err)
}
