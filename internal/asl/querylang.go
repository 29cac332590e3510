package asl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file is the query-language seam. JSONPath is built in (path.go,
// template.go); JSONata is evaluated by a JSONataEngine the caller plugs in
// with CompileWith. Without an engine, JSONata states compile (so
// definitions validate as on AWS) and fail at run time with
// States.QueryEvaluationError.

// JSONataEngine compiles JSONata expressions (the text between "{%" and
// "%}").
type JSONataEngine interface {
	Compile(expr string) (JSONataExpr, error)
}

// JSONataExpr is a compiled JSONata expression. It may be evaluated
// concurrently.
type JSONataExpr interface {
	// Eval evaluates the expression in env. defined is false when the
	// result is undefined. v is a plain JSON value (map[string]any, []any,
	// string, bool, nil or json.Number). A result JSON cannot hold (a
	// function) is an error wrapping ErrJSONataUnsupportedResult.
	Eval(env *JSONataEnv) (v any, defined bool, err error)
}

// JSONataEnv is what a JSONata expression sees of the execution.
type JSONataEnv struct {
	// States is the $states variable: input, context, and result or
	// errorOutput when the field has them.
	States map[string]any
	// Var looks up a workflow variable ($name).
	Var func(name string) (any, bool)
	// Now is the time $now() and $millis() return: the time of the step.
	Now time.Time
	// Random returns a number in [0, 1) from the execution's seeded source
	// ($random(), $shuffle()); UUID returns a version 4 UUID from it
	// ($uuid()).
	Random func() float64
	UUID   func() string
}

// ErrJSONataUnsupportedResult is wrapped by the error of an expression
// whose result cannot be represented in JSON.
var ErrJSONataUnsupportedResult = errors.New("unsupported result type")

// JSONataUnsupportedError is the error JSONataEngine.Compile returns for
// an expression that parses but that Step Functions refuses, such as a
// reference to the (absent) top-level context: it is reported as
// UNSUPPORTED_JSONATA_EXPRESSION rather than INVALID_JSONATA_EXPRESSION.
type JSONataUnsupportedError struct{ Message string }

func (e *JSONataUnsupportedError) Error() string { return e.Message }

// jsonataStatesReader is implemented by expressions that can tell which
// fields of $states they read ("input", "errorOutput"...), so that
// definitions reading $states.errorOutput outside a catcher are refused.
type jsonataStatesReader interface {
	StatesFields() []string
}

// CompileOptions configures CompileWith.
type CompileOptions struct {
	// JSONata evaluates JSONata states; nil leaves them failing at run time.
	JSONata JSONataEngine
}

// CompileWith is Compile with options.
func CompileWith(definition []byte, opts CompileOptions) (*Machine, error) {
	m, diags := compileWith(definition, opts)
	if len(diags) > 0 {
		return nil, &DefinitionError{Diagnostics: diags}
	}
	return m, nil
}

// ValidateWith is Validate with options: with a JSONata engine, JSONata
// expressions are checked too (INVALID_JSONATA_EXPRESSION).
func ValidateWith(definition []byte, opts CompileOptions) []Diagnostic {
	_, diags := compileWith(definition, opts)
	return diags
}

// jtmpl is a compiled JSONata template: any JSON value in which strings of
// the form "{% expr %}" are expressions.
type jtmpl struct {
	static any
	expr   JSONataExpr
	src    string
	rel    string // the node's path below the field, as AWS names it ("/key", "[0]")
	fields []jtField
	items  []*jtmpl
	kind   tmplKind // tmplStatic, tmplObject, tmplArray, or tmplIntrinsic for an expression
}

type jtField struct {
	key  string
	node *jtmpl
}

// jsonataSource returns the expression inside "{% ... %}", if s is one.
// The delimiters must open and close the string.
func jsonataSource(s string) (string, bool) {
	if len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") {
		return strings.TrimSpace(s[2 : len(s)-2]), true
	}
	return "", false
}

