package main

import (
	"fmt"
	"io"

	"github.com/gatehouse-id/gatehouse/bootstrap"
	"github.com/gatehouse-id/gatehouse/web"
)

// printBanner tells the operator where Gatehouse is (and its separate
// metrics listener, if any) and, on first start, the secrets it generated:
// they are shown only this once. A blank line ends it.
func printBanner(w io.Writer, public, metricsURL string, boot bootstrap.Result) {
	fmt.Fprintf(w, "Gatehouse is ready at %s\n", public)
	fmt.Fprintf(w, "  GraphQL API: %s/graphql\n", public)
	fmt.Fprintf(w, "  Playground:  %s/graphql/playground\n", public)
	if metricsURL != "" {
		fmt.Fprintf(w, "  Metrics:     %s\n", metricsURL)
	}
	if web.Built() {
		fmt.Fprintf(w, "  Log in:      %s/\n", public)
		fmt.Fprintf(w, "  Admin:       %s/if/admin/\n", public)
	} else {
		fmt.Fprintln(w, "  Web frontend not built (make web); log in over GraphQL:")
		fmt.Fprintln(w, `               mutation { startFlow(slug: "default-authentication-flow") { id challenge { __typename } } }`)
		fmt.Fprintln(w, "               then submitChallenge(executionId, response) until completed (README: Logging in over GraphQL)")
	}
	if boot.CreatedAdmin {
		if boot.GeneratedPassword != "" {
			fmt.Fprintf(w, "  Created superuser %q with password: %s\n", bootstrap.AdminUsername, boot.GeneratedPassword)
			fmt.Fprintln(w, "  (shown only now; set GATEHOUSE_BOOTSTRAP_PASSWORD to choose it)")
		} else {
			fmt.Fprintf(w, "  Created superuser %q with the password from GATEHOUSE_BOOTSTRAP_PASSWORD\n", bootstrap.AdminUsername)
		}
	}
	if boot.GeneratedToken != "" {
		fmt.Fprintf(w, "  API token of %q (dev mode; shown only now): %s\n", bootstrap.AdminUsername, boot.GeneratedToken)
		fmt.Fprintln(w, `  In the playground, set the header {"Authorization": "Bearer <token>"}`)
	}
	fmt.Fprintln(w) // a blank line ends the banner
}
