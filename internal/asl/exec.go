package asl

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Status is an execution's status.
type Status string

// Execution statuses.
const (
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
)

// HistoryMode says what an execution does with its history events.
type HistoryMode uint8

const (
	// HistoryRetain builds every event, returns the new ones from each call
	// and keeps the whole history in History().
	HistoryRetain HistoryMode = iota
	// HistoryStream builds and returns events but does not keep them, so
	// memory stays proportional to the live state (a durable executor
	// persists what each call returns).
	HistoryStream
	// HistoryOff builds no events at all (ids are still counted). For
	// in-memory runs whose history nobody reads.
	HistoryOff
)

// DefaultMaxEvents is AWS's history limit: the execution fails when its
// history reaches this many events.
const DefaultMaxEvents = 25000

// maxPayloadBytes is AWS's payload size limit (256 KiB).
const maxPayloadBytes = 256 * 1024

// StartOptions describes one execution: its input and the context object
// values ($$). Time and randomness come from here, never from the clock.
type StartOptions struct {
	// Input is the execution input as JSON text; "" means "{}".
	Input string

	ExecutionArn           string
	Name                   string // execution name; derived from ExecutionArn when empty
	StateMachineArn        string
	StateMachineName       string // derived from StateMachineArn when empty
	StateMachineAliasArn   string
	StateMachineVersionArn string
	RoleArn                string
	Region                 string // for TaskScheduled events; derived from the ARN when empty
	RedriveCount           int

	// StartTime is the execution's start (and the time of its first events).
	StartTime time.Time
	// Seed seeds the execution's random numbers (States.UUID, MathRandom,
	// task tokens, retry jitter). Replays with the same seed are identical.
	Seed uint64

	// History selects what happens to history events.
	History HistoryMode
	// MaxEvents overrides DefaultMaxEvents; negative means no limit.
	MaxEvents int

	// TaskTokenKey, when set, makes task tokens signed references to this
	// execution (see TaskTokenExecution and VerifyTaskToken) instead of
	// draws from the seeded random source. It is kept in MarshalState.
	TaskTokenKey []byte

	// ActivityExists, when set, is asked before an activity task is
	// scheduled; an activity that does not exist fails the state with
	// States.Runtime, as AWS does (see Execution.SetActivityExists).
	ActivityExists func(activityArn string) bool
}

// Result is the outcome of an effect, reported by the caller through
// Complete.
type Result struct {
	// Output is the success value: a JSON value (map[string]any, []any,
	// string, json.Number, float64...) or, when OutputJSON is set, ignored.
	Output any
	// OutputJSON is the success value as JSON text.
	OutputJSON string
	// Error is the error name of a failure ("States.Timeout",
	// "Lambda.ServiceException", a function's errorType...). Empty means
	// success.
	Error string
	// Cause is the failure's cause.
	Cause string
	// Submitted reports, for .sync and .waitForTaskToken tasks, that the
	// request was accepted but the task keeps running (TaskSubmitted); the
	// effect stays pending until a final Result.
	Submitted bool

	// heartbeat marks a States.Timeout raised because HeartbeatSeconds
	// passed: Retry and Catch also match it with States.HeartbeatTimeout.
	heartbeat bool
}

// Effect is something the interpreter waits on: an *Invoke, *Sleep or
// *Callback. IDs are stable for the life of the execution (also across
// MarshalState/Restore).
type Effect interface {
	EffectID() string
}

// Invoke asks the caller to run a Task's resource (a Lambda function, a
// service API, an activity, or a Map's ItemReader) and report its Result.
type Invoke struct {
	ID        string
	StateName string
	// Resource is the Task's Resource ARN.
	Resource string
	// ResourceType and ResourceName are the resourceType/resource pair that
	// history events show ("lambda"/"invoke", "aws-sdk:s3"/"listBuckets").
	ResourceType string
	ResourceName string
	Region       string
	Pattern      Pattern
	// Kind is "lambda" (the legacy Lambda ARN form), "activity", "service" or
	// "itemReader".
	Kind string
	// Parameters is the effective task input (Parameters applied), and
	// ParametersJSON its JSON text.
	Parameters     any
	ParametersJSON string
	// TaskToken is set for .waitForTaskToken tasks and activities.
	TaskToken string
	// Credentials is the evaluated Credentials field, if any.
	Credentials any
	// TimeoutSeconds and HeartbeatSeconds are the effective values (0: none).
	TimeoutSeconds   int64
	HeartbeatSeconds int64
	// Deadline is when the task times out (zero: never). Expire enforces it.
	Deadline time.Time
	// Attempt counts retries of the state (0 for the first attempt).
	Attempt int
	// Submitted is true once a Submitted result was reported.
	Submitted bool
	// ItemReader is the Map's ItemReader definition when Kind is "itemReader";
	// the Result must then be the array of items.
	ItemReader map[string]any
}

