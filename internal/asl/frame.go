package asl

import (
	"fmt"
	"slices"
	"time"
)

// phase is where a frame stands in its current state.
type phase uint8

const (
	phStart    phase = iota // enter the state named Cur
	phWaiting               // wait on Pending (a task, a Wait, a callback, an ItemReader)
	phRetry                 // wait on a Retry backoff, then attempt the state again
	phChildren              // a Parallel's branches or a Map's iterations are running
	phDone
)

// frame is one chain of states being run: the execution itself, a Parallel
// branch or a Map iteration. Its exported fields are the persisted state.
type frame struct {
	G          int            `json:"g"`
	Cur        string         `json:"cur,omitempty"`
	Ph         phase          `json:"ph"`
	In         any            `json:"in"`            // raw input of the current state
	Eff        any            `json:"eff,omitempty"` // effective input (InputPath and Parameters applied)
	Last       int64          `json:"last"`          // previousEventId chain: last event
	Tail       int64          `json:"tail"`          // previousEventId chain: last event including asides
	Entered    int64          `json:"entered,omitempty"`
	EnteredAt  time.Time      `json:"enteredAt"`
	Vars       map[string]any `json:"vars,omitempty"`
	Silent     bool           `json:"silent,omitempty"` // a Distributed Map item: its events go to a child execution
	Seq        int64          `json:"seq,omitempty"`    // event counter of a silent frame
	Index      int            `json:"index"`
	Retries    []int64        `json:"retries,omitempty"`
	RetryCount int64          `json:"retryCount,omitempty"`
	Pending    *pendingEffect `json:"pending,omitempty"`
	Par        *parRun        `json:"par,omitempty"`
	Map        *mapRun        `json:"map,omitempty"`
	Done       bool           `json:"done,omitempty"`
	Failed     bool           `json:"failed,omitempty"`
	Terminal   bool           `json:"terminal,omitempty"` // failed with an uncatchable error
	Err        ErrorName      `json:"err,omitempty"`
	Cause      string         `json:"cause,omitempty"`
	Out        any            `json:"out,omitempty"`
	Aborted    bool           `json:"aborted,omitempty"` // ended by an aborted sibling or parent (redrive reruns it)
	Redo       *redoRun       `json:"redo,omitempty"`    // the compound state's children, kept for a redrive

	inJSON  string
	outJSON string
	vars    *varScope
	parent  *frame
	dirty   bool
}

// effectKind is the kind of a pending effect.
type effectKind uint8

const (
	effInvoke effectKind = iota
	effSleep
	effCallback
	effItemReader
)

// pendingEffect is what a frame waits on.
type pendingEffect struct {
	ID               string       `json:"id"`
	Kind             effectKind   `json:"kind"`
	Until            time.Time    `json:"until,omitzero"`
	Retry            bool         `json:"retry,omitempty"`
	Deadline         time.Time    `json:"deadline,omitzero"`
	HeartbeatAt      time.Time    `json:"heartbeatAt,omitzero"`
	TimeoutSeconds   int64        `json:"timeout,omitempty"`
	HeartbeatSeconds int64        `json:"heartbeat,omitempty"`
	Params           any          `json:"params,omitempty"`
	Credentials      any          `json:"credentials,omitempty"`
	Token            string       `json:"token,omitempty"`
	Submitted        bool         `json:"submitted,omitempty"`
	Started          bool         `json:"started,omitempty"`
	Attempt          int          `json:"attempt,omitempty"`
	Early            *earlyResult `json:"early,omitempty"`
	paramsJSON       string
}

// earlyResult is a callback result that arrived before its task was
// submitted; it is applied right after the submission.
type earlyResult struct {
	Output string `json:"output,omitempty"` // JSON text
	Error  string `json:"error,omitempty"`
	Cause  string `json:"cause,omitempty"`
}

// parRun is a running Parallel state.
type parRun struct {
	Branches []*frame `json:"branches"`
}

