package provider

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// The provider's pages go through Options.PageFunc with their status and
// text: an error page frames its message, the signed-out page is a notice.
func TestPagesThroughPageFunc(t *testing.T) {
	t.Parallel()
	type shown struct {
		status int
		page   Page
	}
	var got []shown
	p := &Provider{opts: Options{PageFunc: func(w http.ResponseWriter, _ *http.Request, status int, pg Page) {
		got = append(got, shown{status, pg})
		w.WriteHeader(status)
	}}}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, SignedOutPath, nil)

	w := httptest.NewRecorder()
	p.errorPage(w, r, http.StatusForbidden, "You are not allowed to use Payroll.")
	require.Equal(t, http.StatusForbidden, w.Code)
	w = httptest.NewRecorder()
	p.signedOut(w, r)
	require.Equal(t, http.StatusOK, w.Code)

	require.Equal(t, []shown{
		{http.StatusForbidden, Page{Error: true, Title: "This sign-in cannot continue", Text: "You are not allowed to use Payroll. " + errorHint}},
		{http.StatusOK, Page{Title: "You are signed out", Text: "You can close this window."}},
	}, got)
}

// Without a PageFunc, the pages are plain HTML, escaped, never cached.
func TestPagesWithoutPageFunc(t *testing.T) {
	t.Parallel()
	p := &Provider{}
	w := httptest.NewRecorder()
	p.errorPage(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/oauth2/authorize", nil),
		http.StatusForbidden, `You are not allowed to use <script>alert("x")</script>.`)
	require.Equal(t, http.StatusForbidden, w.Code)
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	require.Contains(t, w.Body.String(), "<h1>This sign-in cannot continue</h1>")
	require.Contains(t, w.Body.String(), "You are not allowed to use &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;.")
	require.NotContains(t, w.Body.String(), "<script>")
}
