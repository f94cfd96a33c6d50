package audit_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// Record indexes the user an event is about (audit.Subject) in the
// event's subject_id, whoever the actor; an admin's write of a user is
// about that user; a subject that is no ID is refused, writing nothing.
func TestRecordIndexesTheSubject(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			(&audit.Recorder{App: "test"}).Install(db.Ent)
			sys := viewer.SystemContext(t.Context())
			lin := db.Ent.User.Create().SetUsername("lin").SaveX(sys)
			created := db.Ent.Event.Query().Where(event.ActionEQ(enum.EventActionModelCreated)).OnlyX(sys)
			require.NotNil(t, created.SubjectID, "a user's creation is about the user")
			require.Equal(t, lin.ID, *created.SubjectID)

			rec := &audit.Recorder{App: "test"}
			ev, err := rec.Record(sys, db.Ent, enum.EventActionLoginFailed, audit.Subject(map[string]any{"username": "LIN"}, lin))
			require.NoError(t, err)
			require.NotNil(t, ev.SubjectID)
			require.Equal(t, lin.ID, *ev.SubjectID)
			require.Nil(t, ev.UserID, "no actor")
			require.Equal(t, map[string]any{"username": "LIN", audit.KeySubjectID: strconv.Itoa(lin.ID), audit.KeySubjectUsername: "lin"}, ev.Context)

			ev, err = rec.Record(sys, db.Ent, enum.EventActionLoginFailed, audit.Subject(map[string]any{"username": "nobody"}, nil))
			require.NoError(t, err)
			require.Nil(t, ev.SubjectID, "about no one")

			_, err = rec.Record(sys, db.Ent, enum.EventActionLoginFailed, map[string]any{audit.KeySubjectID: "lin"})
			require.ErrorContains(t, err, "not an ID")
			require.Equal(t, 3, db.Ent.Event.Query().CountX(sys))
		})
	}
}