// mapRun is a running Map state.
type mapRun struct {
	Items      []any    `json:"items"`
	Next       int      `json:"next"`
	Active     []*frame `json:"active,omitempty"`
	Results    []any    `json:"results"`
	Completed  int      `json:"completed"`
	FailedN    int      `json:"failedN"`
	MaxConc    int64    `json:"maxConc"`
	Cursor     int64    `json:"cursor"`
	LastEnd    int64    `json:"lastEnd"`
	TolCount   int64    `json:"tolCount"`
	TolPct     float64  `json:"tolPct"`
	HasTol     bool     `json:"hasTol,omitempty"`
	RunArn     string   `json:"runArn,omitempty"`
	RunStarted int64    `json:"runStarted,omitempty"`
	FirstErr   string   `json:"firstErr,omitempty"`
	FirstCause string   `json:"firstCause,omitempty"`

	Ok       []byte   `json:"ok,omitempty"`       // bitmap of the iterations that succeeded
	Queue    []int    `json:"queue,omitempty"`    // iterations a redrive reruns, started before Next
	Resume   []*frame `json:"resume,omitempty"`   // failed iterations kept for a redrive
	Redrives int      `json:"redrives,omitempty"` // times the Map Run was redriven

	RunStart    time.Time `json:"runStart,omitzero"`    // the Map Run started
	RunStatus   string    `json:"runStatus,omitempty"`  // set once the Map Run ended
	RunStop     time.Time `json:"runStop,omitzero"`     // the Map Run ended
	RunRedriven time.Time `json:"runRedriven,omitzero"` // the Map Run was last redriven
}

// mapItem is $$.Map.Item while an ItemSelector is evaluated.
type mapItem struct {
	Index int
	Value any
}

// children returns f's live child frames.
func (f *frame) children() []*frame {
	switch {
	case f.Par != nil:
		return f.Par.Branches
	case f.Map != nil:
		return f.Map.Active
	}
	return nil
}

// graphOf returns the graph f runs.
func (ex *Execution) graphOf(f *frame) *graph { return ex.m.graphs[f.G] }

// stateOf returns f's current state.
func (ex *Execution) stateOf(f *frame) *state { return ex.m.graphs[f.G].states[f.Cur] }

// startGraph points f at g's first state.
func (ex *Execution) startGraph(f *frame, g *graph) {
	f.G = g.id
	f.Cur = g.startAt
	f.Ph = phStart
}

// newChild creates a child frame of parent running g from input, chained
// after event prev.
func (ex *Execution) newChild(parent *frame, g *graph, input any, prev int64, index int, silent bool) *frame {
	c := &frame{In: input, Last: prev, Tail: prev, Index: index, Silent: silent, parent: parent,
		vars: &varScope{parent: parent.vars}}
	if silent {
		c.Seq = 1 // the child execution's ExecutionStarted
	}
	ex.startGraph(c, g)
	c.dirty = true
	return c
}

// runFrame runs f until it waits on something or finishes.
func (ex *Execution) runFrame(f *frame) {
	for !f.Done && !ex.st.Halted && ex.st.Status == StatusRunning {
		if f.Silent && ex.st.MaxEvents > 0 && f.Seq >= int64(ex.st.MaxEvents) {
			// A Distributed Map item is a child execution with its own
			// history limit.
			ex.failFrame(f, ErrRuntime, fmt.Sprintf(
				"The execution reached the maximum number of history events (%d).", ex.st.MaxEvents), false)
			break
		}
		switch f.Ph {
		case phStart:
			ex.enterState(f)
		case phChildren:
			if !ex.stepChildren(f) {
				f.dirty = false
				return
			}
		default:
			f.dirty = false
			return
		}
	}
	f.dirty = false
}

// failure helpers -----------------------------------------------------------

// failFrame ends f with an uncaught error.
func (ex *Execution) failFrame(f *frame, err ErrorName, cause string, terminal bool) {
	ex.clearEffect(f)
	f.Done, f.Failed, f.Terminal = true, true, terminal
	f.Err, f.Cause = err, cause
	f.Ph = phDone
	f.Par, f.Map = nil, nil
}

// stateCause prefixes a runtime cause with the state it happened in, as AWS
// does.
func stateCause(f *frame, st *state, cause string) string {
	return fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s", st.name, f.Entered, cause)
}

// failState handles a failure raised by the current state of f: Retry, then
// Catch, then failing the frame.
func (ex *Execution) failState(f *frame, st *state, fl *failure) {
	cause := fl.Cause
	if !fl.prefixed {
		switch fl.Error {
		case ErrRuntime, ErrQueryEvaluationError, ErrIntrinsicFailure:
			cause = stateCause(f, st, cause)
		}
	}
	fl = &failure{Error: fl.Error, Cause: cause, terminal: fl.terminal, heartbeat: fl.heartbeat}
	ex.handleFailure(f, st, fl, false)
}

