package sqlstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowexecution"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/flowstatetest"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/sqlstore"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newStoreFunc makes stores on a fresh database of dialect d.
func newStoreFunc(d string) flowstatetest.NewStoreFunc {
	return func(t *testing.T, clock *flowstatetest.Clock) flowstate.Store {
		t.Helper()
		db := servicetest.Database(t, d)
		return sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now})
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			flowstatetest.Run(t, newStoreFunc(d))
		})
	}
}

func TestStoreConcurrency(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			flowstatetest.RunConcurrency(t, newStoreFunc(d))
		})
	}
}

type testBundle struct {
	client *ent.Client
	clock  *flowstatetest.Clock
	store  *sqlstore.Store
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, d)
	clock := flowstatetest.NewClock()
	return &testBundle{
		client: db.Ent,
		clock:  clock,
		store:  sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now}),
	}
}

// rows returns every execution row, as the system.
func (b *testBundle) rows(t *testing.T) []*ent.FlowExecution {
	t.Helper()
	rows, err := b.client.FlowExecution.Query().
		Order(flowexecution.ByExpiresAt()).
		All(viewer.SystemContext(t.Context()))
	require.NoError(t, err)
	return rows
}

func TestStorage(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("IDIsStoredHashed", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				id := "raw-execution-id"
				require.NoError(t, b.store.Create(t.Context(), id, []byte("doc"), b.clock.Now().Add(time.Hour)))
				rows := b.rows(t)
				require.Len(t, rows, 1)
				sum := sha256.Sum256([]byte(id))
				require.Equal(t, hex.EncodeToString(sum[:]), rows[0].KeyHash)
				require.NotContains(t, rows[0].KeyHash, id)
			})

			t.Run("DeleteExpiredRemovesOnlyExpiredRows", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				now := b.clock.Now()
				require.NoError(t, b.store.Create(t.Context(), "expired1", nil, now.Add(time.Minute)))
				require.NoError(t, b.store.Create(t.Context(), "expired2", nil, now.Add(2*time.Minute)))
				require.NoError(t, b.store.Create(t.Context(), "live", nil, now.Add(2*time.Minute+time.Millisecond)))
				b.clock.Advance(2 * time.Minute)

				n, err := b.store.DeleteExpired(t.Context(), b.clock.Now())
				require.NoError(t, err)
				require.Equal(t, 2, n)
				rows := b.rows(t)
				require.Len(t, rows, 1)
				_, err = b.store.Get(t.Context(), "live")
				require.NoError(t, err)
			})

			t.Run("ActsAsSystemViewer", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				// The caller's context has no viewer: the store acts as
				// the system on its own.
				require.NoError(t, b.store.Create(t.Context(), "id", []byte("doc"), b.clock.Now().Add(time.Hour)))
				_, err := b.client.FlowExecution.Query().All(t.Context())
				require.Error(t, err, "anonymous callers may not read executions directly")
			})
		})
	}
}
