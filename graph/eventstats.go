package graph

import (
	"strings"

	"github.com/gatehouse-id/gatehouse/audit"
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
