package emailkey_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
)

func TestOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, address, want string
	}{
		{"empty", "", ""},
		{"lower already", "ann@example.com", "ann@example.com"},
		{"ASCII capitals", "Ann.Lee@Example.COM", "ann.lee@example.com"},
		{"non-ASCII capital", "ÉMILE@example.fr", "émile@example.fr"},
		{"combining accent composes", "E\u0301mile@example.fr", "émile@example.fr"},
		{"precomposed stays", "émile@example.fr", "émile@example.fr"},
		{"tags and dots are kept", "a.b+news@example.com", "a.b+news@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := emailkey.Of(tt.address)
			require.Equal(t, tt.want, got)
			require.Equal(t, got, emailkey.Of(got), "a key is its own key")
		})
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"ann@example.com", "a@b", "émile@exämple.org", "first.last+tag@sub.example.com"} {
		require.True(t, emailkey.Valid(ok), ok)
	}
	long := strings.Repeat("a", emailkey.MaxLength-len("@example.com")+1) + "@example.com"
	for _, bad := range []string{
		"", "ann", "@example.com", "ann@", "Ann <ann@example.com>", "ann @example.com",
		"ann@example.com,bob@example.com", "ann;@example.com", "ann\x00@example.com", "ann\u0085@example.com", long,
	} {
		require.False(t, emailkey.Valid(bad), bad)
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a***@example.com", emailkey.Mask("alice@example.com"))
	require.Equal(t, "é***@exämple.org", emailkey.Mask(" émile@exämple.org "))
	require.Equal(t, "***@", emailkey.Mask(""))
}