// compileJSONata compiles a JSONata template with engine, reporting bad
// expressions as INVALID_JSONATA_EXPRESSION (or
// UNSUPPORTED_JSONATA_EXPRESSION) at loc. rel is the node's path below the
// field; catcher is true for a catcher's Output and Assign, the only
// fields that may read $states.errorOutput.
func (p *parser) compileJSONata(v any, loc, rel string, catcher bool) *jtmpl {
	switch x := v.(type) {
	case string:
		src, ok := jsonataSource(x)
		if !ok {
			return &jtmpl{kind: tmplStatic, static: x}
		}
		e, err := p.jsonata.Compile(src)
		var ue *JSONataUnsupportedError
		switch {
		case errors.As(err, &ue):
			p.add(CodeUnsupportedJSONataExpr, loc, "%s", ue.Message)
			return &jtmpl{kind: tmplStatic}
		case err != nil:
			p.add(CodeInvalidJSONataExpr, loc, "%s", err.Error())
			return &jtmpl{kind: tmplStatic}
		}
		if r, ok := e.(jsonataStatesReader); ok && !catcher && slices.Contains(r.StatesFields(), "errorOutput") {
			p.add(CodeUnsupportedJSONataExpr, loc, "Reference to '$states.errorOutput' is not supported.")
			return &jtmpl{kind: tmplStatic}
		}
		return &jtmpl{kind: tmplIntrinsic, expr: e, src: src, rel: rel}
	case map[string]any:
		t := &jtmpl{kind: tmplObject, rel: rel}
		dynamic := false
		for _, k := range sortedKeys(x) {
			n := p.compileJSONata(x[k], loc+"/"+escapeLoc(k), rel+"/"+k, catcher)
			dynamic = dynamic || n.kind != tmplStatic
			t.fields = append(t.fields, jtField{key: k, node: n})
		}
		if !dynamic {
			return &jtmpl{kind: tmplStatic, static: v}
		}
		return t
	case []any:
		t := &jtmpl{kind: tmplArray, rel: rel}
		dynamic := false
		for i, e := range x {
			n := p.compileJSONata(e, fmt.Sprintf("%s[%d]", loc, i), fmt.Sprintf("%s[%d]", rel, i), catcher)
			dynamic = dynamic || n.kind != tmplStatic
			t.items = append(t.items, n)
		}
		if !dynamic {
			return &jtmpl{kind: tmplStatic, static: v}
		}
		return t
	}
	return &jtmpl{kind: tmplStatic, static: v}
}

// compileJSONataState compiles the JSONata fields of st.
func (p *parser) compileJSONataState(st *state) {
	if p.jsonata == nil || st.ql != JSONata {
		return
	}
	st.jx = map[string]*jtmpl{}
	for k, v := range st.jsonata {
		st.jx[k] = p.compileJSONata(v, st.loc+"/"+k, "", false)
	}
	for i, r := range st.choices {
		if r.condition != nil {
			r.jcond = p.compileJSONata(r.condition, fmt.Sprintf("%s/Choices[%d]/Condition", st.loc, i), "", false)
		}
		if r.jassign != nil {
			r.jassignT = p.compileJSONata(r.jassign, fmt.Sprintf("%s/Choices[%d]/Assign", st.loc, i), "", false)
		}
		if r.joutput != nil {
			r.joutputT = p.compileJSONata(r.joutput, fmt.Sprintf("%s/Choices[%d]/Output", st.loc, i), "", false)
		}
	}
	for i, c := range st.catch {
		if c.joutput != nil {
			c.joutputT = p.compileJSONata(c.joutput, fmt.Sprintf("%s/Catch[%d]/Output", st.loc, i), "", true)
		}
		if c.jassign != nil {
			c.jassignT = p.compileJSONata(c.jassign, fmt.Sprintf("%s/Catch[%d]/Assign", st.loc, i), "", true)
		}
	}
}

// jsonataEnv is what a JSONata state's expressions evaluate in.
type jsonataEnv struct {
	states map[string]any
	vars   *varScope
	ex     *Execution
}

// newJSONataEnv binds $states for f's current state.
func (ex *Execution) newJSONataEnv(f *frame, states map[string]any) *jsonataEnv {
	return &jsonataEnv{states: states, vars: f.vars, ex: ex}
}