// failFinish handles a failure while finishing st (its Assign or Output).
// A failure inside a catcher is not offered to Retry and Catch again —
// the same catcher would catch it forever — it fails the frame, which an
// enclosing Parallel or Map may still catch.
func (ex *Execution) failFinish(f *frame, st *state, fl *failure, inCatcher bool) {
	if !inCatcher {
		ex.failState(f, st, fl)
		return
	}
	cause := fl.Cause
	if !fl.prefixed {
		switch fl.Error {
		case ErrRuntime, ErrQueryEvaluationError, ErrIntrinsicFailure:
			cause = stateCause(f, st, cause)
		}
	}
	ex.failFrame(f, fl.Error, cause, fl.terminal)
}

// handleFailure applies Retry and Catch to a failure of st. compound is set
// for Parallel/Map failures, which record *StateFailed when not retried.
func (ex *Execution) handleFailure(f *frame, st *state, fl *failure, compound bool) {
	if fl.terminal {
		ex.failFrame(f, fl.Error, fl.Cause, true)
		return
	}
	if ex.tryRetry(f, st, fl) {
		return
	}
	if compound {
		typ := EventParallelStateFailed
		if st.typ == typeMap {
			typ = EventMapStateFailed
		}
		ex.emit(f, typ, nil, false)
	}
	for _, c := range st.catch {
		if !fl.matches(c.errorEquals) {
			continue
		}
		ex.catchTo(f, st, c, fl)
		return
	}
	ex.failFrame(f, fl.Error, fl.Cause, false)
}

// matches reports whether an ErrorEquals list matches the failure: by its
// name, or, for a missed heartbeat, by States.HeartbeatTimeout.
func (fl *failure) matches(list []ErrorName) bool {
	if errorMatches(list, fl.Error) {
		return true
	}
	return fl.heartbeat && slices.Contains(list, ErrHeartbeatTimeout)
}

func errorMatches(list []ErrorName, err ErrorName) bool {
	for _, p := range list {
		if matchesError(p, err) {
			return true
		}
	}
	return false
}

// catchTo routes a caught failure to the catcher's Next.
func (ex *Execution) catchTo(f *frame, st *state, c *catcher, fl *failure) {
	errOut := map[string]any{"Error": string(fl.Error), "Cause": fl.Cause}
	if ex.probe != nil {
		ex.probe.caught(f, st, c, fl)
	}
	if st.ql == JSONata && st.jx != nil {
		env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, "", "errorOutput", errOut))
		prefix := ""
		for i, cc := range st.catch {
			if cc == c {
				prefix = fmt.Sprintf("Catch[%d]/", i)
			}
		}
		ex.finishJSONata(f, st, env, errOut, c.jassignT, c.joutputT, c.next, prefix)
		return
	}
	s := ex.scope(f, st, errOut)
	assigned, afl := ex.evalAssign(s, c.assign)
	if afl != nil {
		ex.failFinish(f, st, afl, true)
		return
	}
	out, rfl := applyResultPath(c.resultPath, f.In, errOut)
	if rfl != nil {
		ex.failFrame(f, rfl.Error, stateCause(f, st, rfl.Cause), true)
		return
	}
	ex.exitState(f, st, out, c.next, assigned, true)
}

// tryRetry schedules a retry of st if a Retrier matches and has attempts
// left.
func (ex *Execution) tryRetry(f *frame, st *state, fl *failure) bool {
	for i, r := range st.retry {
		if !fl.matches(r.errorEquals) {
			continue
		}
		if len(f.Retries) < len(st.retry) {
			f.Retries = make([]int64, len(st.retry))
		}
		n := f.Retries[i]
		if n >= r.maxAttempts {
			return false
		}
		delay := float64(r.intervalSeconds)
		for k := int64(0); k < n; k++ {
			delay *= r.backoffRate
			if delay > 1e9 {
				break
			}
		}
		if r.maxDelaySeconds > 0 && delay > float64(r.maxDelaySeconds) {
			delay = float64(r.maxDelaySeconds)
		}
		if r.jitterFull {
			delay *= ex.randomFloat()
		}
		f.Retries[i]++
		f.RetryCount++
		if ex.probe != nil {
			ex.probe.retried(ex, f, i, delay, fl)
		}
		ex.clearEffect(f)
		ex.newEffect(f, &pendingEffect{Kind: effSleep, Retry: true,
			Until: ex.now.Add(time.Duration(delay * float64(time.Second)))})
		f.Ph = phRetry
		return true
	}
	return false
}

