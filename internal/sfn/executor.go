package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/store"
)

// The executor advances executions. Each live execution is a run: one
// goroutine that owns the execution's *asl.Execution and serializes
// everything that happens to it (task results, timers, StopExecution) through
// a mailbox. A Standard execution's run commits each step through the
// committers (commit.go) before it acts on the step (invoking tasks, arming
// timers); an Express execution's run commits nothing.
//
// Lock order: executor.mu, then run.mu. Neither is held while calling the
// store or the interpreter.
type executor struct {
	s      *Service
	owner  string
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	runs    map[string]*run // durable runs by execution ARN
	orphans map[string]bool // executions leased to us that no run holds
	closed  bool

	commits  chan *commitReq
	runWG    sync.WaitGroup // runs (durable and express)
	loopWG   sync.WaitGroup // poller, renewer
	commitWG sync.WaitGroup // committers

	closeOnce sync.Once
	closeErr  error

	onEnd func(executionArn string) // benchmarks: a durable execution's end was committed
}

func newExecutor(s *Service) *executor {
	ctx, cancel := context.WithCancel(context.Background())
	return &executor{
		s: s, owner: s.opts.Owner, ctx: ctx, cancel: cancel,
		runs: map[string]*run{}, orphans: map[string]bool{},
		commits: make(chan *commitReq, 2*s.opts.BatchMax),
	}
}

func (e *executor) start() {
	for range e.s.opts.Committers {
		e.commitWG.Add(1)
		go e.committer()
	}
	e.loopWG.Add(2)
	go e.poller()
	go e.renewer()
}

func (e *executor) close(ctx context.Context) error {
	e.closeOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		e.cancel()
		e.loopWG.Wait()
		done := make(chan struct{})
		go func() { e.runWG.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			e.closeErr = fmt.Errorf("stop executions: %w", ctx.Err())
			return // committers keep serving the runs still finishing
		}
		close(e.commits)
		e.commitWG.Wait()
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := e.s.store.ExecutionLeaseRelease(rctx, &store.ExecutionLeaseReleaseParams{Owner: e.owner}); err != nil {
			e.closeErr = fmt.Errorf("release leases: %w", err)
		}
	})
	return e.closeErr
}

