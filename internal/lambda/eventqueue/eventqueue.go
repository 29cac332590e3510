// Package eventqueue is the durable queue of Lambda's asynchronous
// invocations: River (github.com/riverqueue/river) jobs in the store's own
// database, worked by a pool that hands each event to the Lambda service
// (lambda.Service.ProcessEvent) and carries out what it decides.
//
// # One database
//
// On SQLite River uses the store's writer pool (sqlitestore.Store.DB): one
// connection, so River's statements and the store's writes are serialized in
// the process and never meet SQLITE_BUSY from each other, every transaction
// begins IMMEDIATE, and an event is durable once Enqueue returns. A separate
// *sql.DB on the same file would be a second writer: River's autocommit
// updates would then race the store's transactions for the write lock and
// lean on busy_timeout (or fail with SQLITE_BUSY_SNAPSHOT). River's SQLite
// listener would poll its notification table every 50 ms on that one
// connection, so the driver is told it has no listener: River then runs in
// poll-only mode and wakes its producer itself when this process inserts a
// job (SQLite has one gureum process per data directory).
//
// On PostgreSQL River shares the store's pgx pool and its schema
// (search_path), with LISTEN/NOTIFY; any number of nodes work the queue.
//
// River's own schema is migrated by rivermigrate at start, under a lock so
// that nodes starting together migrate once: on SQLite in one BEGIN
// IMMEDIATE transaction, on PostgreSQL while holding a session advisory lock
// (River's PostgreSQL migrations add enum values, which cannot be used in the
// transaction that adds them, so each runs in its own).
//
// # Delivery
//
// A worker takes an event, calls ProcessEvent and then, in one transaction,
// inserts the destination invocations ProcessEvent returned and marks the job
// completed. A function error is returned to River as the job's error (kept
// in the job's errors, retried after the delay Lambda's rules give); a
// throttle snoozes the job, which counts no attempt.
//
// An event whose run was interrupted by a crash is run again: on SQLite at
// the next start (Options.TakeOver: every job still marked running belongs
// to the dead process), on PostgreSQL by River's rescuer once the job has
// been running longer than any invocation can (RescueAfter). Delivery is
// therefore at least once, and a duplicate happens only for an invocation
// that was running (or finishing) when its node died.
package eventqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/gureum-dev/gureum/internal/lambda"
)

// Names in River's tables.
const (
	Kind      = "lambda_event" // job kind
	QueueName = "lambda_async" // River queue
)

// Defaults for Options' zero values.
const (
	DefaultWorkers = 32
	// DefaultRescueAfter exceeds the longest invocation (a 900 s timeout plus
	// the 10 s init phase): a job running longer has lost its node.
	DefaultRescueAfter = 20 * time.Minute
	jobTimeout         = 16 * time.Minute
	maxAttempts        = 25 // River's ceiling; Lambda's rules stop far earlier
)

// Processor runs one turn of an event: lambda.Service.
type Processor interface {
	ProcessEvent(ctx context.Context, ev *lambda.AsyncEvent, at lambda.EventAttempt) *lambda.EventResult
}

