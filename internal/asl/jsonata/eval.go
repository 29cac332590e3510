package jsonata

import (
	"errors"
	"math"
	"reflect"
	"time"
)

// frame is a scope of variable bindings.
type frame struct {
	vars   map[string]any
	parent *frame
}

func newFrame(parent *frame) *frame { return &frame{parent: parent} }

func (f *frame) bind(name string, v any) {
	if f.vars == nil {
		f.vars = make(map[string]any, 4)
	}
	f.vars[name] = v
}

// lookup finds name in f's chain; ok is false when no frame binds it.
func (f *frame) lookup(name string) (any, bool) {
	for e := f; e != nil; e = e.parent {
		if v, ok := e.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

func frameFromTuple(env *frame, t tuple) *frame {
	f := &frame{parent: env, vars: make(map[string]any, len(t))}
	for k, v := range t {
		f.vars[k] = v
	}
	return f
}

// Limits of one evaluation.
const (
	defaultMaxSteps = 5_000_000
	defaultMaxAlloc = 50_000_000
	maxDepth        = 100 // Step Functions' limit: 100 nested evaluations
	maxRangeSize    = 1e7
)

// evalCtx is the state of one evaluation.
type evalCtx struct {
	env      *Env
	steps    int
	maxSteps int
	alloc    int
	maxAlloc int
	depth    int
	now      time.Time

	fallbackRand uint64
}

// global resolves a variable no frame binds: the evaluation's bindings,
// then the caller's variables, then the built-in functions.
func (c *evalCtx) global(name string) any {
	if c.env != nil {
		if v, ok := c.env.Vars[name]; ok {
			return v
		}
		if c.env.Lookup != nil {
			if v, ok := c.env.Lookup(name); ok {
				return v
			}
		}
	}
	if f, ok := builtins[name]; ok {
		return f
	}
	return undefined
}

func (c *evalCtx) lookup(env *frame, name string) any {
	if v, ok := env.lookup(name); ok {
		return v
	}
	return c.global(name)
}

// charge accounts for n items or characters of memory.
func (c *evalCtx) charge(n int) error {
	c.alloc += n
	if n > c.maxAlloc || c.alloc > c.maxAlloc {
		return &Error{Code: "U1003", Position: -1}
	}
	return nil
}

func (c *evalCtx) step() error {
	c.steps++
	if c.steps > c.maxSteps {
		return &Error{Code: "U1002", Position: -1, Value: float64(c.maxSteps), hasValue: true}
	}
	return nil
}

// eval evaluates expr against input in env.
func (c *evalCtx) eval(expr *node, input any, env *frame) (any, error) {
	if err := c.step(); err != nil {
		return nil, err
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDepth {
		return nil, newError("U1001", expr.pos).withValue(float64(c.depth)).withValue2(float64(maxDepth))
	}
	var result any
	var err error
	switch expr.typ {
	case nPath:
		result, err = c.evalPath(expr, input, env)
	case nBinary:
		result, err = c.evalBinary(expr, input, env)
	case nUnaryMinus:
		result, err = c.eval(expr.expr, input, env)
		if err == nil && !isUndefined(result) {
			f, ok, nerr := numeric(result)
			switch {
			case nerr != nil:
				err = nerr
			case !ok:
				err = newError("D1002", expr.pos).withToken("-").withValue(result)
			default:
				result = -f
			}
		}
	case nArray:
		result, err = c.evalArray(expr, input, env)
	case nObject:
		result, err = c.evalGroup(&groupSpec{pairs: expr.pairs, pos: expr.pos}, input, env)
	case nName:
		result = lookupKey(input, expr.str)
	case nString:
		result = expr.str
	case nNumber:
		result = expr.num
	case nValue:
		result = expr.value
	case nWildcard:
		result = evalWildcard(input)
	case nDescendant:
		result = evalDescendants(input)
	case nParent:
		result = c.lookup(env, expr.slot.label)
	case nCondition:
		result, err = c.eval(expr.cond, input, env)
		if err == nil {
			if toBoolean(result) {
				result, err = c.eval(expr.then, input, env)
			} else if expr.els != nil {
				result, err = c.eval(expr.els, input, env)
			} else {
				result = undefined
			}
		}
	case nBlock:
		f := newFrame(env)
		result = undefined
		for _, e := range expr.exprs {
			if result, err = c.eval(e, input, f); err != nil {
				break
			}
		}
	case nBind:
		result, err = c.eval(expr.rhs, input, env)
		if err == nil {
			env.bind(expr.lhs.str, result)
		}
	case nRegex:
		result = &regexFunc{re: expr.re, emptyAt: expr.emptyAt, src: expr.str, pos: expr.pos}
	case nFunction:
		result, err = c.evalFunction(expr, input, env, nil)
	case nVariable:
		if expr.str == "" {
			result = input
			if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
				result = a.items[0]
			}
		} else {
			result = c.lookup(env, expr.str)
		}
	case nLambda:
		result = &lambda{params: expr.params, body: expr.body, sig: expr.signature, thunk: expr.thunk, input: input, env: env}
	case nPartial:
		result, err = c.evalPartial(expr, input, env)
	case nApply:
		result, err = c.evalApply(expr, input, env)
	case nTransform:
		result = c.transformer(expr, env)
	case nSort:
		result, err = c.evalSort(expr, input, env)
	default:
		result = undefined
	}
	if err != nil {
		return nil, err
	}
	for _, p := range expr.predicate {
		if result, err = c.evalFilter(p.expr, result, env); err != nil {
			return nil, err
		}
	}
	if expr.typ != nPath && expr.group != nil {
		if result, err = c.evalGroup(expr.group, result, env); err != nil {
			return nil, err
		}
	}
	if a, ok := result.(*array); ok && a.seq && !a.tupleStream {
		if expr.keepArray {
			a.keepSingleton = true
		}
		switch len(a.items) {
		case 0:
			result = undefined
		case 1:
			if !a.keepSingleton {
				result = a.items[0]
			}
		}
	}
	return result, nil
}

// seqItems returns the items of an array value; anything else iterates as
// nothing (JavaScript's input.length of a non-array).
func seqItems(v any) []any {
	items, _ := arrayItems(v)
	return items
}

func (c *evalCtx) evalPath(expr *node, input any, env *frame) (any, error) {
	var inputSeq any
	if isArray(input) && expr.steps[0].typ != nVariable {
		inputSeq = input
	} else {
		inputSeq = newSeq(input)
	}
	var resultSeq any = undefined
	isTupleStream := false
	var tupleBindings *array
	for ii, step := range expr.steps {
		if step.tuple {
			isTupleStream = true
		}
		var err error
		switch {
		case ii == 0 && step.consArray:
			resultSeq, err = c.eval(step, inputSeq, env)
		case isTupleStream:
			tupleBindings, err = c.evalTupleStep(step, inputSeq, tupleBindings, env)
		default:
			resultSeq, err = c.evalStep(step, inputSeq, env, ii == len(expr.steps)-1)
		}
		if err != nil {
			return nil, err
		}
		if !isTupleStream {
			if isUndefined(resultSeq) {
				break
			}
			if items, ok := arrayItems(resultSeq); ok && len(items) == 0 {
				break
			}
		}
		if !step.hasFocus {
			inputSeq = resultSeq
		}
	}
	if isTupleStream {
		if expr.tuple {
			resultSeq = tupleBindings
		} else {
			out := newSeq()
			if tupleBindings != nil {
				out.items = make([]any, 0, len(tupleBindings.items))
				for _, t := range tupleBindings.items {
					out.items = append(out.items, tupleAt(t))
				}
			}
			resultSeq = out
		}
	}
	if expr.keepSingletonArray {
		if a, ok := resultSeq.(*array); ok && a.cons && !a.seq {
			resultSeq = newSeq(a)
		}
		if a, ok := resultSeq.(*array); ok {
			a.keepSingleton = true
		}
	}
	if expr.group != nil {
		var in any = resultSeq
		if isTupleStream {
			in = tupleBindings
			if tupleBindings == nil {
				in = undefined
			}
		}
		return c.evalGroup(expr.group, in, env)
	}
	return resultSeq, nil
}

// tupleAt returns the context item ("@") of a tuple.
func tupleAt(v any) any {
	if t, ok := v.(tuple); ok {
		if x, ok := t["@"]; ok {
			return x
		}
	}
	return undefined
}

func (c *evalCtx) evalStep(expr *node, input any, env *frame, lastStep bool) (any, error) {
	if expr.typ == nSort {
		result, err := c.evalSort(expr, input, env)
		if err != nil {
			return nil, err
		}
		if expr.stages != nil {
			return c.evalStages(expr.stages, result, env)
		}
		return result, nil
	}
	items := seqItems(input)
	result := make([]any, 0, len(items))
	for _, item := range items {
		res, err := c.eval(expr, item, env)
		if err != nil {
			return nil, err
		}
		for _, stage := range expr.stages {
			if res, err = c.evalFilter(stage.expr, res, env); err != nil {
				return nil, err
			}
		}
		if !isUndefined(res) {
			result = append(result, res)
		}
	}
	if lastStep && len(result) == 1 && isArray(result[0]) && !isSequence(result[0]) {
		return result[0], nil
	}
	out := newSeq()
	out.items = make([]any, 0, len(result))
	for _, res := range result {
		items, ok := arrayItems(res)
		if !ok || isCons(res) {
			out.items = append(out.items, res)
		} else {
			out.items = append(out.items, items...)
		}
	}
	return out, nil
}

func isCons(v any) bool {
	a, ok := v.(*array)
	return ok && a.cons
}

func (c *evalCtx) evalStages(stages []*node, input any, env *frame) (any, error) {
	result := input
	for _, stage := range stages {
		switch stage.typ {
		case nFilter:
			var err error
			if result, err = c.evalFilter(stage.expr, result, env); err != nil {
				return nil, err
			}
		case nIndex:
			for i, t := range seqItems(result) {
				if tt, ok := t.(tuple); ok {
					tt[stage.str] = float64(i)
				}
			}
		}
	}
	return result, nil
}

func (c *evalCtx) evalTupleStep(expr *node, input any, bindings *array, env *frame) (*array, error) {
	if expr.typ == nSort {
		var result any
		if bindings != nil {
			sorted, err := c.evalSort(expr, bindings, env)
			if err != nil {
				return nil, err
			}
			result = sorted
		} else {
			sorted, err := c.evalSort(expr, input, env)
			if err != nil {
				return nil, err
			}
			out := &array{seq: true, tupleStream: true}
			for i, item := range seqItems(sorted) {
				t := tuple{"@": item}
				t[expr.index] = float64(i)
				out.items = append(out.items, t)
			}
			result = out
		}
		if expr.stages != nil {
			var err error
			if result, err = c.evalStages(expr.stages, result, env); err != nil {
				return nil, err
			}
		}
		return asTupleArray(result), nil
	}
	out := &array{seq: true, tupleStream: true}
	if bindings == nil {
		items := seqItems(input)
		bindings = &array{seq: true, tupleStream: true, items: make([]any, len(items))}
		for i, item := range items {
			bindings.items[i] = tuple{"@": item}
		}
	}
	for _, b := range bindings.items {
		bt, _ := b.(tuple)
		stepEnv := frameFromTuple(env, bt)
		res, err := c.eval(expr, tupleAt(bt), stepEnv)
		if err != nil {
			return nil, err
		}
		if isUndefined(res) {
			continue
		}
		resItems, isArr := arrayItems(res)
		if !isArr {
			resItems = []any{res}
		}
		resTuples := false
		if a, ok := res.(*array); ok && a.tupleStream {
			resTuples = true
		}
		for bb, item := range resItems {
			t := make(tuple, len(bt)+2)
			for k, v := range bt {
				t[k] = v
			}
			if resTuples {
				if it, ok := item.(tuple); ok {
					for k, v := range it {
						t[k] = v
					}
				}
			} else {
				if expr.hasFocus && expr.focus != "" {
					t[expr.focus] = item
					t["@"] = bt["@"]
				} else {
					t["@"] = item
				}
				if expr.hasIndex && expr.index != "" {
					t[expr.index] = float64(bb)
				}
				if expr.ancestor != nil {
					t[expr.ancestor.label] = bt["@"]
				}
			}
			out.items = append(out.items, t)
		}
		if err := c.charge(len(resItems)); err != nil {
			return nil, err
		}
	}
	if expr.stages != nil {
		result, err := c.evalStages(expr.stages, out, env)
		if err != nil {
			return nil, err
		}
		return asTupleArray(result), nil
	}
	return out, nil
}

// asTupleArray views an array of tuples as an *array (keeping its flags
// when it is one already).
func asTupleArray(v any) *array {
	switch a := v.(type) {
	case *array:
		return a
	case []any:
		return &array{items: a}
	}
	return &array{}
}

func (c *evalCtx) evalFilter(pred *node, input any, env *frame) (any, error) {
	results := newSeq()
	tupleStream := false
	if a, ok := input.(*array); ok && a.tupleStream {
		results.tupleStream = true
		tupleStream = true
	}
	items, ok := arrayItems(input)
	if !ok {
		items = []any{input}
	}
	if pred.typ == nNumber {
		fi := math.Floor(pred.num)
		if fi >= float64(len(items)) || fi < -float64(len(items)) {
			return results, nil
		}
		index := int(fi)
		if index < 0 {
			index += len(items)
		}
		if index >= 0 && index < len(items) {
			item := items[index]
			if !isUndefined(item) {
				if isArray(item) {
					return item, nil
				}
				results.items = append(results.items, item)
			}
		}
		return results, nil
	}
	for index, item := range items {
		context, e := item, env
		if tupleStream {
			t, _ := item.(tuple)
			context = tupleAt(t)
			e = frameFromTuple(env, t)
		}
		res, err := c.eval(pred, context, e)
		if err != nil {
			return nil, err
		}
		if _, ok, err := numeric(res); err != nil {
			return nil, err
		} else if ok {
			res = []any{res}
		}
		if nums, ok := arrayOfNumbers(res); ok {
			for _, n := range nums {
				ii := int(math.Floor(n))
				if math.IsInf(n, 0) || math.Abs(n) > 1e15 {
					continue
				}
				if ii < 0 {
					ii += len(items)
				}
				if ii == index {
					results.items = append(results.items, item)
				}
			}
		} else if toBoolean(res) {
			results.items = append(results.items, item)
		}
	}
	return results, nil
}

// arrayOfNumbers returns an array's items as numbers when all of them are
// numbers (and the array may be empty).
func arrayOfNumbers(v any) ([]float64, bool) {
	items, ok := arrayItems(v)
	if !ok {
		return nil, false
	}
	nums := make([]float64, len(items))
	for i, it := range items {
		f, ok := toNumber(it)
		if !ok || math.IsNaN(f) {
			return nil, false
		}
		nums[i] = f
	}
	return nums, true
}

// numeric is JSONata's isNumeric: ok for numbers that are not NaN, an
// error for infinite ones.
func numeric(v any) (float64, bool, error) {
	f, ok := toNumber(v)
	if !ok || math.IsNaN(f) {
		return 0, false, nil
	}
	if math.IsInf(f, 0) {
		return 0, false, newError("D1001", -1).withValue(f)
	}
	return f, true, nil
}

func (c *evalCtx) evalBinary(expr *node, input any, env *frame) (any, error) {
	lhs, err := c.eval(expr.lhs, input, env)
	if err != nil {
		return nil, err
	}
	op := expr.str
	if op == "and" || op == "or" {
		l := toBoolean(lhs)
		if op == "and" && !l {
			return false, nil
		}
		if op == "or" && l {
			return true, nil
		}
		rhs, err := c.eval(expr.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return toBoolean(rhs), nil
	}
	rhs, err := c.eval(expr.rhs, input, env)
	if err != nil {
		return nil, err
	}
	var result any
	switch op {
	case "+", "-", "*", "/", "%":
		result, err = numericOp(lhs, rhs, op)
	case "=":
		result = !isUndefined(lhs) && !isUndefined(rhs) && deepEqual(lhs, rhs)
	case "!=":
		result = !isUndefined(lhs) && !isUndefined(rhs) && !deepEqual(lhs, rhs)
	case "<", "<=", ">", ">=":
		result, err = compareOp(lhs, rhs, op)
	case "&":
		var s string
		if s, err = concat(lhs, rhs); err == nil {
			err = c.charge(len(s))
		}
		result = s
	case "..":
		result, err = c.evalRange(lhs, rhs)
	case "in":
		result = includes(lhs, rhs)
	default:
		result = undefined
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Position = expr.pos
			e.Token, e.hasToken = op, true
		}
		return nil, err
	}
	return result, nil
}

func numericOp(lhs, rhs any, op string) (any, error) {
	l, lok, err := numeric(lhs)
	if err != nil {
		return nil, err
	}
	if !isUndefined(lhs) && !lok {
		return nil, newError("T2001", -1).withValue(lhs)
	}
	r, rok, err := numeric(rhs)
	if err != nil {
		return nil, err
	}
	if !isUndefined(rhs) && !rok {
		return nil, newError("T2002", -1).withValue(rhs)
	}
	if !lok || !rok {
		return undefined, nil
	}
	switch op {
	case "+":
		return l + r, nil
	case "-":
		return l - r, nil
	case "*":
		return l * r, nil
	case "/":
		return l / r, nil
	}
	return math.Mod(l, r), nil
}

func compareOp(lhs, rhs any, op string) (any, error) {
	comparable := func(v any) bool {
		switch v.(type) {
		case undefinedType, string:
			return true
		}
		return isNumber(v)
	}
	strOrNum := func(v any) bool {
		_, s := v.(string)
		return s || isNumber(v)
	}
	if !comparable(lhs) || !comparable(rhs) {
		v := rhs
		if !strOrNum(lhs) {
			v = lhs
		}
		return nil, newError("T2010", -1).withValue(v)
	}
	if isUndefined(lhs) || isUndefined(rhs) {
		return undefined, nil
	}
	ls, lstr := lhs.(string)
	rs, rstr := rhs.(string)
	if lstr != rstr {
		return nil, newError("T2009", -1).withValue(lhs).withValue2(rhs)
	}
	var cmp int
	if lstr {
		cmp = compareStrings(ls, rs)
	} else {
		l, _ := toNumber(lhs)
		r, _ := toNumber(rhs)
		switch {
		case l < r:
			cmp = -1
		case l > r:
			cmp = 1
		case l == r:
			cmp = 0
		default: // NaN
			return false, nil
		}
	}
	switch op {
	case "<":
		return cmp < 0, nil
	case "<=":
		return cmp <= 0, nil
	case ">":
		return cmp > 0, nil
	}
	return cmp >= 0, nil
}

// compareStrings compares strings by UTF-16 code units, as JavaScript
// does.
func compareStrings(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ra, na := decodeRune(a[i:])
		rb, nb := decodeRune(b[j:])
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			for k := 0; k < len(ua) && k < len(ub); k++ {
				if ua[k] != ub[k] {
					if ua[k] < ub[k] {
						return -1
					}
					return 1
				}
			}
			if len(ua) < len(ub) {
				return -1
			}
			return 1
		}
		i += na
		j += nb
	}
	switch {
	case i < len(a):
		return 1
	case j < len(b):
		return -1
	}
	return 0
}