// EffectID implements Effect.
func (e *Invoke) EffectID() string { return e.ID }

// Sleep asks the caller to wake the execution at Until (a Wait state or a
// Retry backoff). Complete it with an empty Result, or call Expire.
type Sleep struct {
	ID        string
	StateName string
	Until     time.Time
	Retry     bool
}

// EffectID implements Effect.
func (e *Sleep) EffectID() string { return e.ID }

// Callback is a .waitForTaskToken task whose request was submitted: it waits
// for SendTaskSuccess/Failure with Token (CompleteToken), or a timeout.
type Callback struct {
	ID        string
	StateName string
	Token     string
	Deadline  time.Time
}

// EffectID implements Effect.
func (e *Callback) EffectID() string { return e.ID }

// ErrUnknownEffect is returned for an effect id or task token the execution
// is not waiting on.
var ErrUnknownEffect = errors.New("asl: no such pending effect")

// ErrExecutionDone is returned when reporting to a finished execution.
var ErrExecutionDone = errors.New("asl: execution is not running")

// Execution is one run of a Machine. It is a pure state machine driven by
// its caller: it never blocks, reads the clock or does I/O. An Execution is
// not safe for concurrent use.
type Execution struct {
	m     *Machine
	st    *execState
	hist  eventLog
	mark  int // hist.len at the last flush
	batch eventLog
	now   time.Time
	input any // decoded execution input
	index map[string]*frame
	build bool // build events

	activityExists func(string) bool

	scratch     evalScope
	runsEnded   []MapRunInfo // Map Runs ended since MapRuns was called
	probe       *stateProbe  // TestState's observer (teststate.go), or nil
	enteredSlab slab[StateEnteredEventDetails]
	exitedSlab  slab[StateExitedEventDetails]
}

// slab hands out pointers into chunks of Ts: the details of the most common
// events are allocated 256 at a time.
type slab[T any] struct{ buf []T }

func (s *slab[T]) alloc() *T {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]T, 0, 256)
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// execState is everything needed to resume an execution; it is what
// MarshalState writes.
type execState struct {
	V         int         `json:"v"`
	Status    Status      `json:"status"`
	Info      execInfo    `json:"info"`
	Input     string      `json:"input"`
	NextID    int64       `json:"nextId"`
	EffSeq    int64       `json:"effSeq"`
	Rng       uint64      `json:"rng"`
	Root      *frame      `json:"root"`
	Output    string      `json:"output,omitempty"`
	Error     string      `json:"error,omitempty"`
	Cause     string      `json:"cause,omitempty"`
	Now       time.Time   `json:"now"`
	History   HistoryMode `json:"history"`
	MaxEvents int         `json:"maxEvents"`
	Halted    bool        `json:"halted,omitempty"`
	TokenKey  []byte      `json:"tokenKey,omitempty"`
	TokenSeq  uint64      `json:"tokenSeq,omitempty"`
}

type execInfo struct {
	ExecutionArn           string    `json:"executionArn,omitempty"`
	Name                   string    `json:"name,omitempty"`
	StateMachineArn        string    `json:"stateMachineArn,omitempty"`
	StateMachineName       string    `json:"stateMachineName,omitempty"`
	StateMachineAliasArn   string    `json:"aliasArn,omitempty"`
	StateMachineVersionArn string    `json:"versionArn,omitempty"`
	RoleArn                string    `json:"roleArn,omitempty"`
	Region                 string    `json:"region,omitempty"`
	RedriveCount           int       `json:"redriveCount,omitempty"`
	StartTime              time.Time `json:"startTime"`
	RedriveTime            time.Time `json:"redriveTime,omitzero"`
}