// engineEnv is the seam's view of env.
func (env *jsonataEnv) engineEnv() *JSONataEnv {
	e := &JSONataEnv{States: env.states, Var: env.vars.lookup}
	if ex := env.ex; ex != nil {
		e.Now = ex.now
		e.Random = func() float64 { return float64(ex.rand64()>>11) / (1 << 53) }
		e.UUID = ex.newUUID
	}
	return e
}

// eval evaluates a JSONata template. Inside objects and arrays every
// expression must have a value; at the top, defined reports whether the
// expression had one.
func (t *jtmpl) eval(env *jsonataEnv) (v any, defined bool, err error) {
	switch t.kind {
	case tmplStatic:
		return t.static, true, nil
	case tmplObject:
		out := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			v, err := f.node.evalNested(env)
			if err != nil {
				return nil, false, err
			}
			out[f.key] = v
		}
		return out, true, nil
	case tmplArray:
		out := make([]any, 0, len(t.items))
		for _, it := range t.items {
			v, err := it.evalNested(env)
			if err != nil {
				return nil, false, err
			}
			out = append(out, v)
		}
		return out, true, nil
	}
	v, ok, err := t.expr.Eval(env.engineEnv())
	if err != nil {
		return nil, false, &jsonataError{src: t.src, rel: t.rel, err: err}
	}
	if ok {
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, false, &jsonataError{src: t.src, rel: t.rel, err: err}
		}
		v = nv
	}
	return v, ok, nil
}

// evalNested evaluates a node inside an object or array template, where
// an undefined result is an error.
func (t *jtmpl) evalNested(env *jsonataEnv) (any, error) {
	v, ok, err := t.eval(env)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &jsonataError{src: t.src, rel: t.rel, undefined: true}
	}
	return v, nil
}

// jsonataError is an expression's failure: an evaluation error, or no
// value where one is needed.
type jsonataError struct {
	src       string
	rel       string
	err       error
	undefined bool
}

func (e *jsonataError) Error() string {
	if e.undefined {
		return "undefined"
	}
	return e.err.Error()
}

func (e *jsonataError) Unwrap() error { return e.err }

