// Package histchunk packs the history events of one step into one row: the
// events' JSON documents concatenated, and an index of (id, length) pairs to
// cut them apart again. A step's events are written together and read in
// order, so a row per step instead of a row per event saves most of the cost
// of writing history (Temporal stores history in batches per transaction for
// the same reason) without parsing the documents: the store still returns
// them byte for byte.
package histchunk

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gureum-dev/gureum/internal/store"
)

// Chunk is one row: events FirstID..LastID (ids increasing, not necessarily
// contiguous).
type Chunk struct {
	FirstID int64
	LastID  int64
	Index   []byte // per event: uvarint(id - previous id), uvarint(len(body))
	Bodies  []byte // the bodies, concatenated
}

// Encode packs events, which must have strictly increasing positive ids.
func Encode(events []store.HistoryEvent) (Chunk, error) {
	if len(events) == 0 {
		return Chunk{}, errors.New("histchunk: no events")
	}
	size := 0
	for _, ev := range events {
		size += len(ev.Body)
	}
	c := Chunk{FirstID: events[0].ID, LastID: events[len(events)-1].ID,
		Index: make([]byte, 0, 3*len(events)), Bodies: make([]byte, 0, size)}
	prev := c.FirstID - 1
	if prev < 0 {
		return Chunk{}, fmt.Errorf("histchunk: event id %d is not positive", c.FirstID)
	}
	for _, ev := range events {
		if ev.ID <= prev {
			return Chunk{}, fmt.Errorf("histchunk: event ids must increase: %d after %d", ev.ID, prev)
		}
		c.Index = binary.AppendUvarint(c.Index, uint64(ev.ID-prev))
		c.Index = binary.AppendUvarint(c.Index, uint64(len(ev.Body)))
		c.Bodies = append(c.Bodies, ev.Body...)
		prev = ev.ID
	}
	return c, nil
}

// Decode unpacks a chunk; each event's Body aliases bodies.
func Decode(firstID int64, index, bodies []byte) ([]store.HistoryEvent, error) {
	out := make([]store.HistoryEvent, 0, len(index)/3+1)
	id, off := firstID-1, 0
	for len(index) > 0 {
		delta, n := binary.Uvarint(index)
		if n <= 0 {
			return nil, errors.New("histchunk: corrupt index")
		}
		index = index[n:]
		length, n := binary.Uvarint(index)
		if n <= 0 || length > uint64(len(bodies)-off) {
			return nil, errors.New("histchunk: corrupt index")
		}
		index = index[n:]
		id += int64(delta)
		out = append(out, store.HistoryEvent{ID: id, Body: bodies[off : off+int(length) : off+int(length)]})
		off += int(length)
	}
	if off != len(bodies) {
		return nil, errors.New("histchunk: corrupt index")
	}
	return out, nil
}

// Page assembles one page of HistoryList from the chunks, fed to Add in the
// page's order (ascending first id, descending when Reverse): the events
// after the cursor After (before it when Reverse; 0 starts at the first
// event, or the last when Reverse), at most Limit of them, and the cursor of
// the next page in Next (0 when this page is the last).
type Page struct {
	After   int64
	Reverse bool
	Limit   int

	Events []store.HistoryEvent
	Next   int64
}

// Add adds a chunk's events; it reports whether more chunks are wanted.
func (p *Page) Add(firstID int64, index, bodies []byte) (bool, error) {
	events, err := Decode(firstID, index, bodies)
	if err != nil {
		return false, err
	}
	if p.Reverse {
		for i := len(events) - 1; i >= 0; i-- {
			if p.After > 0 && events[i].ID >= p.After {
				continue
			}
			if !p.take(events[i]) {
				return false, nil
			}
		}
		return true, nil
	}
	for _, ev := range events {
		if ev.ID <= p.After {
			continue
		}
		if !p.take(ev) {
			return false, nil
		}
	}
	return true, nil
}

func (p *Page) take(ev store.HistoryEvent) bool {
	if len(p.Events) == p.Limit {
		p.Next = p.Events[len(p.Events)-1].ID // there is at least one more
		return false
	}
	p.Events = append(p.Events, ev)
	return true
}
