package asl

func (ex *Execution) runParallel(f *frame, st *state) {
	ex.attemptParallel(f, st)
}

// attemptParallel starts every branch of a Parallel state.
func (ex *Execution) attemptParallel(f *frame, st *state) {
	if f.Redo != nil && f.Redo.Par != nil {
		ex.redriveParallel(f)
		return
	}
	input := f.Eff
	if st.parameters != nil {
		v, fl := st.parameters.eval(ex.scope(f, st, f.Eff))
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		input = v
	}
	ex.emit(f, EventParallelStateStarted, nil, false)
	pr := &parRun{Branches: make([]*frame, len(st.branches))}
	for i, g := range st.branches {
		pr.Branches[i] = ex.newChild(f, g, input, f.Last, i, f.Silent)
	}
	f.Par = pr
	f.Ph = phChildren
}

// stepParallel runs the branches that can progress; it completes the state
// when all succeeded, or fails it as soon as one fails.
func (ex *Execution) stepParallel(f *frame, st *state) bool {
	pr := f.Par
	allDone := true
	for _, c := range pr.Branches {
		if !c.Done && c.dirty {
			ex.runFrame(c)
		}
		if ex.st.Halted || ex.st.Status != StatusRunning {
			return false
		}
		if c.Done && c.Failed {
			for _, o := range pr.Branches {
				if o != c && !o.Done {
					ex.abortChild(o)
				}
			}
			f.Last, f.Tail = c.Last, c.Last
			f.Par = nil
			ex.handleFailure(f, st, &failure{Error: c.Err, Cause: c.Cause, terminal: c.Terminal}, true)
			if f.Failed {
				ex.stash(f, pr, nil) // a redrive reruns the failed and aborted branches
			}
			return true
		}
		if !c.Done {
			allDone = false
		}
	}
	if !allDone {
		return false
	}
	results := make([]any, len(pr.Branches))
	var last int64
	for i, c := range pr.Branches {
		results[i] = c.Out
		if c.Last > last {
			last = c.Last
		}
	}
	if !f.Silent {
		f.Last, f.Tail = last, last
	}
	ex.emit(f, EventParallelStateSucceeded, nil, true)
	f.Par = nil
	ex.completeState(f, st, results)
	return true
}
