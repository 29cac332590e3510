package lambda

import (
	"context"
	"sync"

	"github.com/gureum-dev/gureum/internal/store"
)

// docCache keeps the parsed documents of functions for Invoke, whose warm
// path otherwise spends as much time reading and decoding the function's
// row as running it. It is exact, not a TTL: every write of a function row
// by this service forgets the entry (forget), and a document read before a
// write is never stored after it (the epoch). That needs the service to be
// the only writer of its functions, so the cache is on only for SQLite,
// which one gureum process owns; with PostgreSQL other nodes write too and
// Invoke reads the row every time.
//
// Documents in the cache are shared: readers must not modify them.
type docCache struct {
	enabled bool

	mu    sync.RWMutex
	epoch uint64 // bumped by every forget
	docs  map[docKey]*functionDoc
}

type docKey struct{ account, region, name string }

func newDocCache(driver string) *docCache {
	return &docCache{enabled: driver == store.DriverSQLite, docs: map[docKey]*functionDoc{}}
}

// forget drops a function's entry; call it after every write of its row.
func (c *docCache) forget(sc Scope, name string) {
	if !c.enabled {
		return
	}
	c.mu.Lock()
	c.epoch++
	delete(c.docs, docKey{sc.Account, sc.Region, name})
	c.mu.Unlock()
}

// loadShared is load for readers that do not modify the document: it may
// come from the cache.
func (s *Service) loadShared(ctx context.Context, sc Scope, name string) (*functionDoc, error) {
	c := s.docs
	if !c.enabled {
		_, doc, err := s.load(ctx, sc, name)
		return doc, err
	}
	k := docKey{sc.Account, sc.Region, name}
	c.mu.RLock()
	doc, epoch := c.docs[k], c.epoch
	c.mu.RUnlock()
	if doc != nil {
		return doc, nil
	}
	_, doc, err := s.load(ctx, sc, name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.epoch == epoch { // no write since the read began
		c.docs[k] = doc
	}
	c.mu.Unlock()
	return doc, nil
}
