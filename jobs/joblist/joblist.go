// Package joblist declares how the job queue is listed: the filter and the
// page, shared by package jobs (which lists River's jobs) and the API
// (which shows them). Like jobs/jobargs it is a leaf, so that the API
// never imports package jobs.
package joblist

import "github.com/riverqueue/river/rivertype"

// Filter selects jobs.
type Filter struct {
	// States and Kinds keep only jobs in one of them; empty keeps all.
	States []rivertype.JobState
	Kinds  []string
	// First is the page size (at least 1).
	First int
	// After is the EndCursor of the previous page; empty starts at the
	// newest job.
	After string
}

// Page is one page of jobs, newest first.
type Page struct {
	Jobs []*rivertype.JobRow
	// Cursors are each job's cursor: passed as After, the list continues
	// after that job.
	Cursors []string
	// EndCursor continues after the last job (empty for an empty page);
	// HasNextPage says whether more jobs follow.
	EndCursor   string
	HasNextPage bool
}
