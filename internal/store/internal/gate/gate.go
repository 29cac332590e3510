// Package gate lets a store's Close wait for the operations in flight and
// turn away the ones that start afterwards.
package gate

import (
	"sync"

	"github.com/gureum-dev/gureum/internal/store"
)

// Gate counts operations in flight. The zero Gate is open.
//
// An operation calls Enter before touching the database and Exit when done;
// it must not Enter again while inside (a pending Close would deadlock it).
type Gate struct {
	mu     sync.RWMutex
	closed bool
}

// Enter admits an operation, or returns store.ErrClosed once Close has begun.
func (g *Gate) Enter() error {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return store.ErrClosed
	}
	return nil
}

// Exit ends an operation admitted by Enter.
func (g *Gate) Exit() { g.mu.RUnlock() }

// Close waits until every admitted operation has exited and shuts the gate.
// It reports whether this call shut it (false if it already was).
func (g *Gate) Close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}
