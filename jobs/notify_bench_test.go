package jobs_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/seal"
)

// BenchmarkRecordEvent measures what notifications add to the hot path: a
// LOGIN_FAILED event recorded as a login records it (audit.Recorder with
// notify.Gate), with no rule, one rule and 1,000 rules. With rules, each
// event also inserts one notify_event job in its transaction, whatever the
// number of rules: matching happens on the worker. No worker runs, so
// the queue grows by one job per op (a burst nobody drains yet).
func BenchmarkRecordEvent(b *testing.B) {
	for _, d := range servicetest.Dialects {
		for _, rules := range []int{0, 1, 1000} {
			b.Run(d+"/rules="+strconv.Itoa(rules), func(b *testing.B) {
				db := servicetest.Database(b, d)
				ctx := viewer.SystemContext(b.Context())
				queue, err := jobs.NewQueue(db, seal.NewKeys(testSecretKey), nil)
				require.NoError(b, err)
				matcher, err := db.Ent.PolicyDefinition.Create().SetName("failed").SetKind("event_matcher").
					SetConfig(json.RawMessage(`{"action": "login_failed"}`)).Save(ctx)
				require.NoError(b, err)
				for i := range rules {
					r, err := db.Ent.NotificationRule.Create().SetName("rule " + strconv.Itoa(i)).Save(ctx)
					require.NoError(b, err)
					_, err = db.Ent.PolicyBinding.Create().SetNotificationRule(r).SetPolicy(matcher).Save(ctx)
					require.NoError(b, err)
				}
				gate := notify.NewGate(notify.GateParams{Client: db.Ent, Queue: queue})
				rec := &audit.Recorder{App: "bench", Notifier: gate, Retention: time.Hour}
				data := map[string]any{"username": "mallory", "flow": "default-authentication-flow"}
				b.ResetTimer()
				for b.Loop() {
					if _, err := rec.Record(ctx, db.Ent, enum.EventActionLoginFailed, data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
