package graph

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// exceptions is an Auditor keeping the SYSTEM_EXCEPTION events asked for,
// and whether each was asked inside a transaction.
type exceptions struct {
	data []map[string]any
	inTx []bool
}

func (e *exceptions) Record(ctx context.Context, _ *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	if action != enum.EventActionSystemException {
		return nil, errors.New("unexpected action " + string(action))
	}
	e.data = append(e.data, data)
	e.inTx = append(e.inTx, ent.TxFromContext(ctx) != nil)
	return &ent.Event{}, nil
}

// An error answered INTERNAL_ERROR is a SYSTEM_EXCEPTION event with what
// the client was not told, outside the rolled-back transaction; errors the
// client is told about are not.
func TestRecordInternal(t *testing.T) {
	t.Parallel()
	rec := &exceptions{}
	logger := slog.New(slog.DiscardHandler)
	present := recordInternal(presentError(logger), nil, rec, logger)
	ctx := requestinfo.NewContext(context.Background(), requestinfo.Info{RequestID: "req-7"})
	ctx = ent.NewTxContext(ctx, &ent.Tx{})

	got := present(ctx, errors.New("load flow: sql: no rows in result set"))
	require.Equal(t, CodeInternalError, got.Extensions["code"])
	require.Equal(t, []map[string]any{{"request_id": "req-7", "path": "", "error": "load flow: sql: no rows in result set"}}, rec.data)
	require.Equal(t, []bool{false}, rec.inTx, "recorded outside the operation's transaction")

	got = present(ctx, recoverPanic(logger)(ctx, "nil map write"))
	require.Equal(t, CodeInternalError, got.Extensions["code"])
	require.Len(t, rec.data, 2)
	require.Equal(t, "internal panic: nil map write", rec.data[1]["error"])

	got = present(ctx, &problem.FieldError{Field: "name", Message: "is required"})
	require.NotEqual(t, CodeInternalError, got.Extensions["code"])
	got = present(ctx, problem.ErrUnavailable)
	require.Equal(t, CodeUnavailable, got.Extensions["code"])
	require.Len(t, rec.data, 2, "errors with a code of their own are not exceptions")
}
