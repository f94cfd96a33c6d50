package executor_test

import (
	"testing"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// TestPoliciesSeeTheSuperuser binds the expression from the GraphQL
// schema's example (user.is_superuser) to a flow: policies learn whether
// the user they decide about is a superuser, through a child group too.
func TestPoliciesSeeTheSuperuser(t *testing.T) {
	t.Parallel()
	want := map[viewer]outcome{
		anonymousViewer: denied, userViewer: denied, superuserViewer: runs, nestedSuperuserViewer: runs, inactiveViewer: denied,
	}
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "superusers-only", func(c *ent.FlowCreate) { c.SetDesignation(enum.FlowDesignationEnrollment) })
		b.dummy(t, f, "first", 10)
		b.bindPolicy(t, target{flow: f}, b.expression(t, `has(user.is_superuser) && user.is_superuser`))
		for _, who := range viewers {
			t.Run(string(who), func(t *testing.T) {
				t.Parallel()
				requireOutcome(t, b.start(t, "superusers-only", b.session(t, who), ""), want[who], "first")
			})
		}
	})
}
