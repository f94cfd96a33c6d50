package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/counter/countertest"
	"github.com/gatehouse-id/gatehouse/counter/sqlstore"
	entcounter "github.com/gatehouse-id/gatehouse/ent/counter"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestStore(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			countertest.Run(t, func(t *testing.T, clock *countertest.Clock) counter.Store {
				t.Helper()
				db := servicetest.Database(t, d)
				return sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now})
			})
		})
	}
}

func TestStorage(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("DeleteExpiredRemovesOnlyExpiredRows", func(t *testing.T) {
				t.Parallel()
				db := servicetest.Database(t, d)
				clock := countertest.NewClock()
				store := sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now})
				ctx := t.Context()
				for _, add := range []struct {
					key    string
					ttl    time.Duration
					window counter.Window
				}{
					{"fixed", time.Minute, counter.Fixed},
					{"sliding", 2 * time.Minute, counter.Sliding},
					{"later", 2*time.Minute + time.Millisecond, counter.Fixed},
					{"forever", 0, counter.Forever},
				} {
					_, err := store.Add(ctx, add.key, 1, add.ttl, add.window)
					require.NoError(t, err)
				}
				clock.Advance(2 * time.Minute)

				n, err := store.DeleteExpired(ctx, clock.Now())
				require.NoError(t, err)
				require.Equal(t, 2, n)
				keys, err := db.Ent.Counter.Query().
					Order(entcounter.ByKey()).
					Select(entcounter.FieldKey).
					Strings(viewer.SystemContext(ctx))
				require.NoError(t, err)
				require.Equal(t, []string{"forever", "later"}, keys)
			})

			t.Run("ExpiryIsStored", func(t *testing.T) {
				t.Parallel()
				db := servicetest.Database(t, d)
				clock := countertest.NewClock()
				store := sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now})
				ctx := t.Context()
				expiresAt := func() *time.Time {
					t.Helper()
					row, err := db.Ent.Counter.Query().Where(entcounter.Key("k")).Only(viewer.SystemContext(ctx))
					require.NoError(t, err)
					return row.ExpiresAt
				}

				_, err := store.Add(ctx, "k", 1, time.Hour, counter.Sliding)
				require.NoError(t, err)
				require.NotNil(t, expiresAt())
				require.True(t, clock.Now().Add(time.Hour).Equal(*expiresAt()))
				_, err = store.Add(ctx, "k", 1, time.Hour, counter.Forever)
				require.NoError(t, err)
				require.Nil(t, expiresAt())
			})
		})
	}
}
