package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// noNextStateCause is AWS's cause when a Choice matches no rule and has no
// Default (raised as States.Runtime, not States.NoChoiceMatched).
const noNextStateCause = "Failed to transition out of the state. The state does not point to a next state."

// enterState records the current state's Entered event and runs it as far
// as it can go without the world.
func (ex *Execution) enterState(f *frame) {
	st := ex.stateOf(f)
	var details any
	if ex.build && !f.Silent {
		if f.inJSON == "" {
			f.inJSON = encodeValue(f.In)
		}
		d := ex.enteredSlab.alloc()
		*d = StateEnteredEventDetails{Name: st.name, Input: f.inJSON, InputDetails: notTruncated}
		details = d
	}
	f.Entered = ex.emit(f, stateEventTypes[st.typ.String()][0], details, false)
	f.EnteredAt = ex.now
	f.Retries = f.Retries[:0]
	f.RetryCount = 0
	f.Ph = phWaiting
	if ex.st.Halted {
		return
	}
	if st.ql == JSONata {
		ex.runJSONata(f, st)
		return
	}
	if st.typ == typeFail {
		ex.runFail(f, st)
		return
	}
	s := ex.scope(f, st, f.In)
	eff, fl := applyInputPath(st.inputPath, s)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	f.Eff = eff
	if ex.probe != nil {
		ex.probe.note(f, stageAfterInputPath, eff)
	}
	switch st.typ {
	case typePass:
		ex.runPass(f, st, eff)
	case typeTask:
		ex.runTask(f, st)
	case typeChoice:
		ex.runChoice(f, st, eff)
	case typeWait:
		ex.runWait(f, st, eff)
	case typeSucceed:
		out, fl := applyOutputPath(st.outputPath, ex.scope(f, st, eff))
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		ex.exitState(f, st, out, nil, nil, false)
	case typeParallel:
		ex.runParallel(f, st)
	case typeMap:
		ex.runMap(f, st)
	}
}

// applyInputPath selects a state's effective input.
func applyInputPath(op optPath, s *evalScope) (any, *failure) {
	if !op.set {
		return s.input, nil
	}
	if op.null {
		return map[string]any{}, nil
	}
	v, err := op.path.get(s)
	if err != nil {
		return nil, pathFailure(op.path, s, err)
	}
	return v, nil
}

// applyOutputPath selects a state's output from s.input.
func applyOutputPath(op optPath, s *evalScope) (any, *failure) {
	return applyInputPath(op, s)
}

// pathFailure is AWS's States.Runtime for an InputPath/OutputPath/ItemsPath
// that selects nothing: "Invalid path '$.x' : No results for path: $['x']".
func pathFailure(rp *refPath, s *evalScope, err error) *failure {
	msg := err.Error()
	if errors.Is(err, errPathNoMatch) && rp.kind == pathVariable && err == errPathNoMatch {
		msg = "No results for path: " + rp.src
	}
	return &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf("Invalid path '%s' : %s", rp.src, msg)}
}

// applyResultPath places result into the state's raw input.
func applyResultPath(op optPath, in, result any) (any, *failure) {
	if !op.set || (op.path != nil && op.path.whole) {
		return result, nil
	}
	if op.null {
		return in, nil
	}
	out, err := op.path.p.Set(in, result)
	if err != nil {
		return nil, &failure{Error: ErrResultPathMatchFailure, Cause: fmt.Sprintf(
			"Unable to apply ReferencePath %s to input %s", op.path.src, encodeValue(in))}
	}
	return out, nil
}