// poller claims due executions: released timers whose time has come and
// executions whose owner's lease expired.
func (e *executor) poller() {
	defer e.loopWG.Done()
	if e.s.opts.TakeOver {
		if _, err := e.s.store.ExecutionLeaseRelease(e.ctx, &store.ExecutionLeaseReleaseParams{}); err != nil && e.ctx.Err() == nil {
			e.s.log.Error("take over executions", "err", err)
		}
	}
	t := time.NewTicker(e.s.opts.PollInterval)
	defer t.Stop()
	for {
		e.claim()
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (e *executor) claim() {
	for e.ctx.Err() == nil {
		e.mu.Lock()
		room := e.s.opts.MaxRuns - len(e.runs)
		e.mu.Unlock()
		if room <= 0 {
			return
		}
		limit := min(room, 256)
		now := e.s.now()
		rows, err := e.s.store.ExecutionClaimDue(e.ctx, &store.ExecutionClaimDueParams{
			Owner: e.owner, LeaseExpires: now.Add(e.s.opts.LeaseTTL), Now: now, Limit: limit})
		if err != nil {
			if e.ctx.Err() == nil {
				e.s.log.Error("claim due executions", "err", err)
			}
			return
		}
		for _, row := range rows {
			e.resume(row)
		}
		if len(rows) < limit {
			return
		}
	}
}

// renewer keeps this node's leases alive and hands back the leases of
// executions whose run ended without releasing them (a failed commit).
func (e *executor) renewer() {
	defer e.loopWG.Done()
	t := time.NewTicker(e.s.opts.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		if _, err := e.s.store.ExecutionLeaseRenew(e.ctx, &store.ExecutionLeaseRenewParams{
			Owner: e.owner, LeaseExpires: e.s.now().Add(e.s.opts.LeaseTTL)}); err != nil && e.ctx.Err() == nil {
			e.s.log.Error("renew execution leases", "err", err)
		}
		e.mu.Lock()
		var orphans []string
		for a := range e.orphans {
			if e.runs[a] == nil {
				orphans = append(orphans, a)
			}
		}
		e.mu.Unlock()
		for _, a := range orphans {
			_, err := e.s.store.ExecutionLeaseRelease(e.ctx, &store.ExecutionLeaseReleaseParams{Owner: e.owner, ARN: a})
			if err != nil {
				if e.ctx.Err() == nil {
					e.s.log.Error("release execution lease", "execution", a, "err", err)
				}
				continue
			}
			e.mu.Lock()
			delete(e.orphans, a)
			e.mu.Unlock()
		}
	}
}

// executionSpec is the immutable document kept in store.ExecutionRow.Spec:
// what the execution runs, fixed when it starts.
type executionSpec struct {
	Definition       string                `json:"definition"`
	RoleArn          string                `json:"roleArn"`
	StateMachineName string                `json:"stateMachineName"`
	TraceHeader      string                `json:"traceHeader,omitempty"`
	TestCase         string                `json:"testCase,omitempty"`
	Logging          *LoggingConfiguration `json:"loggingConfiguration,omitempty"`
	Tracing          *TracingConfiguration `json:"tracingConfiguration,omitempty"`
	RevisionID       string                `json:"revisionId,omitempty"`
	MachineUpdated   time.Time             `json:"stateMachineUpdateDate"`
	TokenKey         []byte                `json:"tokenKey,omitempty"` // signs task tokens (callbacks.go)
	Parent           *parentRef            `json:"parent,omitempty"`   // the task that started it (nested.go)
	VersionArn       string                `json:"stateMachineVersionArn,omitempty"`
	AliasArn         string                `json:"stateMachineAliasArn,omitempty"`
}

// runState is what a Standard execution persists after each step: the
// interpreter's state plus the executor's own (the virtual clock's lead and
// the mock invocation counts).
type runState struct {
	Skew  int64          `json:"skew,omitempty"` // ns
	Mocks map[string]int `json:"mocks,omitempty"`
	// Target is the virtual time the row's WakeAt stands for: a node that
	// claims the execution at its wake time moves the execution's clock
	// there, as the timer would have.
	Target time.Time       `json:"target,omitzero"`
	ASL    json.RawMessage `json:"asl"`
}

// seedFor derives an execution's random seed from its ARN, so that a replay
// after a crash draws the same numbers.
func seedFor(executionArn string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(executionArn))
	return h.Sum64()
}

// run is one live execution.
type run struct {
	e       *executor
	arn     string
	account string
	region  string
	durable bool
	machine *asl.Machine
	ex      *asl.Execution
	version int64 // the row's version (durable)
	skew    time.Duration
	mock    *sfnmock.TestCase
	mocks   map[string]int

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the run has ended

	mu     sync.Mutex
	queue  []any
	signal chan struct{}

	// create, for a new Standard execution, is the row its first step
	// inserts; created receives that commit's outcome. redrive, for a
	// redriven one, is what its first step records (created receives that
	// commit's outcome too).
	create  *store.ExecutionCreateParams
	redrive *store.ExecutionRedrive
	created chan error

	mapRuns  mapRunBook                    // Map Run rows written and to write (maprun.go)
	inflight map[string]context.CancelFunc // invokes being run, by effect id
	timer    *time.Timer
	timerGen uint64
	failure  error // why the run could not run (express)

	// callbacks.go: requests waiting for the commit of the step they made
	// (SendTask*, GetActivityTask), and the activity tasks the last
	// committed step left scheduled (by token).
	replies    []func(error)
	activities map[string]bool
}

// Mailbox messages.
type (
	invokeDone struct {
		id  string
		res asl.Result
		err error
	}
	timerFired struct {
		gen    uint64
		target time.Time
	}
	stopRequest struct {
		errName, cause string
		reply          chan stopResult
	}
	stopResult struct {
		date time.Time
		err  error
	}
)

func (e *executor) newRun(executionArn, account, region string, durable bool) *run {
	ctx, cancel := context.WithCancel(e.ctx)
	return &run{e: e, arn: executionArn, account: account, region: region, durable: durable,
		ctx: ctx, cancel: cancel, done: make(chan struct{}), signal: make(chan struct{}, 1),
		inflight: map[string]context.CancelFunc{}}
}

// spawn starts r's goroutine. begin creates or restores r.ex and returns the
// events that produced. It reports false (and runs nothing) once the
// executor is closed.
func (e *executor) spawn(r *run, begin func() ([]asl.Event, error)) bool {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		r.cancel()
		close(r.done)
		return false
	}
	if r.durable && r.create == nil { // a new execution registers once its row exists
		e.register(r)
	}
	e.runWG.Add(1)
	e.mu.Unlock()
	go r.main(begin)
	return true
}

