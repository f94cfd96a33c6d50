package servicetest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestStartNginx(t *testing.T) {
	t.Parallel()
	n := servicetest.StartNginx(t, `server { listen {{LISTEN}}; location / { return 200 "hello from nginx"; } }`)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+n.Addr+"/x", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "hello from nginx", string(body))
}
