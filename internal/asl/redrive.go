package asl

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNotRedrivable is returned by Redrive for an execution that did not end
// FAILED, TIMED_OUT or ABORTED, or that reached its history limit.
var ErrNotRedrivable = errors.New("asl: execution cannot be redriven")

// redoRun is a compound state's children kept on its frame when the state
// ended unsuccessfully, for a redrive: a Parallel's branches, or a Map's run
// with its failed and aborted iterations.
type redoRun struct {
	Par *parRun `json:"par,omitempty"`
	Map *mapRun `json:"map,omitempty"`
}

// stash keeps a compound state's children on f for a redrive.
func (ex *Execution) stash(f *frame, par *parRun, mr *mapRun) {
	if mr != nil {
		ex.endMapRun(f, mr, MapRunAborted) // unless it ended already
	}
	f.Redo = &redoRun{Par: par, Map: mr}
	f.Par, f.Map = nil, nil
	freezeVars(f)
}

// freezeVars copies the variables of f's stashed descendants into their
// persisted field (MarshalState only does so for live frames).
func freezeVars(f *frame) {
	if f.vars != nil && len(f.vars.vals) > 0 {
		f.Vars = f.vars.vals
	}
	for _, c := range f.children() {
		freezeVars(c)
	}
	if r := f.Redo; r != nil {
		if r.Par != nil {
			for _, c := range r.Par.Branches {
				freezeVars(c)
			}
		}
		if r.Map != nil {
			for _, c := range r.Map.Active {
				freezeVars(c)
			}
			for _, c := range r.Map.Resume {
				freezeVars(c)
			}
		}
	}
}

// setOk records that iteration i succeeded.
func (mr *mapRun) setOk(i int) {
	for len(mr.Ok) <= i/8 {
		mr.Ok = append(mr.Ok, 0)
	}
	mr.Ok[i/8] |= 1 << (i % 8)
}

// ok reports whether iteration i succeeded.
func (mr *mapRun) ok(i int) bool {
	return i/8 < len(mr.Ok) && mr.Ok[i/8]&(1<<(i%8)) != 0
}

// Redrive resumes an execution that ended FAILED, TIMED_OUT or ABORTED, as
// RedriveExecution does, from the MarshalState snapshot taken when it
// ended. It records ExecutionRedriven and reruns what did not succeed: the
// state that failed (or was running when the execution was stopped or timed
// out) is entered again with the input it had; a Parallel reruns only its
// failed and aborted branches and a Map only its unsuccessful iterations
// (a Distributed Map records MapRunRedriven and keeps its Map Run), each
// from the state where it stopped. Everything that succeeded keeps its
// result and is not run again. Retry counters start over and the
// execution's TimeoutSeconds counts from now. The returned execution
// carries on like one from Start.
func (m *Machine) Redrive(state []byte, now time.Time) (*Execution, []Event, error) {
	ex, err := m.Restore(state)
	if err != nil {
		return nil, nil, err
	}
	switch ex.st.Status {
	case StatusFailed, StatusTimedOut, StatusAborted:
	default:
		return nil, nil, fmt.Errorf("%w: status %s", ErrNotRedrivable, ex.st.Status)
	}
	if ex.st.Halted || ex.limitReached() {
		return nil, nil, fmt.Errorf("%w: history limit reached", ErrNotRedrivable)
	}
	ex.setNow(now)
	info := &ex.st.Info
	info.RedriveCount++
	info.RedriveTime = ex.now
	ex.st.Status = StatusRunning
	ex.st.Output, ex.st.Error, ex.st.Cause = "", "", ""
	prev := ex.st.NextID - 1
	id := ex.nextID()
	if ex.build {
		ex.record(Event{Timestamp: ex.now, Type: EventExecutionRedriven, ID: id, PreviousEventID: prev,
			Details: &ExecutionRedrivenEventDetails{RedriveCount: info.RedriveCount}})
	}
	ex.index = nil
	ex.rearm(ex.st.Root, nil, id)
	ex.run()
	return ex, ex.flush(), nil
}

// rearm makes f enter its current state again, chained after event prev: a
// frame that failed, was aborted, or was waiting when its execution
// stopped. A compound state it was running keeps its children for the
// redrive (stash).
func (ex *Execution) rearm(f, parent *frame, prev int64) {
	f.parent = parent
	if parent != nil {
		f.vars = &varScope{parent: parent.vars, vals: f.Vars}
	} else if f.vars == nil {
		f.vars = &varScope{vals: f.Vars}
	}
	if f.Par != nil || f.Map != nil {
		ex.stash(f, f.Par, f.Map)
	}
	ex.clearEffect(f)
	f.Done, f.Failed, f.Terminal, f.Aborted = false, false, false, false
	f.Err, f.Cause, f.Out = "", "", nil
	f.Retries, f.RetryCount = nil, 0
	f.Eff = nil
	f.Ph = phStart
	f.Last, f.Tail = prev, prev
	f.inJSON, f.outJSON = "", ""
	f.dirty = true
}