// register makes r the run of its execution on this node. e.mu is held.
func (e *executor) register(r *run) {
	if old := e.runs[r.arn]; old != nil && old != r {
		old.cancel() // stale: its lease was lost and claimed again
	}
	e.runs[r.arn] = r
	delete(e.orphans, r.arn)
}

// lookup returns the durable run of an execution on this node, or nil.
func (e *executor) lookup(executionArn string) *run {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runs[executionArn]
}

// resume runs an execution claimed from the store.
func (e *executor) resume(row *store.ExecutionRow) {
	p, _ := parseExecutionArn(row.ARN)
	r := e.newRun(row.ARN, p.Account, p.Region, true)
	r.version = row.Version
	var spec executionSpec
	err := json.Unmarshal(row.Spec, &spec)
	if err == nil {
		r.machine, err = e.s.machines.compile(spec.Definition)
	}
	r.mock = e.s.testCase(spec.StateMachineName, spec.TestCase)
	e.spawn(r, func() ([]asl.Event, error) {
		if err != nil {
			return nil, fmt.Errorf("execution %s: %w", row.ARN, err)
		}
		if row.State == nil {
			return r.start(spec, row.Input, row.StartDate)
		}
		return r.restore(row.State, row.WakeAt)
	})
}

// start begins the execution in the interpreter.
func (r *run) start(spec executionSpec, input string, startDate time.Time) ([]asl.Event, error) {
	opts := asl.StartOptions{
		Input:           input,
		ExecutionArn:    r.arn,
		StateMachineArn: "arn:aws:states:" + r.region + ":" + r.account + ":stateMachine:" + spec.StateMachineName,
		RoleArn:         spec.RoleArn,
		Region:          r.region,
		StartTime:       startDate,
		Seed:            seedFor(r.arn),
		History:         asl.HistoryStream,
		TaskTokenKey:    spec.TokenKey,
		ActivityExists:  r.e.s.activityExists,

		StateMachineVersionArn: spec.VersionArn,
		StateMachineAliasArn:   spec.AliasArn,
	}
	if !r.durable {
		opts.History = asl.HistoryOff
		opts.MaxEvents = expressMaxEvents
		p, _ := parseExecutionArn(r.arn)
		opts.Name = p.Name
	}
	ex, events, err := r.machine.Start(opts)
	if err != nil {
		return nil, newError(ErrInvalidExecutionInput, "%v", err)
	}
	r.ex = ex
	return events, nil
}

// expressMaxEvents bounds an Express execution (which has no history limit
// on AWS, but a five-minute one) so that a loop without waits ends.
const expressMaxEvents = 1 << 20