func concat(lhs, rhs any) (string, error) {
	var l, r string
	if !isUndefined(lhs) {
		s, err := stringify(lhs, false)
		if err != nil {
			return "", err
		}
		l = s
	}
	if !isUndefined(rhs) {
		s, err := stringify(rhs, false)
		if err != nil {
			return "", err
		}
		r = s
	}
	return l + r, nil
}

func (c *evalCtx) evalRange(lhs, rhs any) (any, error) {
	l, lok := toNumber(lhs)
	if !isUndefined(lhs) && (!lok || !isInteger(l)) {
		return nil, newError("T2003", -1).withValue(lhs)
	}
	r, rok := toNumber(rhs)
	if !isUndefined(rhs) && (!rok || !isInteger(r)) {
		return nil, newError("T2004", -1).withValue(rhs)
	}
	if !lok || !rok || l > r {
		return undefined, nil
	}
	size := r - l + 1
	if size > maxRangeSize {
		return nil, newError("D2014", -1).withValue(size)
	}
	if err := c.charge(int(size)); err != nil {
		return nil, err
	}
	items := make([]any, int(size))
	for i := range items {
		items[i] = l + float64(i)
	}
	return &array{items: items, seq: true}, nil
}

// includes is the in operator (strict equality with each item).
func includes(lhs, rhs any) bool {
	if isUndefined(lhs) || isUndefined(rhs) {
		return false
	}
	items, ok := arrayItems(rhs)
	if !ok {
		items = []any{rhs}
	}
	for _, it := range items {
		if strictEqual(it, lhs) {
			return true
		}
	}
	return false
}

