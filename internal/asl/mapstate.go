package asl

import (
	"fmt"
	"strings"
)

func (ex *Execution) runMap(f *frame, st *state) {
	ex.attemptMap(f, st)
}

// attemptMap starts one attempt of a Map state: MaxConcurrency is evaluated
// before MapStateStarted, the tolerated failure fields after it (as AWS
// does).
func (ex *Execution) attemptMap(f *frame, st *state) {
	if f.Redo != nil && f.Redo.Map != nil {
		ex.redriveMap(f, st)
		return
	}
	s := ex.scope(f, st, f.Eff)
	maxc := st.maxConcurrency
	if rp := st.maxConcurrencyPath; rp != nil {
		v, err := rp.get(s)
		if err != nil {
			ex.failState(f, st, pathFailure(rp, s, err))
			return
		}
		n, ok := pathInteger(v)
		if !ok {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The MaxConcurrencyPath field refers to value \"%s\" which is not a valid integer: %s", plainValue(v), rp.src)})
			return
		}
		if n < 0 {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"Expected non-negative integer for MaxConcurrency, got '%d' instead.", n)})
			return
		}
		maxc = n
	}
	if st.ql == JSONata {
		n, ok, fl := ex.jsonataInt(f, st, "MaxConcurrency")
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		if ok {
			maxc = n
		}
	}
	var items []any
	if st.ql == JSONata && st.itemReader == nil {
		arr, fl := ex.jsonataItems(f, st)
		if fl != nil {
			f.Map = nil
			ex.handleFailure(f, st, fl, true)
			return
		}
		items = arr
	} else if st.itemReader == nil {
		v, fl := applyInputPath(st.itemsPath, s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		arr, ok := v.([]any)
		if !ok {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true,
				Cause: "Map state input must be an array but was: " + encodeValue(v)})
			return
		}
		items = arr
	}
	var details any
	if ex.build && !f.Silent {
		details = &MapStateStartedEventDetails{Length: len(items)}
	}
	ex.emit(f, EventMapStateStarted, details, false)
	mr := &mapRun{MaxConc: maxc}
	if fl := ex.toleratedFailures(st, s, mr); fl != nil {
		ex.failState(f, st, fl)
		return
	}
	if st.distributed {
		mr.RunArn, mr.RunStart = ex.mapRunArn(st), ex.now
		var d any
		if ex.build && !f.Silent {
			d = &MapRunStartedEventDetails{MapRunArn: mr.RunArn}
		}
		mr.RunStarted = ex.emit(f, EventMapRunStarted, d, false)
	}
	mr.Cursor, mr.LastEnd = f.Last, f.Last
	f.Map = mr
	if st.itemReader != nil {
		var params any
		if pv, ok := st.itemReader["Parameters"]; ok {
			params = pv
		}
		ex.newEffect(f, &pendingEffect{Kind: effItemReader, Params: params})
		f.Ph = phWaiting
		return
	}
	ex.startItems(f, st, items)
}

// toleratedFailures evaluates the ToleratedFailure* fields.
func (ex *Execution) toleratedFailures(st *state, s *evalScope, mr *mapRun) *failure {
	if st.ql == JSONata && st.jx != nil {
		return ex.jsonataTolerance(s.f, st, mr)
	}
	if st.hasToleratedCount {
		mr.TolCount, mr.HasTol = st.toleratedCount, true
	}
	if st.hasToleratedPct {
		mr.TolPct, mr.HasTol = st.toleratedPct, true
	}
	if rp := st.toleratedCountPath; rp != nil {
		v, err := rp.get(s)
		if err != nil {
			return pathFailure(rp, s, err)
		}
		n, ok := pathInteger(v)
		if !ok {
			return &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The ToleratedFailureCountPath field refers to value \"%s\" which is not a valid integer: %s", plainValue(v), rp.src)}
		}
		if n < 0 {
			return &failure{Error: ErrRuntime, terminal: true, Cause: "ToleratedFailureCount cannot be negative."}
		}
		mr.TolCount, mr.HasTol = n, true
	}
	if rp := st.toleratedPctPath; rp != nil {
		v, err := rp.get(s)
		if err != nil {
			return pathFailure(rp, s, err)
		}
		p, ok := pathFloat(v)
		if !ok {
			return &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The ToleratedFailurePercentagePath field refers to value \"%s\" which is not a valid float: %s", plainValue(v), rp.src)}
		}
		if p < 0 || p > 100 {
			return &failure{Error: ErrRuntime, terminal: true, Cause: "ToleratedFailurePercentage must be between 0 and 100."}
		}
		mr.TolPct, mr.HasTol = p, true
	}
	return nil
}

// mapRunArn names a Distributed Map's Map Run.
func (ex *Execution) mapRunArn(st *state) string {
	base := ex.st.Info.StateMachineArn
	if i := strings.Index(base, ":stateMachine:"); i >= 0 {
		base = base[:i] + ":mapRun:" + base[i+len(":stateMachine:"):]
	}
	label := st.label
	if label == "" {
		label = st.name
	}
	return base + "/" + label + ":" + ex.newUUID()
}

