package logs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/logs/filterpattern"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// CloudWatch Logs' limits on reads and writes.
const (
	// MaxPageBytes caps a page of events: 1 MB, counting each event's
	// message plus 26 bytes, as PutLogEvents counts a batch.
	MaxPageBytes    = 1 << 20
	eventOverhead   = 26
	maxEventAge     = 14 * 24 * time.Hour
	maxEventFuture  = 2 * time.Hour
	maxBatchSpan    = 24 * time.Hour
	filterScanChunk = 1000
	// filterScanBudget caps the events one FilterLogEvents call examines
	// when a filter pattern rejects most of them; the caller continues
	// with nextToken (AWS also returns partial or empty pages).
	filterScanBudget = 100_000
)

// Event is a stored event as the read operations return it.
type Event struct {
	Stream        string
	Timestamp     int64
	IngestionTime int64
	Message       string
	ID            string // FilterLogEvents' eventId: stable across calls
}

func eventOf(r *store.LogEventRow) Event {
	return Event{Stream: r.Stream, Timestamp: r.Timestamp, IngestionTime: r.IngestionTime, Message: r.Message,
		ID: fmt.Sprintf("%020d%036d", r.Timestamp, r.Seq)}
}

// InputEvent is an event to put.
type InputEvent struct {
	Timestamp int64
	Message   string
}

// Rejected says which events of a PutLogEvents batch were refused, as
// rejectedLogEventsInfo does: indexes before TooOldEnd are too old, from
// TooNewStart on too new. Nil pointers mean none.
type Rejected struct {
	TooOldEnd   *int
	TooNewStart *int
}

