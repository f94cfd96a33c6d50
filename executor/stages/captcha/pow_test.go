package captcha_test

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
)

// The contract other clients implement, with answers computed elsewhere
// (Python's hashlib): SHA-256 over the UTF-8 bytes of challenge then
// nonce, leading zero bits counted from the first byte's top bit.
func TestSolves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		challenge, nonce string
		difficulty       int
		want             bool
	}{
		// sha256("gatehouse-captcha-contract33570") = 0000a94f…: 16 bits.
		{"gatehouse-captcha-contract", "33570", 16, true},
		{"gatehouse-captcha-contract", "33570", 17, false},
		{"gatehouse-captcha-contract", "33570", 8, true},
		{"gatehouse-captcha-contract", "33571", 16, false},
		// The nonce follows the challenge; the other order does not solve.
		{"33570", "gatehouse-captcha-contract", 16, false},
		// UTF-8: sha256("préfixe-✓336") = 0025b2e5…: 10 bits.
		{"préfixe-✓", "336", 10, true},
		{"préfixe-✓", "336", 11, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, captcha.Solves(tt.challenge, tt.nonce, tt.difficulty), "%q + %q at %d", tt.challenge, tt.nonce, tt.difficulty)
	}
}

func TestLeadingZeroBits(t *testing.T) {
	t.Parallel()
	sum := func(prefix ...byte) [sha256.Size]byte {
		var s [sha256.Size]byte
		for i := range s {
			s[i] = 0xff
		}
		copy(s[:], prefix)
		return s
	}
	require.Equal(t, 0, captcha.LeadingZeroBits(sum(0x80)))
	require.Equal(t, 7, captcha.LeadingZeroBits(sum(0x01)))
	require.Equal(t, 8, captcha.LeadingZeroBits(sum(0x00, 0xff)))
	require.Equal(t, 12, captcha.LeadingZeroBits(sum(0x00, 0x0f)))
	require.Equal(t, 23, captcha.LeadingZeroBits(sum(0x00, 0x00, 0x01)))
	require.Equal(t, 256, captcha.LeadingZeroBits([sha256.Size]byte{}))
}
