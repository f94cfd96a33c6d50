// Package session defines Gatehouse's user sessions: what a browser's
// session cookie (or a cookieless client's session token header) stands for.
//
// A session is addressed by a 256-bit random ID that only the client holds;
// stores keep it under a hash of the ID, so a leaked store does not leak
// usable IDs. A session has an idle timeout (pushed forward on use) and an
// absolute expiry (never moved), and belongs to one user, so that a user's
// sessions can be listed and revoked.
//
//	          Create (login; a new ID every login)
//	(none) ──────────────────────────────────────▶ active
//	                                               │  ▲
//	                        Update (each use:      │  │
//	                        last_seen, idle expiry)└──┘
//	                                               │
//	     Delete (logout, revoke, user deleted) ────┼──────────▶ (gone)
//	                                               │
//	     idle timeout or absolute expiry passes ───┴──▶ expired: Get answers
//	                                                    ErrNotFound; DeleteExpired
//	                                                    (a periodic job) removes it
//
// Production stores keep sessions in Redis (TTL = idle timeout, a per-user
// index set); the embedded mode keeps them in the SQLite file. Both pass the
// conformance suite in session/sessiontest. The stores arrive with the flow
// engine; this package fixes the contract the rest of Gatehouse codes to.
package session