// arnPart returns the i-th colon-separated part of an ARN, or "".
func arnPart(arn string, i int) string {
	parts := strings.Split(arn, ":")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// Start begins an execution: it records ExecutionStarted and runs until the
// execution needs something from the world (Pending) or ends. It returns the
// events produced. The error is for an input that is not JSON.
func (m *Machine) Start(opts StartOptions) (*Execution, []Event, error) {
	return m.start(opts, nil)
}

// start is Start; prepare, when set, sees the execution before its first
// state runs.
func (m *Machine) start(opts StartOptions, prepare func(*Execution)) (*Execution, []Event, error) {
	inputText := opts.Input
	if strings.TrimSpace(inputText) == "" {
		inputText = "{}"
	}
	input, err := decodeValue(inputText)
	if err != nil {
		return nil, nil, fmt.Errorf("asl: invalid execution input: %w", err)
	}
	info := execInfo{
		ExecutionArn:           opts.ExecutionArn,
		Name:                   opts.Name,
		StateMachineArn:        opts.StateMachineArn,
		StateMachineName:       opts.StateMachineName,
		StateMachineAliasArn:   opts.StateMachineAliasArn,
		StateMachineVersionArn: opts.StateMachineVersionArn,
		RoleArn:                opts.RoleArn,
		Region:                 opts.Region,
		RedriveCount:           opts.RedriveCount,
		StartTime:              opts.StartTime.UTC(),
	}
	if info.Name == "" && info.ExecutionArn != "" {
		info.Name = arnPart(info.ExecutionArn, 7)
	}
	if info.StateMachineName == "" && info.StateMachineArn != "" {
		info.StateMachineName = arnPart(info.StateMachineArn, 6)
	}
	if info.Region == "" {
		info.Region = arnPart(info.StateMachineArn, 3)
		if info.Region == "" {
			info.Region = arnPart(info.ExecutionArn, 3)
		}
	}
	maxEvents := opts.MaxEvents
	if maxEvents == 0 {
		maxEvents = DefaultMaxEvents
	}
	ex := &Execution{
		m:              m,
		now:            info.StartTime,
		input:          input,
		build:          opts.History != HistoryOff,
		activityExists: opts.ActivityExists,
		st: &execState{
			V:         stateVersion,
			Status:    StatusRunning,
			Info:      info,
			Input:     inputText,
			NextID:    1,
			Rng:       opts.Seed,
			Now:       info.StartTime,
			History:   opts.History,
			MaxEvents: maxEvents,
			TokenKey:  opts.TaskTokenKey,
		},
	}
	root := &frame{G: m.root.id, In: input, vars: &varScope{}}
	ex.st.Root = root
	if ex.build {
		root.inJSON = compactJSON(inputText)
	}
	id := ex.nextID()
	if ex.build {
		ex.record(Event{Timestamp: ex.now, Type: EventExecutionStarted, ID: id, Details: &ExecutionStartedEventDetails{
			Input:                  root.inJSON,
			InputDetails:           notTruncated,
			RoleArn:                info.RoleArn,
			StateMachineAliasArn:   info.StateMachineAliasArn,
			StateMachineVersionArn: info.StateMachineVersionArn,
		}})
	}
	root.Tail = id
	ex.startGraph(root, m.root)
	if prepare != nil {
		prepare(ex)
	}
	ex.run()
	return ex, ex.flush(), nil
}

// Machine returns the machine this execution runs.
func (ex *Execution) Machine() *Machine { return ex.m }

// Done reports whether the execution has ended.
func (ex *Execution) Done() bool { return ex.st.Status != StatusRunning }

// Status returns the execution's status.
func (ex *Execution) Status() Status { return ex.st.Status }

// Output returns the JSON output of a succeeded execution.
func (ex *Execution) Output() string { return ex.st.Output }

// Error returns the error name of a failed, timed out or aborted execution.
func (ex *Execution) Error() string { return ex.st.Error }

// Cause returns the cause of a failed, timed out or aborted execution.
func (ex *Execution) Cause() string { return ex.st.Cause }

// Input returns the execution input as JSON text.
func (ex *Execution) Input() string { return ex.st.Input }

// StartTime returns the execution's start time.
func (ex *Execution) StartTime() time.Time { return ex.st.Info.StartTime }

// History returns every event recorded so far (HistoryRetain only).
func (ex *Execution) History() []Event { return ex.hist.all() }

// EventCount returns how many events the execution has produced.
func (ex *Execution) EventCount() int64 { return ex.st.NextID - 1 }

// Deadline returns when the execution times out (its TimeoutSeconds), or the
// zero time.
func (ex *Execution) Deadline() time.Time {
	if ex.m.timeoutSeconds <= 0 {
		return time.Time{}
	}
	if t := ex.st.Info.RedriveTime; !t.IsZero() { // a redrive restarts the clock
		return t.Add(time.Duration(ex.m.timeoutSeconds) * time.Second)
	}
	return ex.st.Info.StartTime.Add(time.Duration(ex.m.timeoutSeconds) * time.Second)
}

// nextID allocates an event id.
func (ex *Execution) nextID() int64 {
	id := ex.st.NextID
	ex.st.NextID++
	return id
}

// record keeps an event.
func (ex *Execution) record(e Event) {
	switch ex.st.History {
	case HistoryRetain:
		ex.hist.add(e)
	case HistoryStream:
		ex.batch.add(e)
	}
}

// flush returns the events produced since the last call.
func (ex *Execution) flush() []Event {
	switch ex.st.History {
	case HistoryStream:
		b := ex.batch.since(0)
		ex.batch = eventLog{}
		return b
	case HistoryRetain:
		out := ex.hist.since(ex.mark)
		ex.mark = ex.hist.n
		return out
	}
	return nil
}

// limitReached reports whether the history limit leaves room for no more
// events before the terminal one.
func (ex *Execution) limitReached() bool {
	return ex.st.MaxEvents > 0 && ex.st.NextID >= int64(ex.st.MaxEvents)
}

// emit records an event of frame f. aside events do not become the chain's
// last event (AWS records *StateSucceeded, MapIteration* and *Aborted this
// way). It returns the event id.
func (ex *Execution) emit(f *frame, typ EventType, details any, aside bool) int64 {
	if f.Silent {
		f.Seq++
		return f.Seq
	}
	if ex.limitReached() {
		ex.st.Halted = true
		return 0
	}
	id := ex.nextID()
	prev := f.Last
	if aside {
		prev = f.Tail
	}
	if ex.build {
		ex.record(Event{Timestamp: ex.now, Type: typ, ID: id, PreviousEventID: prev, Details: details})
	}
	f.Tail = id
	if !aside {
		f.Last = id
	}
	return id
}

// emitAt records an event of f with an explicit previous event id; it does
// not move f's chain.
func (ex *Execution) emitAt(f *frame, typ EventType, details any, prev int64) int64 {
	if f.Silent {
		f.Seq++
		return f.Seq
	}
	if ex.limitReached() {
		ex.st.Halted = true
		return 0
	}
	id := ex.nextID()
	if ex.build {
		ex.record(Event{Timestamp: ex.now, Type: typ, ID: id, PreviousEventID: prev, Details: details})
	}
	return id
}

// finish ends the execution with a terminal event.
func (ex *Execution) finish(status Status, typ EventType, details any, prev int64) {
	ex.st.Status = status
	id := ex.nextID()
	if ex.build {
		ex.record(Event{Timestamp: ex.now, Type: typ, ID: id, PreviousEventID: prev, Details: details})
	}
	ex.index = nil
}

// run advances the execution until it waits on effects or ends.
func (ex *Execution) run() {
	if ex.st.Status != StatusRunning {
		return
	}
	root := ex.st.Root
	ex.runFrame(root)
	if ex.st.Halted {
		ex.st.Error = string(ErrRuntime)
		ex.st.Cause = fmt.Sprintf("The execution reached the maximum number of history events (%d).", ex.st.MaxEvents)
		ex.finish(StatusFailed, EventExecutionFailed, &ErrorCauseDetails{Error: ex.st.Error, Cause: ex.st.Cause}, root.Tail)
		return
	}
	if !root.Done {
		return
	}
	if root.Failed {
		ex.st.Error, ex.st.Cause = string(root.Err), root.Cause
		ex.finish(StatusFailed, EventExecutionFailed, &ErrorCauseDetails{Error: ex.st.Error, Cause: ex.st.Cause}, root.Tail)
		return
	}
	out := root.outJSON
	if out == "" {
		out = encodeValue(root.Out)
	}
	ex.st.Output = out
	ex.finish(StatusSucceeded, EventExecutionSucceeded, &ExecutionSucceededEventDetails{Output: out, OutputDetails: notTruncated}, root.Tail)
}

// setNow moves the execution's clock forward (never backward).
func (ex *Execution) setNow(now time.Time) {
	now = now.UTC()
	if now.After(ex.now) {
		ex.now = now
	}
	ex.st.Now = ex.now
}

// Complete reports the result of the pending effect id at time now and runs
// the execution as far as it can go. It returns the new events.
func (ex *Execution) Complete(id string, r Result, now time.Time) ([]Event, error) {
	if ex.st.Status != StatusRunning {
		return nil, ErrExecutionDone
	}
	f := ex.effectFrame(id)
	if f == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownEffect, id)
	}
	ex.setNow(now)
	if err := ex.deliver(f, r); err != nil {
		return nil, err
	}
	ex.run()
	return ex.flush(), nil
}

