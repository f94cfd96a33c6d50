package graph

import (
	"context"
	"strings"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/graph/model"
)

// bucketSize decodes eventStats' bucket argument; an explicit null is its
// default, HOUR.
func bucketSize(b *model.EventBucketSize) audit.BucketSize {
	if b == nil {
		return audit.Hour
	}
	return audit.BucketSize(strings.ToLower(string(*b)))
}

// topApplicationsFirst decodes topApplications' first argument; an
// explicit null is its default, 5.
func topApplicationsFirst(first *int) int {
	if first == nil {
		return 5
	}
	return *first
}

// applicationBySlug is the application with slug, or nil if there is none
// (or the caller may not see it).
func applicationBySlug(ctx context.Context, client *ent.Client, slug string) (*ent.Application, error) {
	app, err := client.Application.Query().Where(application.Slug(slug)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil //nolint:nilnil // no application has the slug now: null
	}
	return app, err
}