// jsonataStates builds the $states binding.
func (ex *Execution) jsonataStates(f *frame, st *state, input any, token string, extra ...any) map[string]any {
	s := ex.scope(f, st, input)
	s.token = token
	m := map[string]any{"input": input, "context": s.contextObject()}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

// evalJSONataField evaluates the JSONata field of st (or its default) and
// reports failures as AWS does: an EvaluationFailed event and
// States.QueryEvaluationError.
func (ex *Execution) evalJSONataField(f *frame, st *state, t *jtmpl, field string, env *jsonataEnv, required bool) (any, bool, *failure) {
	if t == nil {
		return nil, false, nil
	}
	v, ok, err := t.eval(env)
	if err == nil && (ok || !required) {
		return v, ok, nil
	}
	src, name := t.src, field
	var je *jsonataError
	if errors.As(err, &je) {
		src, name = je.src, field+je.rel
	}
	var cause string
	switch {
	case err == nil || je != nil && je.undefined:
		cause = fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", src, name)
	case errors.Is(err, ErrJSONataUnsupportedResult):
		cause = fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' returned an unsupported result type.", src, name)
	default:
		cause = fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %s", src, name, err.Error())
	}
	return nil, false, ex.evaluationFailed(f, st, field, cause)
}

// evaluationFailed records EvaluationFailed and returns the failure.
func (ex *Execution) evaluationFailed(f *frame, st *state, field, cause string) *failure {
	cause = stateCause(f, st, cause)
	var d any
	if ex.build && !f.Silent {
		d = &EvaluationFailedEventDetails{Error: string(ErrQueryEvaluationError), Cause: cause, Location: field, State: st.name}
	}
	ex.emit(f, EventEvaluationFailed, d, false)
	return &failure{Error: ErrQueryEvaluationError, Cause: cause, prefixed: true}
}

// runJSONata runs a JSONata state (enterState has recorded its Entered
// event).
func (ex *Execution) runJSONata(f *frame, st *state) {
	if st.jx == nil {
		ex.failState(f, st, &failure{Error: ErrQueryEvaluationError, terminal: true,
			Cause: "JSONata query language states are not supported by this interpreter yet."})
		return
	}
	env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
	f.Eff = f.In
	switch st.typ {
	case typePass, typeSucceed:
		ex.completeJSONata(f, st, env, f.In, nil)
	case typeFail:
		errV, _, fl := ex.evalJSONataField(f, st, st.jx["Error"], "Error", env, false)
		if fl == nil {
			var causeV any
			causeV, _, fl = ex.evalJSONataField(f, st, st.jx["Cause"], "Cause", env, false)
			if fl == nil {
				ex.failFrame(f, ErrorName(plainOrEmpty(errV)), plainOrEmpty(causeV), false)
				return
			}
		}
		ex.failState(f, st, fl)
	case typeChoice:
		for i, r := range st.choices {
			field := fmt.Sprintf("Choices[%d]/Condition", i)
			v, _, fl := ex.evalJSONataField(f, st, r.jcond, field, env, true)
			if fl != nil {
				ex.failState(f, st, fl)
				return
			}
			b, isBool := v.(bool)
			if !isBool {
				ex.failState(f, st, ex.evaluationFailed(f, st, field, fmt.Sprintf(
					"The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected 'boolean', but was '%s' for value: %s",
					r.jcond.src, field, jsonTypeName(v), encodeValue(v))))
				return
			}
			if b {
				ex.finishJSONata(f, st, env, f.In, r.jassignT, r.joutputT, r.next, fmt.Sprintf("Choices[%d]/", i))
				return
			}
		}
		if st.defaultNext == nil {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true, Cause: noNextStateCause})
			return
		}
		ex.finishJSONata(f, st, env, f.In, st.jx["Assign"], st.jx["Output"], st.defaultNext, "")
	case typeWait:
		until := ex.now
		if t := st.jx["Seconds"]; t != nil {
			v, _, fl := ex.evalJSONataField(f, st, t, "Seconds", env, true)
			if fl != nil {
				ex.failState(f, st, fl)
				return
			}
			n, ok := pathInteger(v)
			if !ok || n < 0 {
				ex.failState(f, st, ex.evaluationFailed(f, st, "Seconds", fmt.Sprintf(
					"The Seconds field must be a non-negative integer, but was: %s", encodeValue(v))))
				return
			}
			until = ex.now.Add(time.Duration(n) * time.Second)
		} else if t := st.jx["Timestamp"]; t != nil {
			v, _, fl := ex.evalJSONataField(f, st, t, "Timestamp", env, true)
			if fl != nil {
				ex.failState(f, st, fl)
				return
			}
			s, _ := v.(string)
			ts, ok := parseTimestamp(s)
			if !ok {
				ex.failState(f, st, ex.evaluationFailed(f, st, "Timestamp",
					"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: "+plainValue(v)))
				return
			}
			until = ts
		}
		if !until.After(ex.now) {
			ex.completeJSONata(f, st, env, f.In, nil)
			return
		}
		ex.newEffect(f, &pendingEffect{Kind: effSleep, Until: until})
		f.Ph = phWaiting
	case typeTask:
		ex.attemptTask(f, st)
	case typeParallel:
		args, ok, fl := ex.evalJSONataField(f, st, st.jx["Arguments"], "Arguments", env, true)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		if !ok {
			args = f.In
		}
		f.Eff = args
		ex.attemptParallel(f, st)
	case typeMap:
		ex.attemptMap(f, st)
	}
}

// completeJSONata finishes a JSONata state with its result: Assign and
// Output see $states.result (when there is one).
func (ex *Execution) completeJSONata(f *frame, st *state, env *jsonataEnv, def any, result any) {
	if ex.probe != nil && st.typ == typeTask {
		ex.probe.note(f, stageResult, result)
	}
	if result != nil {
		env.states["result"] = result
		def = result
	}
	ex.finishJSONata(f, st, env, def, st.jx["Assign"], st.jx["Output"], st.next, "")
}