// PutEvents stores a batch in an existing stream. Events must be in
// chronological order and span at most 24 hours; events more than 14 days
// old or 2 hours in the future are rejected (and reported) while the others
// are stored.
func (s *Service) PutEvents(ctx context.Context, sc Scope, group, stream string, events []InputEvent) (*Rejected, error) {
	size := 0
	for i, ev := range events {
		size += len(ev.Message) + eventOverhead
		if i > 0 && ev.Timestamp < events[i-1].Timestamp {
			return nil, invalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > MaxPageBytes {
		return nil, invalid("Upload too large: %d bytes exceeds limit of %d", size, MaxPageBytes)
	}
	now := s.now()
	oldest, newest := now.Add(-maxEventAge).UnixMilli(), now.Add(maxEventFuture).UnixMilli()
	rej := &Rejected{}
	lo, hi := 0, len(events)
	for lo < hi && events[lo].Timestamp < oldest {
		lo++
	}
	for hi > lo && events[hi-1].Timestamp > newest {
		hi--
	}
	if lo > 0 {
		rej.TooOldEnd = &lo
	}
	if hi < len(events) {
		rej.TooNewStart = &hi
	}
	valid := events[lo:hi]
	if len(valid) > 0 && valid[len(valid)-1].Timestamp-valid[0].Timestamp > maxBatchSpan.Milliseconds() {
		return nil, invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	in := make([]store.InputLogEvent, len(valid))
	for i, ev := range valid {
		in[i] = store.InputLogEvent{Timestamp: ev.Timestamp, Message: ev.Message}
	}
	err := s.store.LogEventsPut(ctx, &store.LogEventsPutParams{Batches: []store.LogEventBatch{
		{Account: sc.Account, Region: sc.Region, Group: group, Stream: stream, Events: in}}})
	if err != nil {
		return nil, storeError(err)
	}
	if rej.TooOldEnd == nil && rej.TooNewStart == nil {
		return nil, nil
	}
	return rej, nil
}

// GetEventsInput selects a page of GetLogEvents.
type GetEventsInput struct {
	Group, Stream string
	StartTime     *int64 // inclusive
	EndTime       *int64 // exclusive
	Token         string
	Limit         int // 0: up to 10,000 events or 1 MB
	StartFromHead bool
}

// GetEventsOutput is a page of GetLogEvents.
type GetEventsOutput struct {
	Events        []Event // ascending
	ForwardToken  string
	BackwardToken string
}

// A GetLogEvents token is a position between events: "f/" + 56 digits means
// "the events after it", "b/" + 56 digits "the events before it". The digits
// are the event timestamp (20) and ingestion sequence (20) of the boundary,
// then 16 zeros.
func encodeToken(dir byte, c store.LogEventCursor) string {
	return fmt.Sprintf("%c/%020d%020d%016d", dir, max(c.Timestamp, 0), max(c.Seq, 0), 0)
}

func decodeToken(tok string) (byte, store.LogEventCursor, error) {
	if len(tok) != 58 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || strings.Trim(tok[2:], "0123456789") != "" {
		return 0, store.LogEventCursor{}, errToken
	}
	ts, err1 := strconv.ParseInt(tok[2:22], 10, 64)
	seq, err2 := strconv.ParseInt(tok[22:42], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, store.LogEventCursor{}, errToken
	}
	return tok[0], store.LogEventCursor{Timestamp: ts, Seq: seq}, nil
}

// GetEvents reads one stream as GetLogEvents does: with no token, the
// first events of the range (StartFromHead) or the last ones; with a
// forward token the events after it, with a backward token those before it.
// A direction with nothing more returns the token it was given.
func (s *Service) GetEvents(ctx context.Context, sc Scope, in *GetEventsInput) (*GetEventsOutput, error) {
	p := &store.LogEventListParams{Account: sc.Account, Region: sc.Region, Group: in.Group, Streams: []string{in.Stream},
		RequireStreams: true, Limit: store.LogEventLimit(in.Limit)}
	var start int64
	if in.StartTime != nil {
		start = *in.StartTime
		p.StartTime = start
	}
	if in.EndTime != nil {
		p.EndTime = *in.EndTime
		if p.EndTime <= 0 { // (the store reads EndTime 0 as "no bound")
			p.StartTime, p.EndTime = 1, 1 // nothing is before time 0: an empty range
		}
	}
	dir, cur := byte(0), store.LogEventCursor{}
	if in.Token != "" {
		var err error
		if dir, cur, err = decodeToken(in.Token); err != nil {
			return nil, err
		}
	}
	switch {
	case dir == 'f':
		p.After = &cur
	case dir == 'b':
		p.Before, p.Descending = &cur, true
	case !in.StartFromHead:
		p.Descending = true
	}
	res, err := s.store.LogEventList(ctx, p)
	if err != nil {
		return nil, storeError(err)
	}
	rows := fitPage(res.Events)
	if p.Descending {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	out := &GetEventsOutput{Events: make([]Event, len(rows))}
	for i, r := range rows {
		out.Events[i] = eventOf(r)
	}
	if len(rows) > 0 {
		first, last := rows[0], rows[len(rows)-1]
		out.ForwardToken = encodeToken('f', store.LogEventCursor{Timestamp: last.Timestamp, Seq: last.Seq})
		out.BackwardToken = encodeToken('b', store.LogEventCursor{Timestamp: first.Timestamp, Seq: first.Seq})
		return out, nil
	}
	switch dir {
	case 'f': // nothing after cur: the same token forward; back from just past cur
		out.ForwardToken = in.Token
		out.BackwardToken = encodeToken('b', store.LogEventCursor{Timestamp: cur.Timestamp, Seq: cur.Seq + 1})
	case 'b':
		out.BackwardToken = in.Token
		out.ForwardToken = encodeToken('f', store.LogEventCursor{Timestamp: cur.Timestamp, Seq: max(cur.Seq-1, 0)})
	default: // an empty range: both tokens at its start, so new events show up going forward
		out.ForwardToken = encodeToken('f', store.LogEventCursor{Timestamp: start})
		out.BackwardToken = encodeToken('b', store.LogEventCursor{Timestamp: start})
	}
	return out, nil
}

// fitPage cuts rows to MaxPageBytes.
func fitPage(rows []*store.LogEventRow) []*store.LogEventRow {
	size := 0
	for i, r := range rows {
		size += len(r.Message) + eventOverhead
		if size > MaxPageBytes && i > 0 {
			return rows[:i]
		}
	}
	return rows
}

// FilterEventsInput selects a page of FilterLogEvents.
type FilterEventsInput struct {
	Group        string
	Streams      []string
	StreamPrefix string
	StartTime    *int64 // inclusive
	EndTime      *int64 // inclusive
	Pattern      string
	Token        string
	Limit        int
}

// FilterEvents reads a group's events in (timestamp, ingestion) order,
// across streams, keeping those the filter pattern matches. A page may hold
// fewer than Limit events (even none) and still have a next token.
func (s *Service) FilterEvents(ctx context.Context, sc Scope, in *FilterEventsInput) ([]Event, string, error) {
	if len(in.Streams) > 0 && in.StreamPrefix != "" {
		return nil, "", invalid("Cannot specify both logStreamNames and logStreamNamePrefix.")
	}
	pat, err := filterpattern.Parse(in.Pattern)
	var ue *filterpattern.UnsupportedError
	switch {
	case errors.As(err, &ue):
		return nil, "", invalid("%s filter patterns are not supported by gureum; use text terms, \"quoted phrases\", -term and ?term.", ue.Kind)
	case err != nil:
		return nil, "", invalid("Invalid filter pattern: %v", err.(*filterpattern.SyntaxError).Reason)
	}
	p := &store.LogEventListParams{Account: sc.Account, Region: sc.Region, Group: in.Group, Streams: in.Streams, StreamPrefix: in.StreamPrefix}
	if in.StartTime != nil {
		p.StartTime = *in.StartTime
	}
	if in.EndTime != nil {
		p.EndTime = *in.EndTime + 1
	}
	if in.Token != "" {
		c, err := pagetoken.Decode(in.Token)
		ts, seq, ok := strings.Cut(c, ":")
		t, err1 := strconv.ParseInt(ts, 10, 64)
		q, err2 := strconv.ParseInt(seq, 10, 64)
		if err != nil || !ok || err1 != nil || err2 != nil {
			return nil, "", errToken
		}
		p.After = &store.LogEventCursor{Timestamp: t, Seq: q}
	}
	limit := store.LogEventLimit(in.Limit)
	var (
		out     []Event
		size    int
		scanned int
		last    store.LogEventCursor // the last event examined
	)
	if p.After != nil {
		last = *p.After
	}
	for {
		p.Limit = filterScanChunk
		if in.Pattern == "" {
			p.Limit = limit - len(out)
		}
		res, err := s.store.LogEventList(ctx, p)
		if err != nil {
			return nil, "", storeError(err)
		}
		for i, r := range res.Events {
			if pat.Match(r.Message) {
				size += len(r.Message) + eventOverhead
				if size > MaxPageBytes && len(out) > 0 {
					return out, cursorToken(last), nil // r starts the next page
				}
				out = append(out, eventOf(r))
			}
			scanned++
			last = store.LogEventCursor{Timestamp: r.Timestamp, Seq: r.Seq}
			more := i < len(res.Events)-1 || res.More
			if (len(out) == limit || scanned >= filterScanBudget) && more {
				return out, cursorToken(last), nil
			}
		}
		if !res.More {
			return out, "", nil
		}
		p.After = &store.LogEventCursor{Timestamp: last.Timestamp, Seq: last.Seq}
	}
}

func cursorToken(c store.LogEventCursor) string {
	return pagetoken.Encode(strconv.FormatInt(c.Timestamp, 10) + ":" + strconv.FormatInt(c.Seq, 10))
}