// strictEqual is JavaScript's ===: values for primitives, identity for
// objects, arrays and functions.
func strictEqual(a, b any) bool {
	if fa, ok := toNumber(a); ok {
		fb, ok := toNumber(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case undefinedType:
		return isUndefined(b)
	}
	return sameRef(a, b)
}

// sameRef reports whether a and b are the same object, array or function.
func sameRef(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() != vb.Kind() || va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Map, reflect.Pointer:
		return va.Pointer() == vb.Pointer()
	case reflect.Slice:
		return va.Pointer() == vb.Pointer() && va.Len() == vb.Len()
	}
	return false
}

func (c *evalCtx) evalArray(expr *node, input any, env *frame) (any, error) {
	result := make([]any, 0, len(expr.exprs))
	for _, item := range expr.exprs {
		v, err := c.eval(item, input, env)
		if err != nil {
			return nil, err
		}
		if isUndefined(v) {
			continue
		}
		if item.typ == nArray {
			result = append(result, v)
		} else if items, ok := arrayItems(v); ok {
			result = append(result, items...)
			if err := c.charge(len(items)); err != nil {
				return nil, err
			}
		} else {
			result = append(result, v)
		}
	}
	if expr.consArray {
		return &array{items: result, cons: true}, nil
	}
	return result, nil
}