// evalAssign evaluates an Assign template; the returned map is the new
// variable values, applied by exitState.
func (ex *Execution) evalAssign(s *evalScope, t *tmpl) (map[string]any, *failure) {
	if t == nil {
		return nil, nil
	}
	v, fl := t.eval(s)
	if fl != nil {
		return nil, fl
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// completeState finishes an execution state (Pass, Task, Parallel, Map)
// with its raw result: Assign, ResultSelector, ResultPath, OutputPath.
func (ex *Execution) completeState(f *frame, st *state, result any) {
	if st.ql == JSONata {
		env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
		ex.completeJSONata(f, st, env, f.In, result)
		return
	}
	if ex.probe != nil && st.typ == typeTask {
		ex.probe.note(f, stageResult, result)
	}
	s := ex.scope(f, st, result)
	assigned, fl := ex.evalAssign(s, st.assign)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	if st.resultSelector != nil {
		result, fl = st.resultSelector.eval(s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
	}
	out, fl := applyResultPath(st.resultPath, f.In, result)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	if ex.probe != nil {
		ex.probe.note(f, stageAfterResultSelector, result)
		ex.probe.note(f, stageAfterResultPath, out)
	}
	s.input = out
	out, fl = applyOutputPath(st.outputPath, s)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	ex.exitState(f, st, out, st.next, assigned, false)
}

// exitState records the Exited event with the state's output and moves f
// to next (nil: the chain ends with out).
func (ex *Execution) exitState(f *frame, st *state, out any, next *state, assigned map[string]any, caught bool) {
	var outJSON string
	if ex.build && !f.Silent {
		outJSON = encodeValue(out)
		if !caught && len(outJSON) > maxPayloadBytes {
			ex.dataLimit(f, st)
			return
		}
	} else if !caught && jsonSizeExceeds(out, maxPayloadBytes) {
		ex.dataLimit(f, st)
		return
	}
	if ex.probe != nil {
		ex.probe.exited(ex, f, st, out, next, assigned)
	}
	var assignedJSON map[string]string
	if len(assigned) > 0 {
		if ex.build {
			assignedJSON = make(map[string]string, len(assigned))
		}
		for k, v := range assigned {
			f.vars.set(k, v)
			if assignedJSON != nil {
				assignedJSON[k] = encodeValue(v)
			}
		}
	}
	if typ := stateEventTypes[st.typ.String()][1]; typ != "" {
		var details any
		if ex.build && !f.Silent {
			d := ex.exitedSlab.alloc()
			*d = StateExitedEventDetails{Name: st.name, Output: outJSON, OutputDetails: notTruncated}
			if assignedJSON != nil {
				d.AssignedVariables = assignedJSON
				d.AssignedVariablesDetails = notTruncated
			}
			details = d
		}
		ex.emit(f, typ, details, false)
	}
	f.Eff = nil
	f.Retries = f.Retries[:0]
	f.RetryCount = 0
	if next == nil {
		f.Done = true
		f.Ph = phDone
		f.Out = out
		f.outJSON = outJSON
		return
	}
	f.Cur = next.name
	f.In = out
	f.inJSON = outJSON
	f.Ph = phStart
}

func (ex *Execution) dataLimit(f *frame, st *state) {
	ex.handleFailure(f, st, &failure{Error: ErrDataLimitExceeded, Cause: fmt.Sprintf(
		"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", st.name)}, false)
}

// jsonSizeExceeds reports whether v's JSON encoding is longer than limit,
// without building it.
func jsonSizeExceeds(v any, limit int) bool {
	n := 0
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			n += len(x) + 2
		case map[string]any:
			n += 2 + len(x)
			for k, e := range x {
				n += len(k) + 3
				if walk(e) {
					return true
				}
			}
		case []any:
			n += 2 + len(x)
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		default:
			n += 8
		}
		return n > limit
	}
	return walk(v)
}

// ---- Pass ----------------------------------------------------------------

func (ex *Execution) runPass(f *frame, st *state, eff any) {
	result := eff
	if st.parameters != nil {
		v, fl := st.parameters.eval(ex.scope(f, st, eff))
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		result = v
	}
	if st.hasResult {
		result = st.result
	}
	if ex.probe != nil {
		ex.probe.passResult(f, st, result)
	}
	ex.completeState(f, st, result)
}

// ---- Choice --------------------------------------------------------------

func (ex *Execution) runChoice(f *frame, st *state, eff any) {
	s := ex.scope(f, st, eff)
	var next *state
	var assignT *tmpl
	for _, r := range st.choices {
		ok, fl := r.eval(s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		if ok {
			next, assignT = r.next, r.assign
			break
		}
	}
	if next == nil {
		if st.defaultNext == nil {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: noNextStateCause})
			return
		}
		next, assignT = st.defaultNext, st.assign
	}
	assigned, fl := ex.evalAssign(s, assignT)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	out, fl := applyOutputPath(st.outputPath, s)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	ex.exitState(f, st, out, next, assigned, false)
}

// ---- Wait ----------------------------------------------------------------

