package store

import (
	"fmt"
	"time"
)

// CloudWatch Logs: log groups hold log streams, log streams hold events.
// Names are unique per account and region (groups) and per group (streams).
// Events are ordered by their timestamp, then by ingestion order (Seq): the
// order FilterLogEvents and GetLogEvents return them in.

// Log errors. Both wrap ErrNotFound, so errors.Is(err, ErrNotFound) holds for
// either; test for these to tell which resource was missing.
var (
	ErrLogGroupNotFound  = fmt.Errorf("%w: log group", ErrNotFound)
	ErrLogStreamNotFound = fmt.Errorf("%w: log stream", ErrNotFound)
)

// Log event limits.
const (
	// MaxLogEventLimit caps LogEventListParams.Limit (CloudWatch Logs'
	// 10,000 events per page).
	MaxLogEventLimit = 10000

	// DefaultLogGroupMaxEvents is how many events a log group keeps when
	// LogEventsPutParams.MaxGroupEvents is zero. CloudWatch Logs keeps
	// everything until a retention policy says otherwise; gureum keeps the
	// newest events of each group instead, so that a chatty function cannot
	// fill the disk.
	DefaultLogGroupMaxEvents = 100_000
)

// LogGroupRow is a log group as stored.
type LogGroupRow struct {
	Account   string
	Region    string
	Name      string
	CreatedAt time.Time
	// StoredBytes is the size of the group's events' messages.
	StoredBytes int64
}

// LogStreamRow is a log stream as stored. The event times are unix
// milliseconds, 0 while the stream has no events.
type LogStreamRow struct {
	Group           string
	Name            string
	CreatedAt       time.Time
	FirstEventTime  int64
	LastEventTime   int64
	LastIngestionAt int64
}

// LogEventRow is a stored log event.
type LogEventRow struct {
	Stream        string
	Timestamp     int64 // unix milliseconds, as the writer gave it
	IngestionTime int64 // unix milliseconds, when the store took it
	Seq           int64 // ingestion order, unique in the store
	Message       string
}

// LogEventCursor is a position between events in (Timestamp, Seq) order.
type LogEventCursor struct {
	Timestamp int64
	Seq       int64
}

// LogGroupCreateParams are the parameters of Store.LogGroupCreate.
type LogGroupCreateParams struct {
	Account string
	Region  string
	Name    string
}

// LogGroupGetParams address one log group.
type LogGroupGetParams struct {
	Account string
	Region  string
	Name    string
}

// LogGroupDeleteParams address the log group to delete.
type LogGroupDeleteParams struct {
	Account string
	Region  string
	Name    string
}

// LogGroupListParams select one page of log groups.
type LogGroupListParams struct {
	Account string
	Region  string
	Prefix  string // only names starting with Prefix
	After   string // cursor: only names byte-greater than After
	Limit   int    // see ListLimit
}

// LogGroupListResult is one page of log groups.
type LogGroupListResult struct {
	Groups []*LogGroupRow
	Next   string // cursor of the next page; empty on the last one
}

// LogStreamCreateParams are the parameters of Store.LogStreamCreate.
type LogStreamCreateParams struct {
	Account string
	Region  string
	Group   string
	Name    string
}

// LogStreamDeleteParams address the log stream to delete.
type LogStreamDeleteParams struct {
	Account string
	Region  string
	Group   string
	Name    string
}

// LogStreamListParams select one page of a group's log streams.
type LogStreamListParams struct {
	Account string
	Region  string
	Group   string
	Prefix  string // only names starting with Prefix
	// ByLastEvent orders by LastEventTime (then name) instead of by name.
	ByLastEvent bool
	Descending  bool
	After       string // cursor from a previous result's Next
	Limit       int    // see ListLimit
}

// LogStreamListResult is one page of log streams.
type LogStreamListResult struct {
	Streams []*LogStreamRow
	Next    string // cursor of the next page; empty on the last one
}

// InputLogEvent is one event to store.
type InputLogEvent struct {
	Timestamp int64 // unix milliseconds
	Message   string
}

// LogEventBatch is events for one log stream.
type LogEventBatch struct {
	Account string
	Region  string
	Group   string
	Stream  string
	Events  []InputLogEvent
}

// LogEventsPutParams are the parameters of Store.LogEventsPut.
type LogEventsPutParams struct {
	Batches []LogEventBatch
	// Create makes missing groups and streams (as Lambda's writes do);
	// without it a missing group or stream fails the call with
	// ErrLogGroupNotFound or ErrLogStreamNotFound.
	Create bool
	// MaxGroupEvents caps each written group's events: past it the oldest
	// are deleted. Zero means DefaultLogGroupMaxEvents.
	MaxGroupEvents int
}

// LogEventListParams select events of one log group.
type LogEventListParams struct {
	Account string
	Region  string
	Group   string
	// Streams restricts the events to these streams (nil: every stream).
	// Names of streams that do not exist are ignored unless RequireStreams.
	Streams        []string
	RequireStreams bool
	// StreamPrefix restricts the events to streams whose names start with it.
	StreamPrefix string
	// StartTime (inclusive) and EndTime (exclusive) bound the timestamps;
	// EndTime 0 means no upper bound.
	StartTime int64
	EndTime   int64
	// After and Before bound the position (exclusive).
	After  *LogEventCursor
	Before *LogEventCursor
	// Descending selects the last Limit events instead of the first; the
	// page is returned in descending order too.
	Descending bool
	Limit      int // 1..MaxLogEventLimit; <= 0 means MaxLogEventLimit
}

// LogEventListResult is one page of events.
type LogEventListResult struct {
	Events []*LogEventRow
	// More reports that more events match beyond this page, in the
	// direction of the scan.
	More bool
}

// LogEventLimit returns the page size LogEventList uses for limit.
func LogEventLimit(limit int) int {
	if limit <= 0 || limit > MaxLogEventLimit {
		return MaxLogEventLimit
	}
	return limit
}
