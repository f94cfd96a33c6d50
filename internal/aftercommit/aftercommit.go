// Package aftercommit runs side effects of a database write — a pub/sub
// announcement, a cache invalidation, ending sessions — only once the
// write is durable: when its transaction commits, or at once when it ran
// outside one. A rolled-back write has no side effects.
package aftercommit

import (
	"context"

	"github.com/gatehouse-id/gatehouse/ent"
)

// Run calls fn after tx commits successfully; with a nil tx, now.
func Run(tx *ent.Tx, fn func()) {
	if tx == nil {
		fn()
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			fn()
			return nil
		})
	})
}