// CompleteToken reports the outcome of a .waitForTaskToken task or an
// activity by its task token (SendTaskSuccess / SendTaskFailure).
func (ex *Execution) CompleteToken(token string, r Result, now time.Time) ([]Event, error) {
	if ex.st.Status != StatusRunning {
		return nil, ErrExecutionDone
	}
	f := ex.tokenFrame(token)
	if f == nil {
		return nil, fmt.Errorf("%w: task token", ErrUnknownEffect)
	}
	ex.setNow(now)
	r.Submitted = false
	if p := f.Pending; p.Kind == effInvoke && ex.stateOf(f).res.pattern == PatternWaitForTaskToken && !p.Submitted {
		// The callback came before the request that carries the token was
		// answered (a function calling SendTaskSuccess before it returns):
		// it is applied once the task is submitted, as AWS orders them.
		early := &earlyResult{Error: r.Error, Cause: r.Cause}
		if r.Error == "" {
			v, err := resultValue(r)
			if err != nil {
				return nil, err
			}
			early.Output = encodeValue(v)
		}
		p.Early = early
		return nil, nil
	}
	if err := ex.deliver(f, r); err != nil {
		return nil, err
	}
	ex.run()
	return ex.flush(), nil
}

// SetActivityExists sets the check StartOptions.ActivityExists describes on
// an execution Restore rebuilt (functions are not part of MarshalState).
func (ex *Execution) SetActivityExists(fn func(activityArn string) bool) { ex.activityExists = fn }

