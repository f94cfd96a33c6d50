package session_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/sqlstore"
)

// A browser arrives, logs in (which rotates its session ID), lists its
// sessions and logs out. The store here is the embedded SQLite one; the
// Manager works the same on Redis.
func ExampleManager() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "session-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := database.Open(ctx, database.Config{DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		panic(err)
	}
	user, err := db.Ent.User.Create().SetUsername("alice").Save(viewer.SystemContext(ctx))
	if err != nil {
		panic(err)
	}

	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	mgr := &session.Manager{
		Store:   sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock}),
		NowFunc: clock,
	}
	client := session.Client{IP: "192.0.2.1", UserAgent: "ExampleBrowser/1.0"}

	// The browser starts a login flow with an anonymous session.
	anonID, anon, err := mgr.Start(ctx, client)
	if err != nil {
		panic(err)
	}
	fmt.Println("anonymous until", anon.ExpiresAt.Format(time.Kitchen))

	// The flow succeeds: a new ID for the user, same scope; the old ID is dead.
	id, s, err := mgr.Login(ctx, anonID, user.ID, session.LoginOptions{Client: client})
	if err != nil {
		panic(err)
	}
	fmt.Println("rotated:", id != anonID, "same scope:", s.Scope == anon.Scope)
	if _, err := mgr.Resume(ctx, anonID); errors.Is(err, session.ErrNotFound) {
		fmt.Println("old ID: not found")
	}

	// Each request resumes the session by the ID in its cookie.
	now = now.Add(time.Hour)
	if s, err = mgr.Resume(ctx, id); err != nil {
		panic(err)
	}
	fmt.Println("last seen", s.LastSeenAt.Format(time.Kitchen), "expires", s.ExpiresAt.Format(time.DateOnly))

	list, err := mgr.List(ctx, user.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println("sessions:", len(list), "mine:", list[0].Key == id.Key())

	if err := mgr.Logout(ctx, id); err != nil {
		panic(err)
	}
	_, err = mgr.Resume(ctx, id)
	fmt.Println("after logout:", err)
	// Output:
	// anonymous until 1:00PM
	// rotated: true same scope: true
	// old ID: not found
	// last seen 1:00PM expires 2030-01-15
	// sessions: 1 mine: true
	// after logout: resume session: session not found
}
