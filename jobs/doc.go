// Package jobs runs Gatehouse's background jobs on River
// (github.com/riverqueue/river), queued in the main database: PostgreSQL
// through riverpgxv5, or, in embedded mode, the SQLite file through
// riversqlite (on its own single connection, as that driver requires).
// database.DB.Migrate creates River's tables alongside Gatehouse's.
//
// Start runs the workers inside `gatehouse serve` by default; `gatehouse
// worker` runs them alone, so that they can be scaled apart from the API.
// Any number of processes may run workers on one PostgreSQL database: River
// locks each job for one worker, and elects one leader to enqueue the
// periodic jobs.
//
// Jobs are declared in package jobargs (a leaf, so that domain packages can
// enqueue without importing this one) and worked here, one Args and Worker
// pair per file, all listed by Register:
//
//	kind                   schedule                               does
//	delete_expired_tokens  every CleanupInterval (10 min), and    deletes expired Tokens
//	                       once when a leader is elected          and FlowTokens
//	delete_expired_events  every CleanupInterval (10 min), and    deletes audit Events past
//	                       once when a leader is elected          their retention date, and
//	                                                              stored Notifications past
//	                                                              theirs (their event's)
//
// Failure: a job that returns an error (or panics, or overruns its timeout)
// is retried by River with exponential backoff; the periodic cleanup jobs
// allow five attempts, then are discarded, since the next periodic run
// starts over. They are idempotent: each deletes what has expired by its
// clock and nothing else, so a retry, an overlap with another run, or a
// crash half-way leaves nothing wrong behind. Expiry is also enforced where
// tokens and events are read; the jobs only reclaim space.
package jobs
