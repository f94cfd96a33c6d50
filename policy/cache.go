package policy

import (
	"bytes"
	"container/list"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
)

// evaluatorCache keeps the evaluators of recently used policies, least
// recently used evicted first. An entry is valid only for the exact
// updated_at, kind and config it was built from, so an edited policy is
// rebuilt on its next use (comparing the config too guards against writes
// that bypass ent and leave updated_at alone). Safe for concurrent use.
type evaluatorCache struct {
	mu      sync.Mutex
	size    int
	entries map[int]*list.Element // policy ID → element holding *cacheEntry
	lru     list.List             // front is most recently used
}

type cacheEntry struct {
	id        int
	updatedAt time.Time
	kind      string
	config    []byte
	evaluator Evaluator
}

func newEvaluatorCache(size int) *evaluatorCache {
	return &evaluatorCache{size: size, entries: make(map[int]*list.Element)}
}

// get returns p's evaluator if one was built from p's current state.
func (c *evaluatorCache) get(p *ent.PolicyDefinition) (Evaluator, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[p.ID]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry) //nolint:forcetypeassert // the list holds only *cacheEntry
	if !e.updatedAt.Equal(p.UpdatedAt) || e.kind != p.Kind || !bytes.Equal(e.config, p.Config) {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.evaluator, true
}

// put stores ev as p's evaluator, replacing an older one and evicting the
// least recently used entry when full.
func (c *evaluatorCache) put(p *ent.PolicyDefinition, ev Evaluator) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &cacheEntry{
		id:        p.ID,
		updatedAt: p.UpdatedAt,
		kind:      p.Kind,
		config:    bytes.Clone(p.Config),
		evaluator: ev,
	}
	if el, ok := c.entries[p.ID]; ok {
		el.Value = e
		c.lru.MoveToFront(el)
		return
	}
	c.entries[p.ID] = c.lru.PushFront(e)
	for c.lru.Len() > c.size {
		oldest := c.lru.Back()
		c.lru.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).id) //nolint:forcetypeassert // as above
	}
}