// deliver applies an effect result to f.
func (ex *Execution) deliver(f *frame, r Result) error {
	p := f.Pending
	st := ex.stateOf(f)
	markDirty(f)
	switch p.Kind {
	case effSleep:
		ex.clearEffect(f)
		if f.Ph == phRetry {
			ex.reattempt(f, st)
			return nil
		}
		ex.finishWait(f, st)
		return nil
	case effItemReader:
		ex.clearEffect(f)
		ex.itemsRead(f, st, r)
		return nil
	}
	if r.Submitted && r.Error == "" {
		if !p.Submitted {
			p.Submitted = true
			out, err := resultValue(r)
			if err != nil {
				return err
			}
			if st.res.kind == resourceService {
				ex.emit(f, EventTaskSubmitted, &TaskOutputEventDetails{ResourceType: st.res.resourceType,
					Resource: st.res.resource, Output: ex.encodeIf(out), OutputDetails: notTruncated}, false)
			}
			if st.res.pattern == PatternWaitForTaskToken {
				p.Kind = effCallback
			}
			if e := p.Early; e != nil {
				p.Early = nil
				return ex.deliver(f, Result{OutputJSON: e.Output, Error: e.Error, Cause: e.Cause})
			}
		}
		return nil
	}
	var out any
	if r.Error == "" {
		v, err := resultValue(r)
		if err != nil {
			return err
		}
		out = v
	}
	ex.clearEffect(f)
	ex.taskDone(f, st, r, out)
	return nil
}

// encodeIf renders v as JSON when events are built.
func (ex *Execution) encodeIf(v any) string {
	if !ex.build {
		return ""
	}
	return encodeValue(v)
}

// resultValue returns a Result's output as a value.
func resultValue(r Result) (any, error) {
	if r.OutputJSON != "" {
		v, err := decodeValue(r.OutputJSON)
		if err != nil {
			return nil, fmt.Errorf("asl: result output is not JSON: %w", err)
		}
		return v, nil
	}
	v, err := normalizeValue(r.Output)
	if err != nil {
		return nil, fmt.Errorf("asl: result output is not JSON: %w", err)
	}
	return v, nil
}

// reattempt runs st again after a Retry backoff.
func (ex *Execution) reattempt(f *frame, st *state) {
	switch st.typ {
	case typeTask:
		ex.attemptTask(f, st)
	case typeParallel:
		ex.attemptParallel(f, st)
	case typeMap:
		ex.attemptMap(f, st)
	}
}

// stepChildren runs f's children (Parallel branches or Map iterations) that
// can make progress, and completes f's state when they are done. It returns
// false when f must wait.
func (ex *Execution) stepChildren(f *frame) bool {
	st := ex.stateOf(f)
	if f.Par != nil {
		return ex.stepParallel(f, st)
	}
	return ex.stepMap(f, st)
}

// abortChild records the abort of a running child and its in-flight state.
func (ex *Execution) abortChild(c *frame) {
	for _, gc := range c.children() {
		ex.abortChild(gc)
	}
	if c.Par != nil || c.Map != nil {
		ex.stash(c, c.Par, c.Map)
	}
	if c.Done || c.Silent {
		ex.clearEffect(c)
		if !c.Done {
			c.Aborted = true
		}
		return
	}
	st := ex.stateOf(c)
	if st != nil && c.Ph != phStart {
		var typ EventType
		switch st.typ {
		case typeTask:
			typ = EventTaskStateAborted
		case typeWait:
			typ = EventWaitStateAborted
		case typeMap:
			typ = EventMapStateAborted
		case typeParallel:
			typ = EventParallelStateAborted
		}
		if typ != "" {
			ex.emitAt(c, typ, nil, c.Last)
		}
	}
	ex.clearEffect(c)
	c.Done, c.Aborted = true, true
	c.Ph = phDone
	c.Par, c.Map = nil, nil
}