// groupEntry is one group of a group-by (or object constructor).
type groupEntry struct {
	data      any
	exprIndex int
}

func (c *evalCtx) evalGroup(g *groupSpec, input any, env *frame) (any, error) {
	reduce := false
	if a, ok := input.(*array); ok && a.tupleStream {
		reduce = true
	}
	items, ok := arrayItems(input)
	if !ok {
		items = []any{input}
	}
	if len(items) == 0 {
		items = []any{undefined}
	}
	groups := newObject(len(g.pairs))
	for _, item := range items {
		e := env
		context := item
		if reduce {
			t, _ := item.(tuple)
			e = frameFromTuple(env, t)
			context = tupleAt(t)
		}
		for pairIndex, pair := range g.pairs {
			key, err := c.eval(pair[0], context, e)
			if err != nil {
				return nil, err
			}
			if isUndefined(key) {
				continue
			}
			ks, isStr := key.(string)
			if !isStr {
				return nil, newError("T1003", g.pos).withValue(key)
			}
			if existing, ok := groups.vals[ks]; ok {
				ge := existing.(*groupEntry)
				if ge.exprIndex != pairIndex {
					return nil, newError("D1009", g.pos).withValue(ks)
				}
				ge.data = appendValues(ge.data, item)
			} else {
				groups.set(ks, &groupEntry{data: item, exprIndex: pairIndex})
			}
		}
	}
	result := newObject(len(groups.keys))
	for _, key := range groups.orderedKeys() {
		ge := groups.vals[key].(*groupEntry)
		context := ge.data
		e := env
		if reduce {
			t := reduceTupleStream(ge.data)
			context = t["@"]
			delete(t, "@")
			e = frameFromTuple(env, t)
		}
		v, err := c.eval(g.pairs[ge.exprIndex][1], context, e)
		if err != nil {
			return nil, err
		}
		if !isUndefined(v) {
			result.set(key, v)
		}
	}
	return result, nil
}