// finishJSONata evaluates a state's (or a Choice rule's or a catcher's,
// whose fields are named under prefix) Assign and Output and leaves the
// state.
func (ex *Execution) finishJSONata(f *frame, st *state, env *jsonataEnv, def any, assignT, outputT *jtmpl, next *state, prefix string) {
	var assigned map[string]any
	if assignT != nil {
		v, _, fl := ex.evalJSONataField(f, st, assignT, prefix+"Assign", env, true)
		if fl != nil {
			ex.failFinish(f, st, fl, strings.HasPrefix(prefix, "Catch["))
			return
		}
		assigned, _ = v.(map[string]any)
	}
	out := def
	if outputT != nil {
		v, _, fl := ex.evalJSONataField(f, st, outputT, prefix+"Output", env, true)
		if fl != nil {
			ex.failFinish(f, st, fl, strings.HasPrefix(prefix, "Catch["))
			return
		}
		out = v
	}
	if st.typ == typeSucceed {
		next = nil
	}
	ex.exitState(f, st, out, next, assigned, false)
}

func plainOrEmpty(v any) string {
	if v == nil {
		return ""
	}
	return plainValue(v)
}

// jsonataInt evaluates an integer field (TimeoutSeconds, MaxConcurrency...)
// of a JSONata state; ok is false when the field is absent.
func (ex *Execution) jsonataInt(f *frame, st *state, field string) (int64, bool, *failure) {
	t := st.jx[field]
	if t == nil {
		return 0, false, nil
	}
	env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
	v, _, fl := ex.evalJSONataField(f, st, t, field, env, true)
	if fl != nil {
		return 0, false, fl
	}
	n, ok := pathInteger(v)
	if !ok {
		return 0, false, ex.evaluationFailed(f, st, field, fmt.Sprintf(
			"The %s field must be an integer, but was: %s", field, encodeValue(v)))
	}
	return n, true, nil
}

// jsonataTolerance evaluates a JSONata Map's ToleratedFailureCount and
// ToleratedFailurePercentage.
func (ex *Execution) jsonataTolerance(f *frame, st *state, mr *mapRun) *failure {
	if st.jx["ToleratedFailureCount"] != nil {
		n, _, fl := ex.jsonataInt(f, st, "ToleratedFailureCount")
		if fl != nil {
			return fl
		}
		if n < 0 {
			return ex.evaluationFailed(f, st, "ToleratedFailureCount", "ToleratedFailureCount cannot be negative.")
		}
		mr.TolCount, mr.HasTol = n, true
	}
	if t := st.jx["ToleratedFailurePercentage"]; t != nil {
		env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
		v, _, fl := ex.evalJSONataField(f, st, t, "ToleratedFailurePercentage", env, true)
		if fl != nil {
			return fl
		}
		p, ok := pathFloat(v)
		if !ok || p < 0 || p > 100 {
			return ex.evaluationFailed(f, st, "ToleratedFailurePercentage", fmt.Sprintf(
				"The ToleratedFailurePercentage field must be a number between 0 and 100, but was: %s", encodeValue(v)))
		}
		mr.TolPct, mr.HasTol = p, true
	}
	return nil
}

// jsonataItems evaluates a JSONata Map's Items (default: the state input).
func (ex *Execution) jsonataItems(f *frame, st *state) ([]any, *failure) {
	t := st.jx["Items"]
	if t == nil {
		arr, ok := f.In.([]any)
		if !ok {
			return nil, ex.evaluationFailed(f, st, "Items", "Map state input must be an array but was: "+encodeValue(f.In))
		}
		return arr, nil
	}
	env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, ""))
	v, _, fl := ex.evalJSONataField(f, st, t, "Items", env, true)
	if fl != nil {
		return nil, fl
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, ex.evaluationFailed(f, st, "Items", fmt.Sprintf(
			"The JSONata expression '%s' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '%s' for value: %s",
			t.src, jsonTypeName(v), encodeValue(v)))
	}
	return arr, nil
}

// jsonataItemInput evaluates a JSONata Map's ItemSelector for one item.
func (ex *Execution) jsonataItemInput(f *frame, st *state, idx int, item any) (any, *failure) {
	t := st.jx["ItemSelector"]
	if t == nil {
		return item, nil
	}
	s := ex.scope(f, st, f.In)
	s.item = &mapItem{Index: idx, Value: item}
	env := ex.newJSONataEnv(f, map[string]any{"input": f.In, "context": s.contextObject()})
	v, _, fl := ex.evalJSONataField(f, st, t, "ItemSelector", env, true)
	return v, fl
}