// succeeded reports whether a child frame finished successfully (a
// redrive keeps its result).
func (f *frame) succeeded() bool { return f.Done && !f.Failed && !f.Aborted }

// redriveParallel re-enters a Parallel state whose branches were kept for a
// redrive: the branches that succeeded keep their outputs, the others run
// again from where they stopped.
func (ex *Execution) redriveParallel(f *frame) {
	pr := f.Redo.Par
	f.Redo = nil
	ex.emit(f, EventParallelStateStarted, nil, false)
	for _, c := range pr.Branches {
		if c.succeeded() {
			c.parent = f
			c.vars = &varScope{parent: f.vars, vals: c.Vars}
			continue
		}
		ex.rearm(c, f, f.Last)
	}
	f.Par = pr
	f.Ph = phChildren
}

// redriveMap re-enters a Map state whose run was kept for a redrive: the
// iterations that did not succeed are queued again (those that had started
// resume where they stopped, the others start), with the Map's items,
// concurrency and tolerated failures as they were.
func (ex *Execution) redriveMap(f *frame, st *state) {
	mr := f.Redo.Map
	f.Redo = nil
	var d any
	if ex.build && !f.Silent {
		d = &MapStateStartedEventDetails{Length: len(mr.Items)}
	}
	ex.emit(f, EventMapStateStarted, d, false)
	if st.distributed && mr.RunArn != "" {
		mr.Redrives++
		mr.RunStatus, mr.RunStop, mr.RunRedriven = "", time.Time{}, ex.now
		var rd any
		if ex.build && !f.Silent {
			rd = &MapRunRedrivenEventDetails{MapRunArn: mr.RunArn, RedriveCount: mr.Redrives}
		}
		ex.emit(f, EventMapRunRedriven, rd, false)
	}
	mr.Cursor, mr.LastEnd = f.Last, f.Last
	resume := append(mr.Active, mr.Resume...)
	mr.Active, mr.Resume, mr.Queue = nil, nil, nil
	mr.Completed, mr.FailedN, mr.FirstErr, mr.FirstCause = 0, 0, "", ""
	for i := range mr.Items {
		if mr.ok(i) {
			mr.Completed++
			continue
		}
		mr.Queue = append(mr.Queue, i)
		if j := slices.IndexFunc(resume, func(c *frame) bool { return c.Index == i }); j >= 0 {
			mr.Resume = append(mr.Resume, resume[j])
		}
	}
	mr.Next = len(mr.Items)
	f.Map = mr
	f.Ph = phChildren
}

// rerunIteration starts the next iteration a redrive queued: the kept
// frame of an iteration that had started, or a new one. It reports whether
// that ended the Map state (as stepMap's loop does).
func (ex *Execution) rerunIteration(f *frame, st *state) bool {
	mr := f.Map
	idx := mr.Queue[0]
	mr.Queue = mr.Queue[1:]
	silent := f.Silent || st.distributed
	var c *frame
	if j := slices.IndexFunc(mr.Resume, func(r *frame) bool { return r.Index == idx }); j >= 0 {
		c = mr.Resume[j]
		mr.Resume = slices.Delete(mr.Resume, j, j+1)
		ex.rearm(c, f, mr.Cursor)
	} else {
		input, fl := ex.mapItemInput(f, st, idx)
		if fl != nil {
			for _, o := range mr.Active {
				ex.abortChild(o)
			}
			f.Map = nil
			ex.failState(f, st, fl)
			return true
		}
		c = ex.newChild(f, st.processor, input, mr.Cursor, idx, silent)
	}
	if !silent {
		var d any
		if ex.build {
			d = &MapIterationEventDetails{Name: st.name, Index: idx}
		}
		ex.emit(c, EventMapIterationStarted, d, false)
	}
	mr.Active = append(mr.Active, c)
	ex.runFrame(c)
	if ex.st.Halted || ex.st.Status != StatusRunning {
		return false
	}
	if c.Done {
		mr.Active = mr.Active[:len(mr.Active)-1]
		return ex.iterationDone(f, st, c)
	}
	return false
}