func reduceTupleStream(v any) tuple {
	items, ok := arrayItems(v)
	if !ok {
		t, _ := v.(tuple)
		out := make(tuple, len(t))
		for k, x := range t {
			out[k] = x
		}
		return out
	}
	out := tuple{}
	if len(items) == 0 {
		return out
	}
	first, _ := items[0].(tuple)
	for k, x := range first {
		out[k] = x
	}
	for _, it := range items[1:] {
		t, _ := it.(tuple)
		for k, x := range t {
			prev, ok := out[k]
			if !ok {
				prev = undefined
			}
			out[k] = appendValues(prev, x)
		}
	}
	return out
}

// appendValues is $append: undefined is ignored, other values are joined
// into an array.
func appendValues(a, b any) any {
	if isUndefined(a) {
		return b
	}
	if isUndefined(b) {
		return a
	}
	ai, ok := arrayItems(a)
	if !ok {
		ai = []any{a}
	}
	bi, ok := arrayItems(b)
	if !ok {
		bi = []any{b}
	}
	out := make([]any, 0, len(ai)+len(bi))
	out = append(out, ai...)
	return append(out, bi...)
}

func evalWildcard(input any) any {
	results := newSeq()
	if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
		input = a.items[0]
	}
	var values []any
	switch {
	case isObject(input):
		for _, k := range objectKeys(input) {
			v, _ := objectGet(input, k)
			values = append(values, v)
		}
	case isArray(input):
		values = seqItems(input)
	default:
		return results
	}
	for _, v := range values {
		if isArray(v) {
			results.items = append(results.items, flatten(v, nil, 0)...)
		} else {
			results.items = append(results.items, v)
		}
	}
	return results
}

