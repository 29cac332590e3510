package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// TestState (the Step Functions API that runs one state) runs the state as
// the first state of a small machine: the state itself, and a Succeed state
// for each state it may transition to, so that the definition validates as
// AWS validates it and the state runs exactly as in an execution. A probe
// watches the state's data flow (input, InputPath, Parameters or Arguments,
// the result, ResultSelector, ResultPath) and stops the run as soon as the
// state is left (by a transition, a Catch or a Retry).

// Test statuses, as TestState reports them.
const (
	TestSucceeded   = "SUCCEEDED"
	TestFailed      = "FAILED"
	TestRetriable   = "RETRIABLE"
	TestCaughtError = "CAUGHT_ERROR"
)

// ErrTestStateInput is wrapped by NewStateTest's errors about the request
// (not the definition): a stateName that is not in the definition, bad
// variables.
var ErrTestStateInput = errors.New("asl: invalid TestState input")

// Stages of the data flow the probe records (InspectionData's members).
const (
	stageAfterInputPath      = "afterInputPath"
	stageAfterParameters     = "afterParameters"
	stageAfterArguments      = "afterArguments"
	stageResult              = "result"
	stageAfterResultSelector = "afterResultSelector"
	stageAfterResultPath     = "afterResultPath"
)

// TestStateOptions describe one TestState run.
type TestStateOptions struct {
	// Definition is one state (a JSON object with "Type"), or, with
	// StateName, a whole state machine of which that state is tested.
	Definition []byte
	StateName  string

	Input     string // JSON text; "" means "{}"
	Variables string // JSON object text of the workflow variables, or ""

	ExecutionArn    string
	StateMachineArn string
	RoleArn         string
	Now             time.Time
	Seed            uint64
	Compile         CompileOptions
}

// Inspection is TestState's inspectionData: JSON texts of the data flow
// ("" when the stage did not happen) and how an error was handled.
type Inspection struct {
	Input               string
	AfterInputPath      string
	AfterParameters     string
	AfterArguments      string
	Result              string
	AfterResultSelector string
	AfterResultPath     string
	Variables           string
	CatchIndex          *int
	RetryIndex          *int
	RetryBackoffSeconds *int
}

// TestStateResult is TestState's answer.
type TestStateResult struct {
	Status     string
	Output     string // JSON text; "" when the state failed or is retried
	Error      string
	Cause      string
	NextState  string
	Inspection Inspection
}

// StateTest is one TestState run, driven like an Execution: answer its
// Pending effects with Complete until Done.
type StateTest struct {
	ex    *Execution
	probe *stateProbe
	typ   string
}

// stateProbe observes the tested state.
type stateProbe struct {
	stages    map[string]any
	ql        QueryLanguage
	typ       stateType
	finished  bool
	out       any
	next      string
	wasCaught bool
	catchIdx  *int
	retryIdx  *int
	backoff   *int
	err       ErrorName
	cause     string
	variables map[string]any
}

// note records a stage of the tested state (the root frame's first state).
func (p *stateProbe) note(f *frame, stage string, v any) {
	if f.parent != nil || p.finished {
		return
	}
	p.stages[stage] = v
}

// passResult records a Pass state's result: its Result field, or what
// Parameters made of the input.
func (p *stateProbe) passResult(f *frame, st *state, v any) {
	if st.hasResult {
		p.note(f, stageResult, v)
		return
	}
	p.note(f, stageAfterParameters, v)
}

// exited records the tested state's output and next state, and stops the
// run there.
func (p *stateProbe) exited(ex *Execution, f *frame, st *state, out any, next *state, assigned map[string]any) {
	if f.parent != nil || p.finished {
		return
	}
	p.finished = true
	p.out = out
	if next != nil {
		p.next = next.name
	}
	vars := map[string]any{}
	for k, v := range f.vars.vals {
		vars[k] = v
	}
	for k, v := range assigned {
		vars[k] = v
	}
	p.variables = vars
	ex.st.Halted = true
}

// caught records which Catch handled a failure of the tested state.
func (p *stateProbe) caught(f *frame, st *state, c *catcher, fl *failure) {
	if f.parent != nil || p.finished {
		return
	}
	for i, cc := range st.catch {
		if cc == c {
			p.catchIdx = &i
		}
	}
	p.wasCaught, p.err, p.cause = true, fl.Error, fl.Cause
}

// retried records that a Retry would run the tested state again, and stops
// there: TestState does not wait for retries.
func (p *stateProbe) retried(ex *Execution, f *frame, index int, delay float64, fl *failure) {
	if f.parent != nil || p.finished {
		return
	}
	p.finished = true
	p.retryIdx = &index
	secs := int(delay)
	p.backoff = &secs
	p.err, p.cause = fl.Error, fl.Cause
	ex.st.Halted = true
}