// HasToken reports whether the execution is waiting on the task with token.
func (ex *Execution) HasToken(token string) bool {
	return ex.st.Status == StatusRunning && ex.tokenFrame(token) != nil
}

// Heartbeat records a heartbeat (SendTaskHeartbeat) for the task with token.
func (ex *Execution) Heartbeat(token string, now time.Time) error {
	if ex.st.Status != StatusRunning {
		return ErrExecutionDone
	}
	f := ex.tokenFrame(token)
	if f == nil {
		return fmt.Errorf("%w: task token", ErrUnknownEffect)
	}
	ex.setNow(now)
	p := f.Pending
	if p.HeartbeatSeconds > 0 {
		p.HeartbeatAt = ex.now.Add(time.Duration(p.HeartbeatSeconds) * time.Second)
	}
	return nil
}

// ActivityStarted records that a worker picked up the activity task id
// (ActivityStarted); the task's timeouts start counting from now.
func (ex *Execution) ActivityStarted(id, workerName string, now time.Time) ([]Event, error) {
	if ex.st.Status != StatusRunning {
		return nil, ErrExecutionDone
	}
	f := ex.effectFrame(id)
	if f == nil || f.Pending.Kind != effInvoke {
		return nil, fmt.Errorf("%w: %s", ErrUnknownEffect, id)
	}
	ex.setNow(now)
	p := f.Pending
	if !p.Started {
		p.Started = true
		ex.emit(f, EventActivityStarted, &ActivityStartedEventDetails{WorkerName: workerName}, false)
		ex.armTimeouts(p)
	}
	return ex.flush(), nil
}