// itemsRead receives an ItemReader's items.
func (ex *Execution) itemsRead(f *frame, st *state, r Result) {
	fail := func(cause string) {
		mr := f.Map
		if mr != nil && mr.RunStarted > 0 {
			var d any
			if ex.build && !f.Silent {
				d = &ErrorCauseDetails{Error: string(ErrItemReaderFailed), Cause: cause}
			}
			ex.emit(f, EventMapRunFailed, d, true)
			ex.endMapRun(f, mr, MapRunFailed)
		}
		f.Map = nil
		ex.handleFailure(f, st, &failure{Error: ErrItemReaderFailed, Cause: cause}, true)
	}
	if r.Error != "" {
		fail(r.Cause)
		return
	}
	v, err := resultValue(r)
	if err != nil {
		fail(err.Error())
		return
	}
	items, ok := v.([]any)
	if !ok {
		fail("Attempting to map over non-iterable node.")
		return
	}
	ex.startItems(f, st, items)
}

// startItems begins iterating over items.
func (ex *Execution) startItems(f *frame, st *state, items []any) {
	mr := f.Map
	if st.itemBatcher != nil {
		batches, fl := ex.batchItems(f, st, items)
		if fl != nil {
			f.Map = nil
			ex.failState(f, st, fl)
			return
		}
		items = batches
	}
	mr.Items = items
	mr.Results = make([]any, len(items))
	f.Ph = phChildren
}

// batchItems groups items for a Distributed Map's ItemBatcher: each child
// receives {"Items": [...], "BatchInput": ...}.
func (ex *Execution) batchItems(f *frame, st *state, items []any) ([]any, *failure) {
	b := st.itemBatcher
	s := ex.scope(f, st, f.Eff)
	maxItems, maxBytes := b.maxItems, b.maxBytes
	if b.maxItemsPath != nil {
		v, err := b.maxItemsPath.get(s)
		if err != nil {
			return nil, pathFailure(b.maxItemsPath, s, err)
		}
		n, ok := pathInteger(v)
		if !ok || n <= 0 {
			return nil, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The MaxItemsPerBatchPath field refers to value \"%s\" which is not a valid integer: %s", plainValue(v), b.maxItemsPath.src)}
		}
		maxItems = n
	}
	if b.maxBytesPath != nil {
		v, err := b.maxBytesPath.get(s)
		if err != nil {
			return nil, pathFailure(b.maxBytesPath, s, err)
		}
		n, ok := pathInteger(v)
		if !ok || n <= 0 {
			return nil, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The MaxInputBytesPerBatchPath field refers to value \"%s\" which is not a valid integer: %s", plainValue(v), b.maxBytesPath.src)}
		}
		maxBytes = n
	}
	if maxBytes <= 0 {
		maxBytes = maxPayloadBytes
	}
	var batchInput any
	if b.batchInput != nil {
		v, fl := b.batchInput.eval(s)
		if fl != nil {
			return nil, fl
		}
		batchInput = v
	}
	var out []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		m := map[string]any{"Items": cur}
		if batchInput != nil {
			m["BatchInput"] = batchInput
		}
		out = append(out, m)
		cur, size = nil, 0
	}
	for i, it := range items {
		v := it
		if st.itemSelector != nil {
			sel, fl := st.itemSelector.eval(&evalScope{input: f.Eff, vars: f.vars, ex: ex, f: f, st: st, item: &mapItem{Index: i, Value: it}})
			if fl != nil {
				return nil, fl
			}
			v = sel
		}
		n := len(encodeValue(v)) + 1
		if len(cur) > 0 && ((maxItems > 0 && int64(len(cur)) >= maxItems) || int64(size+n) > maxBytes) {
			flush()
		}
		cur = append(cur, v)
		size += n
	}
	flush()
	return out, nil
}

// mapItemInput is iteration idx's input: the item, or the ItemSelector's
// result.
func (ex *Execution) mapItemInput(f *frame, st *state, idx int) (any, *failure) {
	mr := f.Map
	item := mr.Items[idx]
	if st.ql == JSONata {
		return ex.jsonataItemInput(f, st, idx, item)
	}
	if st.itemSelector == nil || st.itemBatcher != nil {
		return item, nil
	}
	s := &evalScope{input: f.Eff, vars: f.vars, ex: ex, f: f, st: st, item: &mapItem{Index: idx, Value: item}}
	return st.itemSelector.eval(s)
}

