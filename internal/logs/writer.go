package logs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gureum-dev/gureum/internal/store"
)

// WriterOptions tune a Writer. The zero value is the recommended
// configuration.
type WriterOptions struct {
	// Interval is how long events wait before they are written (default
	// 100 ms): one store transaction per interval whatever the rate of
	// invocations.
	Interval time.Duration
	// FlushAt starts a write early once this many events wait (default
	// 2,000).
	FlushAt int
	// MaxPending caps the events held in memory (default 200,000) when the
	// store falls behind; past it new events are dropped and counted.
	MaxPending int
	// MaxGroupEvents is passed to the store (0: its default).
	MaxGroupEvents int
	Logger         *slog.Logger
}

// Writer collects events in memory and writes them to the store in batches
// from its own goroutine, so that the callers (every invocation) never wait
// for the database. Missing log groups and streams are created on write, as
// Lambda creates /aws/lambda/NAME on a function's first invocation. Close
// writes what is still pending.
type Writer struct {
	store store.Store
	opts  WriterOptions
	log   *slog.Logger

	mu      sync.Mutex
	pending []store.LogEventBatch
	index   map[batchKey]int // position in pending
	n       int              // events pending
	dropped int
	closed  bool

	flushMu sync.Mutex // one write at a time
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

type batchKey struct{ account, region, group, stream string }

// NewWriter starts a writer over st.
func NewWriter(st store.Store, opts WriterOptions) *Writer {
	if opts.Interval <= 0 {
		opts.Interval = 100 * time.Millisecond
	}
	if opts.FlushAt <= 0 {
		opts.FlushAt = 2000
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 200_000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Writer{store: st, opts: opts, log: opts.Logger, index: map[batchKey]int{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Append queues events for a log stream. It never blocks on the store.
func (w *Writer) Append(b store.LogEventBatch) {
	if len(b.Events) == 0 {
		return
	}
	w.mu.Lock()
	if w.closed {
		w.dropped += len(b.Events)
		w.mu.Unlock()
		return
	}
	if room := w.opts.MaxPending - w.n; len(b.Events) > room {
		w.dropped += len(b.Events) - max(room, 0)
		b.Events = b.Events[:max(room, 0)]
	}
	k := batchKey{b.Account, b.Region, b.Group, b.Stream}
	if i, ok := w.index[k]; ok {
		w.pending[i].Events = append(w.pending[i].Events, b.Events...)
	} else {
		w.index[k] = len(w.pending)
		b.Events = append([]store.InputLogEvent(nil), b.Events...)
		w.pending = append(w.pending, b)
	}
	w.n += len(b.Events)
	full := w.n >= w.opts.FlushAt
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

func (w *Writer) run() {
	defer close(w.done)
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		case <-w.kick:
		}
		if err := w.Flush(context.Background()); err != nil {
			w.log.Warn("writing function logs failed; events dropped", "err", err)
		}
	}
}

// Flush writes every pending event now.
func (w *Writer) Flush(ctx context.Context) error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	batches, dropped := w.pending, w.dropped
	w.pending, w.index, w.n, w.dropped = nil, map[batchKey]int{}, 0, 0
	w.mu.Unlock()
	if dropped > 0 {
		w.log.Warn("function log events dropped: the store fell behind", "events", dropped)
	}
	if len(batches) == 0 {
		return nil
	}
	return w.store.LogEventsPut(ctx, &store.LogEventsPutParams{Batches: batches, Create: true, MaxGroupEvents: w.opts.MaxGroupEvents})
}

// Close stops the writer and writes what is pending (until ctx ends).
// Events appended afterwards are dropped.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	select {
	case <-w.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return w.Flush(ctx)
}