// Stop aborts the execution (StopExecution): ExecutionAborted.
func (ex *Execution) Stop(errName, cause string, now time.Time) []Event {
	if ex.st.Status != StatusRunning {
		return nil
	}
	ex.setNow(now)
	ex.st.Error, ex.st.Cause = errName, cause
	ex.finish(StatusAborted, EventExecutionAborted, &ErrorCauseDetails{Error: errName, Cause: cause}, ex.st.Root.Tail)
	return ex.flush()
}

// NextDeadline returns the earliest time at which Expire has something to
// do (a Sleep to end, a task or heartbeat timeout, the execution timeout),
// and false when nothing is timed.
func (ex *Execution) NextDeadline() (time.Time, bool) {
	var best time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if ex.st.Status != StatusRunning {
		return best, false
	}
	consider(ex.Deadline())
	ex.walk(ex.st.Root, func(f *frame) {
		if p := f.Pending; p != nil {
			consider(p.Until)
			consider(p.Deadline)
			consider(p.HeartbeatAt)
		}
	})
	return best, !best.IsZero()
}

// Expire fires everything due at now: it ends Sleeps whose time has come,
// times out tasks past their deadline or heartbeat, and times out the
// execution past its TimeoutSeconds. It returns the new events.
func (ex *Execution) Expire(now time.Time) []Event {
	if ex.st.Status != StatusRunning {
		return nil
	}
	ex.setNow(now)
	if d := ex.Deadline(); !d.IsZero() && !ex.now.Before(d) {
		ex.st.Error, ex.st.Cause = string(ErrTimeout), "The execution timed out."
		ex.finish(StatusTimedOut, EventExecutionTimedOut, &ErrorCauseDetails{Error: string(ErrTimeout), Cause: ex.st.Cause}, 0)
		return ex.flush()
	}
	var due []*frame
	ex.walk(ex.st.Root, func(f *frame) {
		p := f.Pending
		if p == nil {
			return
		}
		if (!p.Until.IsZero() && !ex.now.Before(p.Until)) ||
			(!p.Deadline.IsZero() && !ex.now.Before(p.Deadline)) ||
			(!p.HeartbeatAt.IsZero() && !ex.now.Before(p.HeartbeatAt)) {
			due = append(due, f)
		}
	})
	for _, f := range due {
		if ex.st.Status != StatusRunning {
			break
		}
		p := f.Pending
		if p == nil {
			continue
		}
		switch {
		case p.Kind == effSleep:
			_ = ex.deliver(f, Result{})
		case !p.Deadline.IsZero() && !ex.now.Before(p.Deadline):
			_ = ex.deliver(f, Result{Error: string(ErrTimeout)})
		default:
			// AWS records a missed heartbeat as States.Timeout; Retry and
			// Catch also match it with States.HeartbeatTimeout.
			_ = ex.deliver(f, Result{Error: string(ErrTimeout), heartbeat: true})
		}
	}
	ex.run()
	return ex.flush()
}

// Pending returns the effects the execution is waiting on, in a stable
// order. Parallel branches and Map iterations may contribute several.
func (ex *Execution) Pending() []Effect {
	if ex.st.Status != StatusRunning {
		return nil
	}
	var out []Effect
	ex.walk(ex.st.Root, func(f *frame) {
		if f.Pending != nil {
			out = append(out, ex.effectOf(f))
		}
	})
	return out
}

// walk visits f and its live descendants depth first.
func (ex *Execution) walk(f *frame, fn func(*frame)) {
	fn(f)
	for _, c := range f.children() {
		ex.walk(c, fn)
	}
}

// effectFrame finds the frame waiting on effect id.
func (ex *Execution) effectFrame(id string) *frame {
	if ex.index == nil {
		ex.index = map[string]*frame{}
		ex.walk(ex.st.Root, func(f *frame) {
			if f.Pending != nil {
				ex.index[f.Pending.ID] = f
			}
		})
	}
	f := ex.index[id]
	if f == nil || f.Pending == nil || f.Pending.ID != id {
		return nil
	}
	return f
}

func (ex *Execution) tokenFrame(token string) *frame {
	if token == "" {
		return nil
	}
	var found *frame
	ex.walk(ex.st.Root, func(f *frame) {
		if f.Pending != nil && f.Pending.Token == token {
			found = f
		}
	})
	return found
}