// Options tune a Queue.
type Options struct {
	// Workers is how many events run at once on this node. Default
	// DefaultWorkers.
	Workers int
	// TakeOver makes Start requeue every job still marked running: right
	// when this process is the only one using the database (SQLite).
	TakeOver bool
	// RescueAfter is how long a job may run before another node takes it
	// over (PostgreSQL). Default DefaultRescueAfter.
	RescueAfter time.Duration
	// Registerer receives the queue's metrics; nil registers none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// args is an event as a River job.
type args struct {
	lambda.AsyncEvent
}

func (args) Kind() string { return Kind }

// client is what Queue uses of a *river.Client[TTx], whatever TTx.
type client interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobDeleteMany(ctx context.Context, params *river.JobDeleteManyParams) (*river.JobDeleteManyResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// Queue is a lambda.EventQueue on River. Create it with NewSQLite or
// NewPostgres, then Start it.
type Queue struct {
	client  client
	opts    Options
	log     *slog.Logger
	metrics *metrics
	// byFunction is the SQL predicate selecting a function's jobs (named
	// argument @fn); the JSON operators differ between the databases.
	byFunction string
	takeOver   func(ctx context.Context) (int, error)

	mu       sync.Mutex
	starting chan struct{} // closed when Start has returned; nil before Start
	started  bool          // Start succeeded
	stopOnce sync.Once
}

var _ lambda.EventQueue = (*Queue)(nil)

// backend is what differs between the databases.
type backend[TTx any] struct {
	driver riverdriver.Driver[TTx]
	// migrate runs the migrator while holding the database's migration
	// lock, so that nodes starting together migrate once.
	migrate    func(ctx context.Context, m *rivermigrate.Migrator[TTx]) error
	begin      func(ctx context.Context) (TTx, error)
	commit     func(ctx context.Context, tx TTx) error
	rollback   func(ctx context.Context, tx TTx) error
	byFunction string
	count      func(ctx context.Context) (int64, error)
}

// newQueue migrates River's schema and builds the client.
func newQueue[TDriver riverdriver.Driver[TTx], TTx any](ctx context.Context, b *backend[TTx], p Processor, opts Options) (*Queue, error) {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.RescueAfter <= 0 {
		opts.RescueAfter = DefaultRescueAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := migrate(ctx, b, opts.Logger); err != nil {
		return nil, fmt.Errorf("eventqueue: migrate River schema: %w", err)
	}
	q := &Queue{opts: opts, log: opts.Logger, byFunction: b.byFunction, metrics: newMetrics(opts.Registerer, b.count)}
	w := &worker[TDriver, TTx]{b: b, p: p, q: q}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, fmt.Errorf("eventqueue: %w", err)
	}
	c, err := river.NewClient(b.driver, &river.Config{
		Logger:               slog.New(warnings{opts.Logger.Handler()}),
		Queues:               map[string]river.QueueConfig{QueueName: {MaxWorkers: opts.Workers}},
		Workers:              workers,
		MaxAttempts:          maxAttempts,
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: max(opts.RescueAfter, jobTimeout),
	})
	if err != nil {
		return nil, fmt.Errorf("eventqueue: %w", err)
	}
	q.client = c
	q.takeOver = func(ctx context.Context) (int, error) { return rescueAll(ctx, b.driver.GetExecutor()) }
	return q, nil
}

// migrate brings River's tables up to date.
func migrate[TTx any](ctx context.Context, b *backend[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(b.driver, &rivermigrate.Config{Logger: slog.New(warnings{log.Handler()})})
	if err != nil {
		return err
	}
	return b.migrate(ctx, m)
}

// rescueAll makes every running job available again (SQLite at start: they
// were running in a process that is gone).
func rescueAll(ctx context.Context, exec riverdriver.Executor) (int, error) {
	now := time.Now().UTC()
	total := 0
	var after int64
	for {
		stuck, err := exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: after, Max: 1000, StuckHorizon: now.Add(time.Second)})
		if err != nil {
			return total, err
		}
		if len(stuck) == 0 {
			return total, nil
		}
		p := &riverdriver.JobRescueManyParams{StuckHorizon: now.Add(time.Second)}
		for _, j := range stuck {
			e, err := json.Marshal(rivertype.AttemptError{At: now, Attempt: max(j.Attempt, 0), Error: rescuedError})
			if err != nil {
				return total, err
			}
			p.ID = append(p.ID, j.ID)
			p.Error = append(p.Error, e)
			p.FinalizedAt = append(p.FinalizedAt, nil)
			p.ScheduledAt = append(p.ScheduledAt, now)
			p.State = append(p.State, string(rivertype.JobStateAvailable))
			after = j.ID
		}
		if _, err := exec.JobRescueMany(ctx, p); err != nil {
			return total, err
		}
		total += len(stuck)
	}
}

// rescuedError is the error recorded on a job taken over at start.
const rescuedError = "gureum restarted while the invocation ran"

// Start requeues the jobs a dead process left running (with TakeOver) and
// starts working the queue. Enqueue works before Start (the events wait).
func (q *Queue) Start(ctx context.Context) error {
	done, err := q.begin()
	if err != nil {
		return err
	}
	return q.run(ctx, done)
}

// StartBackground is Start in its own goroutine, off the caller's path
// (the server's start-up); report receives its error. Enqueue calls made
// while it runs wait for it (River's client must not insert while it
// starts), and so does Stop.
func (q *Queue) StartBackground(report func(error)) {
	done, err := q.begin()
	if err != nil {
		report(err)
		return
	}
	go func() {
		if err := q.run(context.Background(), done); err != nil {
			report(err)
		}
	}()
}

func (q *Queue) begin() (chan struct{}, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.starting != nil {
		return nil, errors.New("eventqueue: already started")
	}
	q.starting = make(chan struct{})
	return q.starting, nil
}

func (q *Queue) run(ctx context.Context, done chan struct{}) error {
	defer close(done)
	if q.opts.TakeOver {
		n, err := q.takeOver(ctx)
		if err != nil {
			return fmt.Errorf("eventqueue: requeue interrupted events: %w", err)
		}
		if n > 0 {
			q.log.Info("requeued asynchronous invocations interrupted by the last shutdown", "events", n)
		}
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("eventqueue: start: %w", err)
	}
	q.mu.Lock()
	q.started = true
	q.mu.Unlock()
	return nil
}

// waitStart waits for a Start in progress.
func (q *Queue) waitStart(ctx context.Context) error {
	q.mu.Lock()
	starting := q.starting
	q.mu.Unlock()
	if starting == nil {
		return nil
	}
	select {
	case <-starting:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop stops taking events and waits for the running ones until ctx ends;
// then it cancels them (they run again at the next start).
func (q *Queue) Stop(ctx context.Context) error {
	if err := q.waitStart(ctx); err != nil {
		return err
	}
	q.mu.Lock()
	started := q.started
	q.mu.Unlock()
	if !started {
		return nil
	}
	var err error
	q.stopOnce.Do(func() {
		err = q.client.Stop(ctx)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err = q.client.StopAndCancel(cctx)
		}
	})
	return err
}

// Enqueue stores an event; River's insert commits before it returns.
func (q *Queue) Enqueue(ctx context.Context, ev *lambda.AsyncEvent) error {
	if err := q.waitStart(ctx); err != nil {
		return err
	}
	if _, err := q.client.Insert(ctx, args{*ev}, &river.InsertOpts{Queue: QueueName, MaxAttempts: maxAttempts}); err != nil {
		return err
	}
	q.metrics.enqueued.Inc()
	return nil
}

// pendingStates are the states of events not yet finished (running ones
// excepted: River never deletes those).
var pendingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateScheduled,
	rivertype.JobStateRetryable, rivertype.JobStatePending}

// DropFunction deletes a function's pending events. An event already running
// finishes; its next turn finds the function gone and drops it.
func (q *Queue) DropFunction(ctx context.Context, functionARN string) error {
	params := river.NewJobDeleteManyParams().First(1000).Kinds(Kind).States(pendingStates...).
		Where(q.byFunction, river.NamedArgs{"fn": functionARN})
	for {
		res, err := q.client.JobDeleteMany(ctx, params)
		if err != nil {
			return err
		}
		q.metrics.done.WithLabelValues(lambda.OutcomeFunctionDeleted).Add(float64(len(res.Jobs)))
		if len(res.Jobs) < 1000 {
			return nil
		}
	}
}

// functionErrorPrefix starts the job errors that count as failed attempts.
const functionErrorPrefix = "function error: "

// attempt tells the Lambda service what the queue knows of a job.
func attempt(job *rivertype.JobRow) lambda.EventAttempt {
	at := lambda.EventAttempt{Attempt: job.Attempt}
	for _, e := range job.Errors {
		if strings.HasPrefix(e.Error, functionErrorPrefix) {
			at.Failures++
		}
	}
	var md struct {
		Snoozes int `json:"snoozes"`
	}
	if json.Unmarshal(job.Metadata, &md) == nil {
		at.Throttles = md.Snoozes
	}
	return at
}

// warnings passes on River's warnings and errors only: its informational
// lines (every migration applied, job counts every five seconds, each
// function error retried) are noise in gureum's log, and the queue's
// metrics count what matters.
type warnings struct{ slog.Handler }

func (w warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnings) WithAttrs(as []slog.Attr) slog.Handler { return warnings{w.Handler.WithAttrs(as)} }

func (w warnings) WithGroup(name string) slog.Handler { return warnings{w.Handler.WithGroup(name)} }