// restore resumes the execution from its last committed state and fires
// whatever came due meanwhile (at wakeAt, the timer's target has come).
func (r *run) restore(state []byte, wakeAt time.Time) ([]asl.Event, error) {
	var st runState
	if err := json.Unmarshal(state, &st); err != nil {
		return nil, fmt.Errorf("execution %s: corrupt state: %w", r.arn, err)
	}
	ex, err := r.machine.Restore(st.ASL)
	if err != nil {
		return nil, fmt.Errorf("execution %s: %w", r.arn, err)
	}
	r.ex, r.skew, r.mocks = ex, time.Duration(st.Skew), st.Mocks
	r.ex.SetActivityExists(r.e.s.activityExists)
	if !st.Target.IsZero() && !wakeAt.IsZero() && !r.e.s.now().Before(wakeAt) {
		r.reach(st.Target)
	}
	return r.ex.Expire(r.vnow()), nil
}

// snapshot is the state committed with a step; target is the virtual time
// of its timer (zero: none).
func (r *run) snapshot(target time.Time) ([]byte, error) {
	raw, err := r.ex.MarshalState()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(raw)+96)
	b = append(b, '{')
	if !target.IsZero() {
		b = append(b, `"target":`...)
		b = target.UTC().AppendFormat(append(b, '"'), time.RFC3339Nano)
		b = append(b, '"', ',')
	}
	if r.skew != 0 {
		b = append(b, `"skew":`...)
		b = strconv.AppendInt(b, int64(r.skew), 10)
		b = append(b, ',')
	}
	if len(r.mocks) > 0 {
		m, err := json.Marshal(r.mocks)
		if err != nil {
			return nil, err
		}
		b = append(b, `"mocks":`...)
		b = append(b, m...)
		b = append(b, ',')
	}
	b = append(b, `"asl":`...)
	b = append(b, raw...)
	return append(b, '}'), nil
}

// vnow is the execution's clock: real time plus what WaitScale skipped.
func (r *run) vnow() time.Time { return r.e.s.now().Add(r.skew) }

// post puts a message in r's mailbox.
func (r *run) post(m any) {
	r.mu.Lock()
	r.queue = append(r.queue, m)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *run) take() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.queue
	r.queue = nil
	return q
}

func (r *run) main(begin func() ([]asl.Event, error)) {
	defer r.exit()
	events, err := begin()
	if err != nil {
		r.fail(err)
		return
	}
	if !r.advance(events, nil) {
		return
	}
	for {
		select {
		case <-r.signal:
		case <-r.ctx.Done():
			return
		}
		var (
			stops   []*stopRequest
			updates []*mapRunUpdate
			applied bool
		)
		events = nil
		for _, m := range r.take() {
			switch m := m.(type) {
			case *invokeDone:
				cancel, ok := r.inflight[m.id]
				if !ok {
					continue
				}
				cancel()
				delete(r.inflight, m.id)
				res := m.res
				if m.err != nil {
					if r.ctx.Err() != nil {
						continue // shutting down: the task runs again on resumption
					}
					res = asl.Result{Error: string(asl.ErrRuntime), Cause: m.err.Error()}
				}
				evs, err := r.ex.Complete(m.id, res, r.vnow())
				if err != nil {
					continue // the task timed out meanwhile, or the execution ended
				}
				events = append(events, evs...)
				applied = true
			case *timerFired:
				if m.gen != r.timerGen {
					continue
				}
				r.timer = nil
				r.reach(m.target)
				events = append(events, r.ex.Expire(r.vnow())...)
				applied = true
			case *stopRequest:
				if r.ex.Done() {
					m.reply <- stopResult{date: r.vnow()}
					continue
				}
				events = append(events, r.ex.Stop(m.errName, m.cause, r.vnow())...)
				stops = append(stops, m)
				applied = true
			case *mapRunUpdate:
				evs, err := r.applyMapRunUpdate(m)
				if err != nil {
					m.reply <- err
					continue
				}
				events = append(events, evs...)
				updates = append(updates, m)
				applied = true
			default:
				evs, ok := r.handle(m) // callbacks.go
				events = append(events, evs...)
				applied = applied || ok
			}
		}
		v := r.version
		if applied && !r.advance(events, stops) {
			r.replyMapRunUpdates(updates, r.version > v)
			return
		}
		r.replyMapRunUpdates(updates, r.version > v)
	}
}

