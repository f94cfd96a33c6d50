// Package session defines Gatehouse's user sessions: what a browser's
// session cookie (or a cookieless client's session token header) stands for.
//
// A session is addressed by a 256-bit random ID that only the client holds;
// stores keep it under the ID's Key (a SHA-256 hash), so a leaked store does
// not leak usable IDs, and a user's list of sessions shows Keys, which can
// revoke a session but not resume it. A session has an idle timeout (pushed
// forward on use) and an absolute expiry (never moved). It is anonymous
// (UserID 0) while its browser goes through a login flow, and belongs to
// one user after login, so that a user's sessions can be listed and revoked.
// Its Scope, random and never sent to clients, survives the ID rotation at
// login: flow executions belong to a scope.
//
//	(none) ──Start──▶ anonymous ──Login(current, user)──▶ logged in ────┐
//	                   │     ▲    new ID, current's         │   ▲  ▲    │ Login again
//	                   └─────┘    scope; current deleted    └───┘  └────┘ (step-up): new ID,
//	                   Resume: LastSeenAt = now             Resume        same scope, old
//	                                                                      ID deleted
//	(none) ──Login("" or a dead current)──▶ logged in, with a new ID and a new scope
//
//	from any state:
//	  Logout, Revoke, RevokeOthers,
//	  user deleted or deactivated*                ─────────▶ (gone)
//	  idle timeout or absolute expiry passes      ─────────▶ expired: every
//	      operation answers ErrNotFound; the backend (Redis) or DeleteExpired
//	      (a periodic job, SQL) removes it
//
// *Package session/userhook ends every session of a user who is deleted
// or deactivated, once the write commits, on every store (Redis keeps no
// foreign keys); code that resumes a session still checks that its user
// exists and is active, as package authn does.
//
// # Operations
//
//	Manager method   Store calls                     answers
//	Start            Create                          new ID + anonymous session
//	Resume           Get; Update (LastSeenAt = now)  session; ErrNotFound
//	                 once per TouchInterval
//	Login            Get(current), Create, Delete    new ID + session; ErrNoUser
//	Logout           Delete                          nil even if already gone
//	List             ListByUser                      newest LastSeenAt first
//	Revoke           ListByUser, DeleteByKey         ErrNotFound unless the user's
//	RevokeOthers     ListByUser, DeleteByKey…        how many ended
//	CountActive      Store.CountActive               signed-in sessions live now
//	DeleteExpired    DeleteExpired(now)              how many removed (0 on Redis)
//
// Resume writes LastSeenAt only when it is older than
// TouchInterval (a minute, or a tenth of the idle timeout when that is
// shorter), so a busy client costs one read per request, not a write. The
// idle timeout is therefore honoured to within TouchInterval. Within one
// request (WithRequestCache) a resumed session is remembered, and Login,
// Logout and Revoke forget it; WithoutRequestCache opts a long-lived
// context (a subscription) out.
//
// # Stores
//
// The Store interface fixes the contract; session/sessiontest checks it on
// every backend (Run, RunConcurrency). Production keeps sessions in Redis
// (session/redisstore: one JSON value per session expiring natively at its
// deadline, a per-user index set, optimistic WATCH/MULTI transactions); the
// embedded mode keeps them in the SQL database (session/sqlstore: the ent
// Session table, row-locking transactions). Stores compare sessions with an
// injected clock (NowFunc), so tests use a fake one.
//
// # Failures
//
// Errors are ErrNotFound (no session, or expired: the client must start
// over), ErrAlreadyExists (Create of a taken ID: a bug, never a collision in
// practice), ErrImmutable (an Update that changed Scope or CreatedAt: a
// bug), ErrNoUser (Login of user 0), or a wrapped backend error: the
// backend is unreachable, and the caller should answer 503 rather than
// treat the client as logged out. Update retries optimistic conflicts
// itself and fails only after redisstore.MaxAttempts of them. A Login that
// cannot delete the previous session deletes the new one and fails, so a
// failed login never leaves two live IDs.
package session