func flatten(v any, out []any, depth int) []any {
	if items, ok := arrayItems(v); ok && depth <= maxValueDepth {
		for _, it := range items {
			out = flatten(it, out, depth+1)
		}
		return out
	}
	return append(out, v)
}

func evalDescendants(input any) any {
	if isUndefined(input) {
		return undefined
	}
	results := newSeq()
	recurseDescendants(input, results, 0)
	if len(results.items) == 1 {
		return results.items[0]
	}
	return results
}

func recurseDescendants(input any, results *array, depth int) {
	if depth > maxValueDepth {
		return
	}
	if items, ok := arrayItems(input); ok {
		for _, it := range items {
			recurseDescendants(it, results, depth+1)
		}
		return
	}
	results.items = append(results.items, input)
	if isObject(input) {
		for _, k := range objectKeys(input) {
			v, _ := objectGet(input, k)
			recurseDescendants(v, results, depth+1)
		}
	}
}

// lookupKey is JSONata's lookup: the value of key in an object, or in each
// object of an array (flattened).
func lookupKey(input any, key string) any {
	if items, ok := arrayItems(input); ok {
		result := newSeq()
		for _, it := range items {
			res := lookupKey(it, key)
			if isUndefined(res) {
				continue
			}
			if ri, ok := arrayItems(res); ok {
				result.items = append(result.items, ri...)
			} else {
				result.items = append(result.items, res)
			}
		}
		return result
	}
	if v, ok := objectGet(input, key); ok {
		return v
	}
	return undefined
}

func (c *evalCtx) evalSort(expr *node, input any, env *frame) (any, error) {
	isTupleSort := false
	if a, ok := input.(*array); ok && a.tupleStream {
		isTupleSort = true
	}
	comparator := func(a, b any) (bool, error) {
		comp := 0
		for _, term := range expr.terms {
			if comp != 0 {
				break
			}
			ctxA, envA := a, env
			if isTupleSort {
				t, _ := a.(tuple)
				ctxA, envA = tupleAt(t), frameFromTuple(env, t)
			}
			aa, err := c.eval(term.expr, ctxA, envA)
			if err != nil {
				return false, err
			}
			ctxB, envB := b, env
			if isTupleSort {
				t, _ := b.(tuple)
				ctxB, envB = tupleAt(t), frameFromTuple(env, t)
			}
			bb, err := c.eval(term.expr, ctxB, envB)
			if err != nil {
				return false, err
			}
			if isUndefined(aa) {
				if isUndefined(bb) {
					comp = 0
				} else {
					comp = 1
				}
				continue
			}
			if isUndefined(bb) {
				comp = -1
				continue
			}
			as, aStr := aa.(string)
			bs, bStr := bb.(string)
			if !(aStr || isNumber(aa)) || !(bStr || isNumber(bb)) {
				v := bb
				if !(aStr || isNumber(aa)) {
					v = aa
				}
				return false, newError("T2008", expr.pos).withValue(v)
			}
			if aStr != bStr {
				return false, newError("T2007", expr.pos).withValue(aa).withValue2(bb)
			}
			var cmp int
			if aStr {
				cmp = compareStrings(as, bs)
			} else {
				fa, _ := toNumber(aa)
				fb, _ := toNumber(bb)
				switch {
				case fa == fb:
					cmp = 0
				case fa < fb:
					cmp = -1
				default:
					cmp = 1
				}
			}
			if cmp == 0 {
				continue
			}
			comp = cmp
			if term.descending {
				comp = -comp
			}
		}
		return comp == 1, nil
	}
	return c.mergeSort(input, comparator)
}