// stepMap runs the iterations that can progress and starts new ones within
// MaxConcurrency. It returns false when f must wait.
func (ex *Execution) stepMap(f *frame, st *state) bool {
	mr := f.Map
	for i := 0; i < len(mr.Active); i++ {
		c := mr.Active[i]
		if !c.Done && c.dirty {
			ex.runFrame(c)
		}
		if ex.st.Halted || ex.st.Status != StatusRunning {
			return false
		}
		if c.Done {
			mr.Active = append(mr.Active[:i], mr.Active[i+1:]...)
			i--
			if ex.iterationDone(f, st, c) {
				return true
			}
		}
	}
	for (len(mr.Queue) > 0 || mr.Next < len(mr.Items)) && (mr.MaxConc <= 0 || int64(len(mr.Active)) < mr.MaxConc) {
		if len(mr.Queue) > 0 {
			if ex.rerunIteration(f, st) {
				return true
			}
			if ex.st.Halted || ex.st.Status != StatusRunning {
				return false
			}
			continue
		}
		idx := mr.Next
		mr.Next++
		input, fl := ex.mapItemInput(f, st, idx)
		if fl != nil {
			for _, o := range mr.Active {
				ex.abortChild(o)
			}
			f.Map = nil
			ex.failState(f, st, fl)
			return true
		}
		silent := f.Silent || st.distributed
		c := ex.newChild(f, st.processor, input, mr.Cursor, idx, silent)
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
			if ex.iterationDone(f, st, c) {
				return true
			}
		}
	}
	if len(mr.Active) > 0 || mr.Next < len(mr.Items) || len(mr.Queue) > 0 {
		return false
	}
	ex.mapSucceeded(f, st)
	return true
}

// iterationDone records a finished iteration; it returns true when that
// ended the Map state (a failure).
func (ex *Execution) iterationDone(f *frame, st *state, c *frame) bool {
	mr := f.Map
	silent := c.Silent
	if c.Failed {
		if st.distributed && !c.Terminal {
			mr.FailedN++
			mr.Results[c.Index] = map[string]any{"Error": string(c.Err), "Cause": c.Cause}
			if mr.FirstErr == "" {
				mr.FirstErr, mr.FirstCause = string(c.Err), c.Cause
			}
			if !ex.toleranceExceeded(mr) {
				mr.Completed++
				return false
			}
			ex.endMapRun(f, mr, MapRunFailed)
			for _, o := range mr.Active {
				ex.abortChild(o)
			}
			cause := "The specified tolerated failure threshold was exceeded"
			var d any
			if ex.build && !f.Silent {
				d = &ErrorCauseDetails{Error: string(ErrExceedToleratedFailureThreshold), Cause: cause}
			}
			ex.emit(f, EventMapRunFailed, d, true)
			f.Map = nil
			ex.handleFailure(f, st, &failure{Error: ErrExceedToleratedFailureThreshold, Cause: cause}, true)
			if f.Failed {
				ex.stash(f, nil, mr) // a redrive reruns the unsuccessful items
			}
			return true
		}
		if !silent && !c.Terminal {
			var d any
			if ex.build {
				d = &MapIterationEventDetails{Name: st.name, Index: c.Index}
			}
			ex.emit(c, EventMapIterationFailed, d, true)
		}
		if st.distributed {
			ex.endMapRun(f, mr, MapRunFailed)
		}
		for _, o := range mr.Active {
			if !o.Silent && !o.Done {
				var d any
				if ex.build {
					d = &MapIterationEventDetails{Name: st.name, Index: o.Index}
				}
				ex.emitAt(o, EventMapIterationAborted, d, o.Last)
			}
			ex.abortChild(o)
		}
		if !silent {
			f.Last, f.Tail = c.Last, c.Last
		}
		f.Map = nil
		ex.handleFailure(f, st, &failure{Error: c.Err, Cause: c.Cause, terminal: c.Terminal}, true)
		if f.Failed {
			mr.Resume = append(mr.Resume, c)
			ex.stash(f, nil, mr) // a redrive reruns the failed and aborted iterations
		}
		return true
	}
	mr.Results[c.Index] = c.Out
	mr.setOk(c.Index)
	mr.Completed++
	if !silent {
		var d any
		if ex.build {
			d = &MapIterationEventDetails{Name: st.name, Index: c.Index}
		}
		mr.LastEnd = ex.emit(c, EventMapIterationSucceeded, d, true)
		mr.Cursor = c.Last
	}
	return false
}

// toleranceExceeded reports whether a Distributed Map's failures exceed its
// tolerated failure count or percentage.
func (ex *Execution) toleranceExceeded(mr *mapRun) bool {
	if !mr.HasTol {
		return mr.FailedN > 0
	}
	countOK := mr.TolCount > 0 && int64(mr.FailedN) <= mr.TolCount
	pctOK := mr.TolPct > 0 && len(mr.Items) > 0 && float64(mr.FailedN)*100/float64(len(mr.Items)) <= mr.TolPct
	return !countOK && !pctOK
}

// mapSucceeded completes a Map state whose iterations all finished.
func (ex *Execution) mapSucceeded(f *frame, st *state) {
	mr := f.Map
	if st.distributed {
		ex.emit(f, EventMapRunSucceeded, nil, true)
		ex.endMapRun(f, mr, MapRunSucceeded)
	} else if !f.Silent {
		f.Last, f.Tail = mr.LastEnd, mr.LastEnd
	}
	ex.emit(f, EventMapStateSucceeded, nil, true)
	results := mr.Results
	f.Map = nil
	ex.completeState(f, st, results)
}
