package jsonata

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
)

// Expr is a compiled JSONata expression. It is immutable: one Expr may be
// evaluated by many goroutines at once.
type Expr struct {
	src string
	ast *node
}

// Compile parses a JSONata expression. Syntax errors are *Error values
// (S0xxx codes). Compile never panics.
func Compile(src string) (e *Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, &Error{Code: "U1000", Position: -1, Message: fmt.Sprintf("Internal error parsing the expression: %v", r)}
		}
	}()
	raw, err := parse(src)
	if err != nil {
		return nil, err
	}
	n, err := process(raw)
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, ast: n}, nil
}

// String returns the expression's source.
func (e *Expr) String() string { return e.src }

// Env is the world an evaluation sees besides its input.
type Env struct {
	// Vars binds variables by name (without the $).
	Vars map[string]any
	// Lookup resolves variables that Vars does not bind. Variables shadow
	// the built-in functions of the same name.
	Lookup func(name string) (any, bool)
	// Now is the time $now() and $millis() report.
	Now time.Time
	// Random returns numbers in [0, 1) for $random() and $shuffle(); UUID
	// returns version 4 UUIDs for $uuid(). Without them the evaluation
	// uses a fixed pseudo-random sequence.
	Random func() float64
	UUID   func() string
	// MaxSteps and MaxAlloc bound the evaluation's work and memory (0
	// means the defaults: 5 million steps, 50 million items or
	// characters).
	MaxSteps int
	MaxAlloc int
}

// ErrUnsupportedResult is wrapped by the error of an evaluation whose
// result JSON cannot represent (a function).
var ErrUnsupportedResult = asl.ErrJSONataUnsupportedResult

// Evaluate evaluates e with input as the context value ($ and $$). The
// result is a plain JSON value: map[string]any, []any, string, bool, nil
// or json.Number (integers render without a fraction). defined is false
// when the result is undefined.
func (e *Expr) Evaluate(input any, env *Env) (v any, defined bool, err error) {
	return e.evaluate(input, env)
}

func (e *Expr) evaluate(input any, env *Env) (v any, defined bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, defined, err = nil, false, &Error{Code: "U1000", Position: -1, Message: fmt.Sprintf("Internal error evaluating the expression: %v", r)}
		}
	}()
	return e.run(input, env)
}

// run evaluates e; input may be undefined.
func (e *Expr) run(input any, env *Env) (any, bool, error) {
	if env == nil {
		env = &Env{}
	}
	c := &evalCtx{env: env, maxSteps: env.MaxSteps, maxAlloc: env.MaxAlloc, now: env.Now}
	if c.maxSteps <= 0 {
		c.maxSteps = defaultMaxSteps
	}
	if c.maxAlloc <= 0 {
		c.maxAlloc = defaultMaxAlloc
	}
	root := newFrame(nil)
	root.bind("$", input)
	if items, ok := input.([]any); ok {
		// An array input is wrapped so that it is treated as one item.
		input = &array{items: []any{items}, seq: true, outerWrapper: true}
	}
	result, err := c.eval(e.ast, input, root)
	if err != nil {
		return nil, false, err
	}
	if isUndefined(result) {
		return nil, false, nil
	}
	out, err := toJSON(result, 0)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// toJSON converts an evaluation result to plain JSON values.
func toJSON(v any, depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, errTooDeep
	}
	switch x := v.(type) {
	case nil, string, bool, json.Number:
		return x, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			// JSON has no such numbers: Step Functions writes their names.
			return formatNumber(x), nil
		}
		return json.Number(formatNumber(x)), nil
	case []any, *array:
		items, _ := arrayItems(x)
		out := make([]any, len(items))
		for i, it := range items {
			if isUndefined(it) {
				continue
			}
			c, err := toJSON(it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case *object:
		out := make(map[string]any, len(x.keys))
		for _, k := range x.keys {
			e := x.vals[k]
			if isUndefined(e) {
				continue
			}
			c, err := toJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case map[string]any:
		for _, e := range x {
			if !plainJSON(e) {
				out := make(map[string]any, len(x))
				for k, e := range x {
					c, err := toJSON(e, depth+1)
					if err != nil {
						return nil, err
					}
					out[k] = c
				}
				return out, nil
			}
		}
		return x, nil
	case undefinedType:
		return nil, nil
	}
	if f, ok := toNumber(v); ok {
		return toJSON(f, depth)
	}
	if isFunction(v) {
		return nil, fmt.Errorf("a function: %w", ErrUnsupportedResult)
	}
	return nil, fmt.Errorf("a %T: %w", v, ErrUnsupportedResult)
}

// plainJSON reports whether v is a scalar or container toJSON can pass
// through without looking inside (input data is).
func plainJSON(v any) bool {
	switch v.(type) {
	case nil, string, bool, json.Number, map[string]any:
		return true
	case []any:
		return false
	}
	return false
}

// engine is the asl.JSONataEngine of this package.
type engine struct{}

var _ asl.JSONataEngine = engine{}

// Engine returns the JSONata engine for asl.CompileWith:
//
//	m, err := asl.CompileWith(definition, asl.CompileOptions{JSONata: jsonata.Engine()})
func Engine() asl.JSONataEngine { return engine{} }

// Compile compiles an expression of a Step Functions definition. Besides
// syntax errors it refuses references to the top-level context, which
// Step Functions does not have (*asl.JSONataUnsupportedError).
func (engine) Compile(src string) (asl.JSONataExpr, error) {
	e, err := Compile(src)
	if err != nil {
		return nil, err
	}
	if err := checkTopLevel(e.ast); err != nil {
		return nil, err
	}
	return aslExpr{e}, nil
}

// aslExpr adapts an Expr to asl.JSONataExpr: no input document, $states
// and the workflow variables bound.
type aslExpr struct{ e *Expr }

var _ asl.JSONataExpr = aslExpr{}

// StatesFields lists the fields of $states the expression reads.
func (x aslExpr) StatesFields() []string { return statesFields(x.e.ast) }

func (x aslExpr) Eval(env *asl.JSONataEnv) (any, bool, error) {
	ev := &Env{}
	if env != nil {
		ev.Vars = map[string]any{"states": statesValue(env.States)}
		ev.Lookup, ev.Now, ev.Random, ev.UUID = env.Var, env.Now, env.Random, env.UUID
	}
	return x.e.evaluate(undefined, ev)
}

// statesValue passes $states on as an object (a nil map is no object).
func statesValue(m map[string]any) any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