// mergeSort is JSONata's stable merge sort: swap(a, b) reports whether b
// must come before a. Arrays of one item or less are returned as they are.
func (c *evalCtx) mergeSort(v any, swap func(a, b any) (bool, error)) (any, error) {
	items, ok := arrayItems(v)
	if !ok || len(items) <= 1 {
		return v, nil
	}
	var msort func(a []any) ([]any, error)
	msort = func(a []any) ([]any, error) {
		if len(a) <= 1 {
			return a, nil
		}
		mid := len(a) / 2
		left, err := msort(a[:mid:mid])
		if err != nil {
			return nil, err
		}
		right, err := msort(a[mid:])
		if err != nil {
			return nil, err
		}
		merged := make([]any, 0, len(left)+len(right))
		i, j := 0, 0
		for i < len(left) && j < len(right) {
			if err := c.step(); err != nil {
				return nil, err
			}
			s, err := swap(left[i], right[j])
			if err != nil {
				return nil, err
			}
			if s {
				merged = append(merged, right[j])
				j++
			} else {
				merged = append(merged, left[i])
				i++
			}
		}
		merged = append(merged, left[i:]...)
		return append(merged, right[j:]...), nil
	}
	out, err := msort(items)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Functions.

// lambda is a function defined by an expression (or a partial
// application of one, or a tail-call thunk).
type lambda struct {
	params []string
	body   *node
	sig    *signature
	thunk  bool
	input  any
	env    *frame
}

// builtin is a function implemented in Go.
type builtin struct {
	name  string
	sig   *signature
	arity int // the number of declared parameters (JavaScript's function length)
	fn    func(c *evalCtx, input any, env *frame, args []any) (any, error)
}

// placeholderType marks an argument left open by a partial application.
type placeholderType struct{}

var placeholder any = placeholderType{}

// partialFunc is a native function partially applied.
type partialFunc struct {
	fn   any
	args []any
}

func isFunction(v any) bool {
	switch v.(type) {
	case *lambda, *builtin, *partialFunc, *regexFunc:
		return true
	}
	return false
}

func sameFunction(a, b any) bool {
	if !isFunction(a) || !isFunction(b) {
		return false
	}
	return sameRef(a, b)
}

// arity is JSONata's getFunctionArity.
func arity(f any) int {
	switch x := f.(type) {
	case *lambda:
		return len(x.params)
	case *builtin:
		return x.arity
	case *partialFunc:
		n := 0
		for _, a := range x.args {
			if a == placeholder {
				n++
			}
		}
		return n
	case *regexFunc:
		return 2
	}
	return 0
}

func procName(procedure *node) string {
	if procedure.typ == nPath && len(procedure.steps) > 0 {
		return procedure.steps[0].str
	}
	return procedure.str
}

func (c *evalCtx) evalFunction(expr *node, input any, env *frame, applyTo *any) (any, error) {
	proc, err := c.eval(expr.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndefined(proc) && expr.procedure.typ == nPath && len(expr.procedure.steps) > 0 &&
		jsTruthy(c.lookup(env, expr.procedure.steps[0].str)) {
		return nil, newError("T1005", expr.pos).withToken(expr.procedure.steps[0].str)
	}
	args := make([]any, 0, len(expr.args)+1)
	if applyTo != nil {
		args = append(args, *applyTo)
	}
	for _, a := range expr.args {
		v, err := c.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	name := procName(expr.procedure)
	result, err := c.apply(proc, args, input, env, name)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			if e.Position <= 0 {
				e.Position = expr.pos
			}
			if s, _ := e.Token.(string); !e.hasToken || s == "" {
				e.Token, e.hasToken = name, true
			}
		}
		return nil, err
	}
	return result, nil
}

// apply calls proc and runs the trampoline of tail calls.
func (c *evalCtx) apply(proc any, args []any, input any, env *frame, name string) (any, error) {
	result, err := c.applyInner(proc, args, input, env, name)
	for err == nil {
		l, ok := result.(*lambda)
		if !ok || !l.thunk {
			break
		}
		if err = c.step(); err != nil {
			break
		}
		call := l.body
		var next any
		if next, err = c.eval(call.procedure, l.input, l.env); err != nil {
			break
		}
		evaluated := make([]any, 0, len(call.args))
		for _, a := range call.args {
			var v any
			if v, err = c.eval(a, l.input, l.env); err != nil {
				break
			}
			evaluated = append(evaluated, v)
		}
		if err != nil {
			break
		}
		result, err = c.applyInner(next, evaluated, input, env, procName(call.procedure))
	}
	return result, err
}

func (c *evalCtx) applyInner(proc any, args []any, input any, env *frame, name string) (any, error) {
	switch p := proc.(type) {
	case *lambda:
		validated := args
		if p.sig != nil {
			var err error
			if validated, err = p.sig.validate(args, input, name); err != nil {
				return nil, err
			}
		}
		return c.applyProcedure(p, validated)
	case *builtin:
		validated := args
		if p.sig != nil {
			var err error
			if validated, err = p.sig.validate(args, input, name); err != nil {
				return nil, err
			}
		}
		return p.fn(c, input, env, validated)
	case *partialFunc:
		filled := make([]any, len(p.args))
		k := 0
		for i, a := range p.args {
			if a == placeholder {
				if k < len(args) {
					filled[i] = args[k]
				} else {
					filled[i] = undefined
				}
				k++
			} else {
				filled[i] = a
			}
		}
		return c.applyInner(p.fn, trimUndefined(filled), input, env, name)
	case *regexFunc:
		str, _ := argAt(args, 0).(string)
		from := 0
		if f, ok := toNumber(argAt(args, 1)); ok && f > 0 {
			from = int(f)
		}
		m, err := c.regexMatch(p, str, from)
		if err != nil || m == nil {
			return undefined, err
		}
		return m.object(c, p, str), nil
	}
	return nil, newError("T1006", -1)
}

// trimUndefined drops trailing undefined arguments (a partial application
// of a native function passes its unbound trailing parameters as
// undefined, which the signature treats as missing).
func trimUndefined(args []any) []any {
	for len(args) > 0 && isUndefined(args[len(args)-1]) {
		args = args[:len(args)-1]
	}
	return args
}

func argAt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return undefined
}