func (ex *Execution) runWait(f *frame, st *state, eff any) {
	s := ex.scope(f, st, eff)
	var until time.Time
	switch {
	case st.hasWaitSeconds:
		until = ex.now.Add(time.Duration(st.waitSeconds) * time.Second)
	case st.hasWaitTS:
		until = st.waitTimestamp
	case st.waitSecondsPath != nil:
		rp := st.waitSecondsPath
		v, err := rp.get(s)
		if err != nil {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true,
				Cause: "The SecondsPath parameter does not reference an input value: " + rp.src})
			return
		}
		n, ok := waitSecondsValue(v)
		if !ok {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The SecondsPath parameter cannot be parsed as a long value: %s == %s", rp.src, plainValue(v))})
			return
		}
		if n < 0 {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The SecondsPath parameter references a negative value: %s == %s", rp.src, plainValue(v))})
			return
		}
		until = ex.now.Add(time.Duration(n) * time.Second)
	case st.waitTSPath != nil:
		rp := st.waitTSPath
		v, err := rp.get(s)
		if err != nil {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true,
				Cause: "The TimestampPath parameter does not reference an input value: " + rp.src})
			return
		}
		str, _ := v.(string)
		t, ok := parseTimestamp(str)
		if !ok {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s",
				rp.src, plainValue(v))})
			return
		}
		until = t
	}
	if !until.After(ex.now) {
		ex.finishWait(f, st)
		return
	}
	ex.newEffect(f, &pendingEffect{Kind: effSleep, Until: until})
	f.Ph = phWaiting
}

// waitSecondsValue reads a SecondsPath value: an integer, or a string holding
// one.
func waitSecondsValue(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	case int, int64:
		return toInteger(x)
	}
	return 0, false
}

// plainValue renders a value the way AWS quotes it in messages: strings
// bare, everything else as JSON.
func plainValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return encodeValue(v)
}

// finishWait completes a Wait state.
func (ex *Execution) finishWait(f *frame, st *state) {
	if st.ql == JSONata {
		env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
		ex.completeJSONata(f, st, env, f.In, nil)
		return
	}
	s := ex.scope(f, st, f.Eff)
	assigned, fl := ex.evalAssign(s, st.assign)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	out, fl := applyOutputPath(st.outputPath, s)
	if fl != nil {
		ex.failState(f, st, fl)
		return
	}
	ex.exitState(f, st, out, st.next, assigned, false)
}

// ---- Fail ----------------------------------------------------------------

func (ex *Execution) runFail(f *frame, st *state) {
	errName, cause := st.failError, st.failCause
	s := ex.scope(f, st, f.In)
	if st.failErrorPath != nil {
		v, fl := st.failErrorPath.evalField(s, "ErrorPath")
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		errName = plainValue(v)
	}
	if st.failCausePath != nil {
		v, fl := st.failCausePath.evalField(s, "CausePath")
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		cause = plainValue(v)
	}
	ex.failFrame(f, ErrorName(errName), cause, false)
}

// ---- context object ------------------------------------------------------

// contextObject builds the context object ($$) for a scope.
func (ex *Execution) contextObject(s *evalScope) any {
	info := &ex.st.Info
	execution := map[string]any{
		"Id":           info.ExecutionArn,
		"Input":        ex.input,
		"StartTime":    timestampString(info.StartTime),
		"Name":         info.Name,
		"RoleArn":      info.RoleArn,
		"RedriveCount": numberValue(int64(info.RedriveCount)),
	}
	ctx := map[string]any{
		"Execution":    execution,
		"StateMachine": map[string]any{"Id": info.StateMachineArn, "Name": info.StateMachineName},
	}
	if s.st != nil && s.f != nil {
		stateObj := map[string]any{"Name": s.st.name, "EnteredTime": timestampString(s.f.EnteredAt)}
		switch s.st.typ {
		case typeTask, typeParallel, typeMap:
			stateObj["RetryCount"] = numberValue(s.f.RetryCount)
		}
		ctx["State"] = stateObj
	}
	if s.token != "" {
		ctx["Task"] = map[string]any{"Token": s.token}
	}
	if s.item != nil {
		ctx["Map"] = map[string]any{"Item": map[string]any{"Index": numberValue(int64(s.item.Index)), "Value": s.item.Value}}
	}
	return ctx
}

// ---- numbers from paths --------------------------------------------------

// pathInteger reads an integer-valued path field (MaxConcurrencyPath,
// ToleratedFailureCountPath, TimeoutSecondsPath...). Integer strings are
// accepted, as AWS does.
func pathInteger(v any) (int64, bool) {
	if n, ok := toInteger(v); ok {
		return n, true
	}
	if s, ok := v.(string); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	return 0, false
}

func pathFloat(v any) (float64, bool) {
	if f, ok := toFloat(v); ok {
		return f, true
	}
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}