// NewStateTest compiles the tested state and runs it as far as it can go
// without the world.
func NewStateTest(opts TestStateOptions) (*StateTest, error) {
	if opts.StateName != "" {
		if _, err := CompileWith(opts.Definition, opts.Compile); err != nil {
			return nil, err
		}
	}
	def, name, typ, err := testMachine(opts.Definition, opts.StateName)
	if err != nil {
		return nil, err
	}
	m, err := CompileWith(def, opts.Compile)
	if err != nil {
		return nil, err
	}
	var vars map[string]any
	if opts.Variables != "" {
		v, err := decodeValue(opts.Variables)
		if err != nil {
			return nil, fmt.Errorf("%w: variables: %v", ErrTestStateInput, err)
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: variables must be a JSON object", ErrTestStateInput)
		}
		vars = obj
	}
	st := m.root.states[name]
	p := &stateProbe{stages: map[string]any{}, ql: st.ql, typ: st.typ}
	t := &StateTest{probe: p, typ: typ}
	ex, _, err := m.start(StartOptions{
		Input: opts.Input, ExecutionArn: opts.ExecutionArn, StateMachineArn: opts.StateMachineArn,
		RoleArn: opts.RoleArn, StartTime: opts.Now, Seed: opts.Seed, History: HistoryOff, MaxEvents: -1,
	}, func(ex *Execution) {
		ex.probe = p
		for k, v := range vars {
			ex.st.Root.vars.set(k, v)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTestStateInput, err)
	}
	t.ex = ex
	return t, nil
}

// testMachine wraps a TestState definition into a machine whose first
// state is the tested one, and returns it with the state's name and type.
func testMachine(definition []byte, stateName string) ([]byte, string, string, error) {
	v, err := decodeValue(string(definition))
	if err != nil {
		return nil, "", "", &DefinitionError{Diagnostics: []Diagnostic{{Severity: "ERROR", Code: CodeInvalidJSON,
			Message: "Invalid JSON description: " + err.Error()}}}
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		return nil, "", "", &DefinitionError{Diagnostics: []Diagnostic{{Severity: "ERROR", Code: CodeSchemaValidationFailed,
			Message: "Expected value of type: Object", Location: "/"}}}
	}
	name := "StateName"
	var ql any
	if stateName != "" {
		states, _ := obj["States"].(map[string]any)
		st, _ := states[stateName].(map[string]any)
		if st == nil {
			return nil, "", "", fmt.Errorf("%w: state '%s' is not a top-level state of the definition", ErrTestStateInput, stateName)
		}
		ql, name, obj = obj["QueryLanguage"], stateName, st
	}
	typ, _ := obj["Type"].(string)
	targets := map[string]bool{}
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" {
			targets[s] = true
		}
	}
	add(obj["Next"])
	add(obj["Default"])
	for _, key := range []string{"Choices", "Catch"} {
		list, _ := obj[key].([]any)
		for _, item := range list {
			if m, ok := item.(map[string]any); ok {
				add(m["Next"])
			}
		}
	}
	for stateName == "" && targets[name] {
		name += "_"
	}
	states := map[string]any{name: obj}
	for t := range targets {
		if t != name { // a transition to itself ends the test all the same
			states[t] = map[string]any{"Type": "Succeed"}
		}
	}
	machine := map[string]any{"StartAt": name, "States": states}
	if ql != nil {
		machine["QueryLanguage"] = ql
	}
	b, err := json.Marshal(machine)
	return b, name, typ, err
}

// Type returns the tested state's type ("Task", "Pass"...).
func (t *StateTest) Type() string { return t.typ }

// Pending returns the effects the tested state waits on (none once Done).
func (t *StateTest) Pending() []Effect {
	if t.Done() {
		return nil
	}
	return t.ex.Pending()
}

// Done reports whether the test has its result.
func (t *StateTest) Done() bool {
	return t.probe.finished || t.ex.Done() || len(t.ex.Pending()) == 0
}

// Complete reports the result of a pending effect.
func (t *StateTest) Complete(id string, r Result, now time.Time) error {
	_, err := t.ex.Complete(id, r, now)
	return err
}

// Result returns the test's outcome; inspect fills its Inspection (DEBUG and
// TRACE levels).
func (t *StateTest) Result(inspect bool) TestStateResult {
	p := t.probe
	var res TestStateResult
	switch {
	case p.retryIdx != nil:
		res.Status, res.Error, res.Cause = TestRetriable, string(p.err), p.cause
	case p.finished && p.wasCaught:
		res.Status, res.Error, res.Cause = TestCaughtError, string(p.err), p.cause
		res.Output, res.NextState = encodeValue(p.out), p.next
	case p.finished:
		res.Status, res.Output, res.NextState = TestSucceeded, encodeValue(p.out), p.next
	case t.ex.Status() == StatusFailed || t.ex.Status() == StatusTimedOut:
		res.Status, res.Error, res.Cause = TestFailed, t.ex.Error(), t.ex.Cause()
	default:
		res.Status, res.Error, res.Cause = TestFailed, string(ErrRuntime), "The state did not complete."
	}
	if !inspect {
		return res
	}
	in := &res.Inspection
	in.Input = t.ex.Input()
	_, hasResult := p.stages[stageResult]
	if p.typ == typePass && hasResult {
		// A Pass state with a Result ignores its input: AWS shows no
		// InputPath or Parameters stage.
		delete(p.stages, stageAfterInputPath)
		delete(p.stages, stageAfterParameters)
	}
	if v, ok := p.stages[stageAfterInputPath]; ok && p.ql == JSONPath {
		in.AfterInputPath = encodeValue(v)
	} else if p.typ == typeFail && p.ql == JSONPath {
		in.AfterInputPath = compactJSON(t.ex.Input()) // a Fail state has no InputPath
	}
	set := func(dst *string, stage string) {
		if v, ok := p.stages[stage]; ok {
			*dst = encodeValue(v)
		}
	}
	set(&in.AfterArguments, stageAfterArguments)
	set(&in.Result, stageResult)
	if p.ql == JSONPath {
		set(&in.AfterParameters, stageAfterParameters)
		set(&in.AfterResultSelector, stageAfterResultSelector)
		set(&in.AfterResultPath, stageAfterResultPath)
	}
	if len(p.variables) > 0 {
		in.Variables = encodeValue(p.variables)
	}
	in.CatchIndex, in.RetryIndex, in.RetryBackoffSeconds = p.catchIdx, p.retryIdx, p.backoff
	return res
}

// TestedStateType returns the type of the state a TestState definition
// tests ("Task", "Map"...), without running it.
func TestedStateType(definition []byte, stateName string) (string, error) {
	_, _, typ, err := testMachine(definition, stateName)
	return typ, err
}