func (c *evalCtx) applyProcedure(p *lambda, args []any) (any, error) {
	env := newFrame(p.env)
	for i, name := range p.params {
		env.bind(name, argAt(args, i))
	}
	return c.eval(p.body, p.input, env)
}

func (c *evalCtx) evalPartial(expr *node, input any, env *frame) (any, error) {
	args := make([]any, 0, len(expr.args))
	for _, a := range expr.args {
		if a.typ == nPlaceholder {
			args = append(args, placeholder)
			continue
		}
		v, err := c.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	proc, err := c.eval(expr.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndefined(proc) && expr.procedure.typ == nPath && len(expr.procedure.steps) > 0 &&
		jsTruthy(c.lookup(env, expr.procedure.steps[0].str)) {
		return nil, newError("T1007", expr.pos).withToken(expr.procedure.steps[0].str)
	}
	switch p := proc.(type) {
	case *lambda:
		f := newFrame(p.env)
		var unbound []string
		for i, param := range p.params {
			a := argAt(args, i)
			if a == placeholder {
				unbound = append(unbound, param)
			} else {
				f.bind(param, a)
			}
		}
		return &lambda{params: unbound, body: p.body, input: p.input, env: f}, nil
	case *partialFunc:
		filled := make([]any, len(p.args))
		k := 0
		for i, a := range p.args {
			if a == placeholder {
				filled[i] = argAt(args, k)
				k++
			} else {
				filled[i] = a
			}
		}
		return &partialFunc{fn: p.fn, args: filled}, nil
	case *builtin, *regexFunc:
		n := arity(p)
		bound := make([]any, n)
		for i := range bound {
			bound[i] = argAt(args, i)
		}
		return &partialFunc{fn: p, args: bound}, nil
	}
	return nil, newError("T1008", expr.pos).withToken(procName(expr.procedure))
}

func (c *evalCtx) evalApply(expr *node, input any, env *frame) (any, error) {
	lhs, err := c.eval(expr.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if expr.rhs.typ == nFunction {
		return c.evalFunction(expr.rhs, input, env, &lhs)
	}
	fn, err := c.eval(expr.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !isFunction(fn) {
		return nil, newError("T2006", expr.pos).withValue(fn)
	}
	if isFunction(lhs) {
		chain, err := c.eval(chainAST, undefined, env)
		if err != nil {
			return nil, err
		}
		return c.apply(chain, []any{lhs, fn}, undefined, env, "")
	}
	return c.apply(fn, []any{lhs}, undefined, env, "")
}

// chainAST composes two functions: f ~> g.
var chainAST = mustParse("function($f, $g) { function($x){ $g($f($x)) } }")

func mustParse(src string) *node {
	raw, err := parse(src)
	if err != nil {
		panic(err)
	}
	n, err := process(raw)
	if err != nil {
		panic(err)
	}
	return n
}

// transformer builds the function of a transform expression
// |pattern|update[,delete]|.
func (c *evalCtx) transformer(expr *node, env *frame) any {
	return &builtin{name: "transform", sig: transformSig, arity: 1,
		fn: func(c *evalCtx, _ any, _ *frame, args []any) (any, error) {
			obj := argAt(args, 0)
			if isUndefined(obj) {
				return undefined, nil
			}
			clone := c.lookup(env, "clone")
			if !isFunction(clone) {
				return nil, newError("T2013", expr.pos)
			}
			result, err := c.apply(clone, []any{obj}, undefined, env, "clone")
			if err != nil {
				return nil, err
			}
			matches, err := c.eval(expr.pattern, result, env)
			if err != nil {
				return nil, err
			}
			if isUndefined(matches) {
				return result, nil
			}
			list, ok := arrayItems(matches)
			if !ok {
				list = []any{matches}
			}
			for _, match := range list {
				update, err := c.eval(expr.update, match, env)
				if err != nil {
					return nil, err
				}
				if !isUndefined(update) {
					if !isObject(update) {
						return nil, newError("T2011", expr.update.pos).withValue(update)
					}
					if m, ok := match.(*object); ok {
						for _, k := range objectKeys(update) {
							v, _ := objectGet(update, k)
							m.set(k, v)
						}
					}
				}
				if expr.del != nil {
					dels, err := c.eval(expr.del, match, env)
					if err != nil {
						return nil, err
					}
					if isUndefined(dels) {
						continue
					}
					names, ok := arrayItems(dels)
					if !ok {
						names = []any{dels}
					}
					for _, n := range names {
						if _, isStr := n.(string); !isStr {
							return nil, newError("T2012", expr.del.pos).withValue(dels)
						}
					}
					if m, ok := match.(*object); ok {
						for _, n := range names {
							m.del(n.(string))
						}
					}
				}
			}
			return result, nil
		}}
}

var transformSig = mustSignature("<(oa):o>")

func mustSignature(s string) *signature {
	sig, err := parseSignature(s)
	if err != nil {
		panic(err)
	}
	return sig
}