// reach moves the virtual clock forward to target when the real wait for it
// was scaled down.
func (r *run) reach(target time.Time) {
	if d := target.Sub(r.vnow()); d > 0 {
		r.skew += d
	}
}

// nextTimer returns the virtual time at which the execution next needs a
// timer, and the real delay until then.
func (r *run) nextTimer() (time.Time, time.Duration, bool) {
	scale := r.e.s.opts.WaitScale
	var (
		target time.Time
		ok     bool
	)
	if scale > 0 {
		target, ok = r.ex.NextDeadline()
	} else {
		// Without waiting, only Waits and backoff are timed: task and
		// execution timeouts are checked when they end (Expire).
		for _, eff := range r.ex.Pending() {
			if sl, isSleep := eff.(*asl.Sleep); isSleep && (!ok || sl.Until.Before(target)) {
				target, ok = sl.Until, true
			}
		}
	}
	if !ok {
		return time.Time{}, 0, false
	}
	d := time.Duration(float64(target.Sub(r.vnow())) * scale)
	return target, max(d, 0), true
}

// settle runs what needs no outside world: mocked tasks, and timers already
// due (with WaitScale 0, every Wait). It returns the events with the new
// ones appended.
func (r *run) settle(events []asl.Event) []asl.Event {
	for range 1 << 20 {
		if r.ex.Done() {
			return events
		}
		progressed := false
		if r.mock != nil {
			for _, eff := range r.ex.Pending() {
				inv, ok := eff.(*asl.Invoke)
				if !ok || r.inflight[inv.ID] != nil || !r.mock.Mocked(inv.StateName) {
					continue
				}
				if r.mocks == nil {
					r.mocks = map[string]int{}
				}
				n := r.mocks[inv.StateName]
				r.mocks[inv.StateName] = n + 1
				evs, err := r.ex.Complete(inv.ID, mockResult(r.mock, inv.StateName, n), r.vnow())
				if err == nil {
					events = append(events, evs...)
					progressed = true
				}
				break // Pending changed
			}
			if progressed {
				continue
			}
		}
		if len(r.inflight) > 0 || r.hasUnlaunched() {
			return events
		}
		target, delay, ok := r.nextTimer()
		if !ok || delay > 0 {
			return events
		}
		r.reach(target)
		evs := r.ex.Expire(r.vnow())
		if len(evs) == 0 && !r.ex.Done() {
			if t2, _, ok2 := r.nextTimer(); ok2 && !t2.After(target) {
				return events // nothing moved: avoid spinning
			}
		}
		events = append(events, evs...)
	}
	return events
}

// hasUnlaunched reports whether a task is pending that no goroutine runs.
func (r *run) hasUnlaunched() bool {
	for _, eff := range r.ex.Pending() {
		if inv, ok := eff.(*asl.Invoke); ok && inv.Kind != "activity" && r.inflight[inv.ID] == nil {
			return true
		}
	}
	return false
}

