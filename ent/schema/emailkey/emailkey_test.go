package emailkey_test

import (
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
