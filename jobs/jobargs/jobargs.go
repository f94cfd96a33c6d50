// Package jobargs declares the arguments of Gatehouse's background jobs: one
// struct per job, each with the stable kind River persists in river_job.
//
// It is a leaf: it imports only the standard library. Domain packages that
// enqueue a job import this package, never package jobs, whose workers import
// those same domain packages; keeping the arguments here is what prevents the
// import cycle (River's own split between JobArgs and Worker allows it).
//
// A kind is part of the database: once a job of that kind may have been
// enqueued, never rename it.
package jobargs

// Job kinds, as persisted by River. They are snake_case and never change.
const (
	// KindDeleteExpiredTokens is the kind of DeleteExpiredTokens.
	KindDeleteExpiredTokens = "delete_expired_tokens"
	// KindDeleteExpiredEvents is the kind of DeleteExpiredEvents.
	KindDeleteExpiredEvents = "delete_expired_events"
)

// DeleteExpiredTokens deletes every expired Token (expiring and past its
// expiry) and every FlowToken past its expiry. Expired tokens are already
// refused when presented; this job only reclaims their rows. It runs
// periodically (every jobs.Config.CleanupInterval, and once when the job
// runner starts) and may also be enqueued at any time: it is idempotent.
type DeleteExpiredTokens struct{}

// Kind returns KindDeleteExpiredTokens; it implements river.JobArgs.
func (DeleteExpiredTokens) Kind() string { return KindDeleteExpiredTokens }

// DeleteExpiredEvents deletes the audit events whose retention date (Event
// expires) has passed. It runs periodically (every jobs.Config.CleanupInterval,
// and once when the job runner starts) and may also be enqueued at any time:
// it is idempotent.
type DeleteExpiredEvents struct{}

// Kind returns KindDeleteExpiredEvents; it implements river.JobArgs.
func (DeleteExpiredEvents) Kind() string { return KindDeleteExpiredEvents }

// KindDeleteExpiredState is the kind of DeleteExpiredState.
const KindDeleteExpiredState = "delete_expired_state"

// DeleteExpiredState removes expired sessions, flow executions and counters
// from the stores that keep them in the database (the embedded mode; Redis
// expires them by itself). Expired rows are already ignored; this job only
// reclaims them. It runs periodically and is idempotent.
type DeleteExpiredState struct{}

// Kind returns KindDeleteExpiredState; it implements river.JobArgs.
func (DeleteExpiredState) Kind() string { return KindDeleteExpiredState }

// KindRotateSigningKeys is the kind of RotateSigningKeys.
const KindRotateSigningKeys = "rotate_signing_keys"

// RotateSigningKeys replaces the OpenID Connect provider's signing keys
// that are due (package oidc/keys) and deletes retired keys whose tokens
// have all expired. It runs hourly and is idempotent.
type RotateSigningKeys struct{}

// Kind returns KindRotateSigningKeys; it implements river.JobArgs.
func (RotateSigningKeys) Kind() string { return KindRotateSigningKeys }