// advance commits a step (durable runs) and then acts on it: it launches the
// new tasks, cancels those no longer pending and arms the timer. It reports
// whether the run goes on.
func (r *run) advance(events []asl.Event, stops []*stopRequest) bool {
	events = r.settle(events)
	now := r.e.s.now()
	var launch []*asl.Invoke
	var pending map[string]bool
	if !r.ex.Done() {
		for _, eff := range r.ex.Pending() {
			inv, ok := eff.(*asl.Invoke)
			if !ok || inv.Kind == "activity" { // activities wait for workers (activity.go)
				continue
			}
			if pending == nil {
				pending = map[string]bool{}
			}
			pending[inv.ID] = true
			if r.inflight[inv.ID] == nil {
				launch = append(launch, inv)
			}
		}
	}
	for id, cancel := range r.inflight {
		if !pending[id] {
			cancel()
			delete(r.inflight, id)
		}
	}
	target, delay, timed := time.Time{}, time.Duration(0), false
	if !r.ex.Done() {
		target, delay, timed = r.nextTimer()
	}
	release := false
	if r.durable {
		step := &store.HistoryStep{ExecutionARN: r.arn, ExpectedVersion: r.version, Status: store.ExecutionRunning, Create: r.create,
			Redrive: r.redrive}
		var err error
		if step.Events, err = encodeEvents(events); err != nil {
			r.e.s.log.Error("encode history events", "execution", r.arn, "err", err)
			r.orphan()
			r.replyStops(stops, time.Time{}, err)
			return false
		}
		switch {
		case r.ex.Done():
			step.Status = store.ExecutionStatus(r.ex.Status())
			step.Output, step.Error, step.Cause = r.ex.Output(), r.ex.Error(), r.ex.Cause()
			step.StopDate = r.vnow()
			if len(events) > 0 {
				step.StopDate = events[len(events)-1].Timestamp
			}
		case len(launch) > 0 || len(r.inflight) > 0:
			step.WakeAt, step.LeaseOwner, step.LeaseExpires = now, r.e.owner, now.Add(r.e.s.opts.LeaseTTL)
		case timed && delay <= r.e.s.opts.MaxHotWait:
			step.WakeAt, step.LeaseOwner, step.LeaseExpires = now.Add(delay), r.e.owner, now.Add(r.e.s.opts.LeaseTTL)
		case timed:
			step.WakeAt, release = now.Add(delay), true
		default:
			release = true // waits for a callback only
		}
		activities := r.activityStep(step, now) // activity.go
		step.MapRuns = r.mapRuns.rows(r)
		if !r.ex.Done() || r.ex.Status() != asl.StatusSucceeded { // an unsuccessful end is kept for RedriveExecution
			if step.State, err = r.snapshot(target); err != nil {
				r.e.s.log.Error("snapshot execution", "execution", r.arn, "err", err)
				r.orphan()
				r.replyStops(stops, time.Time{}, err)
				return false
			}
		}
		err = r.e.commit(step)
		if r.redrive != nil {
			r.created <- err
			r.redrive = nil
		}
		if r.create != nil {
			r.created <- err
			if err == nil {
				r.create, r.version = nil, 0 // incremented below to the new row's 1
				r.e.mu.Lock()
				r.e.register(r)
				r.e.mu.Unlock()
			}
		}
		if err != nil {
			switch {
			case errors.Is(err, store.ErrAlreadyExists):
				// StartExecution with a name in use: the caller decides.
			case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
				// Another node (or StopExecution) advanced the execution:
				// this run is stale.
				r.e.s.log.Debug("execution advanced elsewhere", "execution", r.arn)
			default:
				r.e.s.log.Error("commit execution step", "execution", r.arn, "err", err)
				r.orphan()
			}
			r.replyStops(stops, time.Time{}, err)
			return false
		}
		r.version++
		r.committed(activities, nil) // callbacks.go
		r.mapRuns.written()
		if r.ex.Done() {
			r.replyStops(stops, step.StopDate, nil)
			r.e.s.ended(r.arn) // nested.go
			if r.e.onEnd != nil {
				r.e.onEnd(r.arn)
			}
			return false
		}
	}
	if r.ex.Done() {
		r.replyStops(stops, r.vnow(), nil)
		return false
	}
	if release {
		return false
	}
	for _, inv := range launch {
		r.launch(inv)
	}
	r.arm(target, delay, timed)
	return true
}

// replyStops answers the StopExecution requests a step carried.
func (r *run) replyStops(stops []*stopRequest, date time.Time, err error) {
	if err != nil || !r.durable {
		r.committed(nil, err)
	}
	for _, s := range stops {
		select {
		case s.reply <- stopResult{date: date, err: err}:
		default:
		}
	}
}

