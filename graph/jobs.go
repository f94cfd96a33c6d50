package graph

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivertype"

	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/jobs/joblist"
	"github.com/gatehouse-id/gatehouse/problem"
)

// JobQueue is the job queue as the API uses it; jobs.Queue implements it.
type JobQueue interface {
	// ListJobs returns a page of jobs, newest first.
	ListJobs(ctx context.Context, f joblist.Filter) (joblist.Page, error)
	// RetryJob runs a job again; CancelJob cancels it. An unknown ID is
	// problem.ErrNotFound.
	RetryJob(ctx context.Context, id int64) (*rivertype.JobRow, error)
	CancelJob(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// errNoJobQueue answers the jobs fields of a server built without a queue.
var errNoJobQueue = problem.Unavailable(errors.New("the job queue is not available"))

// decodeJobID reads a job's ID (River's, a positive integer).
func decodeJobID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 1 {
		return 0, problem.Invalid("id", "is not a job ID")
	}
	return n, nil
}

// jobFilter is the jobs field's arguments as a filter; the limits
// extension has set first.
func jobFilter(first *int, after *string, states []model.JobState, kinds []string) joblist.Filter {
	f := joblist.Filter{Kinds: kinds, First: DefaultLimits.DefaultPageSize}
	if first != nil {
		f.First = *first
	}
	if after != nil {
		f.After = *after
	}
	for _, s := range states {
		f.States = append(f.States, rivertype.JobState(strings.ToLower(string(s))))
	}
	return f
}

// jobConnection maps a page of jobs to the connection type.
func jobConnection(p joblist.Page) *model.JobConnection {
	c := &model.JobConnection{Edges: make([]*model.JobEdge, 0, len(p.Jobs)), PageInfo: &model.JobPageInfo{HasNextPage: p.HasNextPage}}
	for i, j := range p.Jobs {
		c.Edges = append(c.Edges, &model.JobEdge{Node: j, Cursor: p.Cursors[i]})
	}
	if p.EndCursor != "" {
		c.PageInfo.EndCursor = &p.EndCursor
	}
	return c
}