// newEffect registers a pending effect on f.
func (ex *Execution) newEffect(f *frame, p *pendingEffect) {
	ex.st.EffSeq++
	p.ID = fmt.Sprintf("e%d", ex.st.EffSeq)
	f.Pending = p
	if ex.index != nil {
		ex.index[p.ID] = f
	}
}

// clearEffect removes f's pending effect.
func (ex *Execution) clearEffect(f *frame) {
	if f.Pending != nil && ex.index != nil {
		delete(ex.index, f.Pending.ID)
	}
	f.Pending = nil
}

// markDirty flags f and its ancestors for re-running.
func markDirty(f *frame) {
	for ; f != nil; f = f.parent {
		f.dirty = true
	}
}

// ---- randomness ------------------------------------------------------------

// rand64 is SplitMix64 over the execution's seed: deterministic and part of
// the persisted state.
func (ex *Execution) rand64() uint64 {
	ex.st.Rng += 0x9e3779b97f4a7c15
	z := ex.st.Rng
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newUUID returns a random (version 4) UUID.
func (ex *Execution) newUUID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ex.rand64())
	binary.BigEndian.PutUint64(b[8:], ex.rand64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// randomInt returns a random integer in [lo, hi) for States.MathRandom.
// With a seed the result depends only on the seed, computed like Java's
// new Random(seed).nextInt(hi-lo) + lo.
func (ex *Execution) randomInt(lo, hi int64, seed *int64) int64 {
	if hi <= lo {
		return lo
	}
	span := hi - lo
	if seed != nil && span <= math.MaxInt32 {
		return lo + int64(javaNextInt(*seed, int32(span)))
	}
	return lo + int64(ex.rand64()%uint64(span))
}

// javaNextInt is java.util.Random(seed).nextInt(bound).
func javaNextInt(seed int64, bound int32) int32 {
	const mult, add, mask = 0x5DEECE66D, 0xB, (1 << 48) - 1
	s := (seed ^ mult) & mask
	next := func() int32 {
		s = (s*mult + add) & mask
		return int32(s >> 17)
	}
	if bound&(-bound) == bound {
		return int32((int64(bound) * int64(next())) >> 31)
	}
	for {
		bits := next()
		val := bits % bound
		if bits-val+(bound-1) >= 0 {
			return val
		}
	}
}

// randomFloat returns a random number in [0, 1).
func (ex *Execution) randomFloat() float64 {
	return float64(ex.rand64()>>11) / (1 << 53)
}

// newToken returns a task token: signed and naming the execution when the
// execution has a token key, else random.
func (ex *Execution) newToken() string {
	if len(ex.st.TokenKey) > 0 {
		ex.st.TokenSeq++
		return newTaskToken(ex.st.TokenKey, ex.st.Info.ExecutionArn, ex.st.TokenSeq)
	}
	var b [48]byte
	for i := 0; i < len(b); i += 8 {
		binary.BigEndian.PutUint64(b[i:], ex.rand64())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// timestampString renders t as the context object and AWS do.
func timestampString(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// eventLog stores events in fixed-size chunks, so a long history never gets
// copied as it grows.
type eventLog struct {
	chunks [][]Event
	n      int
	flat   []Event // cached all(), valid while len(flat) == n
}

const eventChunk = 1024

func (l *eventLog) add(e Event) {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == eventChunk {
		l.chunks = append(l.chunks, make([]Event, 0, eventChunk))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, e)
	l.n++
}

// since returns the events from index i on (a fresh slice).
func (l *eventLog) since(i int) []Event {
	if i >= l.n {
		return nil
	}
	out := make([]Event, 0, l.n-i)
	for c, chunk := range l.chunks {
		lo := c * eventChunk
		if lo+len(chunk) <= i {
			continue
		}
		from := 0
		if i > lo {
			from = i - lo
		}
		out = append(out, chunk[from:]...)
	}
	return out
}

// all returns every event.
func (l *eventLog) all() []Event {
	if len(l.chunks) == 1 {
		return l.chunks[0][:l.n:l.n]
	}
	if len(l.flat) != l.n {
		l.flat = l.since(0)
	}
	return l.flat[:l.n:l.n]
}