// orphan records that r's execution stays leased to this node although no
// run holds it (the lease is released later, and the execution claimed
// again).
func (r *run) orphan() {
	if !r.durable {
		return
	}
	r.e.mu.Lock()
	r.e.orphans[r.arn] = true
	r.e.mu.Unlock()
}

func encodeEvents(events []asl.Event) ([]store.HistoryEvent, error) {
	if len(events) == 0 {
		return nil, nil
	}
	out := make([]store.HistoryEvent, len(events))
	for i := range events {
		b, err := events[i].MarshalJSON() // (json.Marshal would re-scan it)
		if err != nil {
			return nil, err
		}
		out[i] = store.HistoryEvent{ID: events[i].ID, Body: b}
	}
	return out, nil
}

// launch runs a task in its own goroutine; the result comes back through the
// mailbox.
func (r *run) launch(inv *asl.Invoke) {
	ctx, cancel := context.WithCancel(r.ctx)
	r.inflight[inv.ID] = cancel
	task := &Task{Invoke: inv, ExecutionArn: r.arn, Account: r.account, Region: r.region,
		Submit: func(res asl.Result) { r.post(&invokeSubmitted{id: inv.ID, res: res}) }}
	go func() {
		res, err := r.e.s.invoke(ctx, task) // nested.go
		r.post(&invokeDone{id: inv.ID, res: res, err: err})
	}()
}

// arm sets the timer for the next deadline (replacing any other).
func (r *run) arm(target time.Time, delay time.Duration, timed bool) {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.timerGen++
	if !timed {
		return
	}
	gen := r.timerGen
	r.timer = time.AfterFunc(delay, func() { r.post(&timerFired{gen: gen, target: target}) })
}

// fail ends a run that could not begin. A Standard execution is marked
// FAILED (its state is unusable); an Express one reports the error.
func (r *run) fail(err error) {
	r.failure = err
	if !r.durable {
		return
	}
	r.e.s.log.Error("execution cannot run", "execution", r.arn, "err", err)
	now := r.e.s.now()
	cerr := r.e.commit(&store.HistoryStep{ExecutionARN: r.arn, ExpectedVersion: r.version,
		Status: store.ExecutionFailed, Error: string(asl.ErrRuntime), Cause: err.Error(), StopDate: now})
	if cerr != nil && !errors.Is(cerr, store.ErrConflict) && !errors.Is(cerr, store.ErrNotFound) {
		r.orphan()
	}
}

// exit releases what the run holds.
func (r *run) exit() {
	if r.timer != nil {
		r.timer.Stop()
	}
	r.cancel()
	if r.durable {
		r.e.mu.Lock()
		if r.e.runs[r.arn] == r {
			delete(r.e.runs, r.arn)
		}
		r.e.mu.Unlock()
	}
	// StopExecution requests that arrived too late for this run see done
	// closed and stop the execution through the store instead.
	close(r.done)
	r.e.runWG.Done()
}

// requestStop asks a live run to stop its execution. ok is false when the
// run ended before it could (the caller then stops through the store).
func (r *run) requestStop(ctx context.Context, errName, cause string) (stopResult, bool) {
	req := &stopRequest{errName: errName, cause: cause, reply: make(chan stopResult, 1)}
	r.post(req)
	select {
	case res := <-req.reply:
		if res.err != nil {
			return res, false
		}
		return res, true
	case <-r.done:
		select {
		case res := <-req.reply:
			return res, res.err == nil
		default:
			return stopResult{}, false
		}
	case <-ctx.Done():
		return stopResult{err: ctx.Err()}, true
	}
}

// testCase returns the mock test case an execution runs with, or nil.
func (s *Service) testCase(machine, name string) *sfnmock.TestCase {
	if name == "" || s.opts.MockConfig == nil {
		return nil
	}
	tc, err := s.opts.MockConfig.TestCase(machine, name)
	if err != nil {
		return nil
	}
	return tc
}
