package asl

import (
	"fmt"
	"strings"
	"time"
)

// choiceOp is a Choice comparison operator.
type choiceOp uint8

const (
	opNone choiceOp = iota
	opAnd
	opOr
	opNot
	opStringEquals
	opStringLessThan
	opStringGreaterThan
	opStringLessThanEquals
	opStringGreaterThanEquals
	opStringMatches
	opNumericEquals
	opNumericLessThan
	opNumericGreaterThan
	opNumericLessThanEquals
	opNumericGreaterThanEquals
	opBooleanEquals
	opTimestampEquals
	opTimestampLessThan
	opTimestampGreaterThan
	opTimestampLessThanEquals
	opTimestampGreaterThanEquals
	opIsNull
	opIsPresent
	opIsNumeric
	opIsString
	opIsBoolean
	opIsTimestamp
)

// operand types of the comparison operators.
const (
	operandString = iota
	operandNumber
	operandBool
	operandTimestamp
	operandPattern
)

type opInfo struct {
	op      choiceOp
	operand int
	path    bool
}

// choiceOperators maps every comparison field name to its operator.
var choiceOperators = func() map[string]opInfo {
	m := map[string]opInfo{}
	add := func(name string, op choiceOp, operand int, withPath bool) {
		m[name] = opInfo{op: op, operand: operand}
		if withPath {
			m[name+"Path"] = opInfo{op: op, operand: operand, path: true}
		}
	}
	add("StringEquals", opStringEquals, operandString, true)
	add("StringLessThan", opStringLessThan, operandString, true)
	add("StringGreaterThan", opStringGreaterThan, operandString, true)
	add("StringLessThanEquals", opStringLessThanEquals, operandString, true)
	add("StringGreaterThanEquals", opStringGreaterThanEquals, operandString, true)
	add("StringMatches", opStringMatches, operandPattern, false)
	add("NumericEquals", opNumericEquals, operandNumber, true)
	add("NumericLessThan", opNumericLessThan, operandNumber, true)
	add("NumericGreaterThan", opNumericGreaterThan, operandNumber, true)
	add("NumericLessThanEquals", opNumericLessThanEquals, operandNumber, true)
	add("NumericGreaterThanEquals", opNumericGreaterThanEquals, operandNumber, true)
	add("BooleanEquals", opBooleanEquals, operandBool, true)
	add("TimestampEquals", opTimestampEquals, operandTimestamp, true)
	add("TimestampLessThan", opTimestampLessThan, operandTimestamp, true)
	add("TimestampGreaterThan", opTimestampGreaterThan, operandTimestamp, true)
	add("TimestampLessThanEquals", opTimestampLessThanEquals, operandTimestamp, true)
	add("TimestampGreaterThanEquals", opTimestampGreaterThanEquals, operandTimestamp, true)
	add("IsNull", opIsNull, operandBool, false)
	add("IsPresent", opIsPresent, operandBool, false)
	add("IsNumeric", opIsNumeric, operandBool, false)
	add("IsString", opIsString, operandBool, false)
	add("IsBoolean", opIsBoolean, operandBool, false)
	add("IsTimestamp", opIsTimestamp, operandBool, false)
	return m
}()

// choiceRule is a compiled Choice rule (top-level rules have a Next).
type choiceRule struct {
	op       choiceOp
	variable *refPath
	// the operand: a literal or a path
	str     string
	num     float64
	boolean bool
	ts      time.Time
	pattern []globPart
	operand *refPath
	subs    []*choiceRule // And/Or operands, or the single Not operand

	next    *state
	nextSrc string
	assign  *tmpl
	loc     string

	// JSONata
	condition, jassign, joutput any
	jcond, jassignT, joutputT   *jtmpl
}

// globPart is one piece of a StringMatches pattern: a literal run or a '*'.
type globPart struct {
	star bool
	lit  string
}

// compileGlob parses a StringMatches pattern: '*' matches any run of
// characters, '\*' a literal star, '\\' a literal backslash.
func compileGlob(p string) []globPart {
	var parts []globPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, globPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\'):
			lit.WriteByte(p[i+1])
			i++
		case c == '*':
			flush()
			if len(parts) == 0 || !parts[len(parts)-1].star {
				parts = append(parts, globPart{star: true})
			}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

// globMatch reports whether s matches the compiled pattern.
func globMatch(parts []globPart, s string) bool {
	// Classic greedy matching with backtracking to the last star.
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(parts) {
			p := parts[pi]
			if p.star {
				starPi, starSi = pi, si
				pi++
				continue
			}
			if strings.HasPrefix(s[si:], p.lit) {
				si += len(p.lit)
				pi++
				continue
			}
		} else if si == len(s) {
			return true
		}
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		starSi++
		si = starSi
		pi = starPi + 1
	}
}

// parseTimestamp parses an ISO-8601 extended offset date-time as AWS accepts
// it: "2016-03-14T01:59:00Z", fractional seconds and numeric offsets allowed.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// choiceEval evaluates r against the scope. It returns a failure for a
// Variable that references nothing.
func (r *choiceRule) eval(s *evalScope) (bool, *failure) {
	switch r.op {
	case opAnd:
		for _, sub := range r.subs {
			ok, fl := sub.eval(s)
			if fl != nil || !ok {
				return false, fl
			}
		}
		return true, nil
	case opOr:
		for _, sub := range r.subs {
			ok, fl := sub.eval(s)
			if fl != nil {
				return false, fl
			}
			if ok {
				return true, nil
			}
		}
		return false, nil
	case opNot:
		ok, fl := r.subs[0].eval(s)
		return !ok, fl
	}
	v, err := r.variable.get(s)
	if err != nil {
		if r.op == opIsPresent {
			return !r.boolean, nil
		}
		return false, invalidChoicePath(r.variable.src)
	}
	switch r.op {
	case opIsPresent:
		return r.boolean, nil
	case opIsNull:
		return (v == nil) == r.boolean, nil
	case opIsNumeric:
		_, isNum := toFloat(v)
		return isNum == r.boolean, nil
	case opIsString:
		_, isStr := v.(string)
		return isStr == r.boolean, nil
	case opIsBoolean:
		_, isBool := v.(bool)
		return isBool == r.boolean, nil
	case opIsTimestamp:
		str, isStr := v.(string)
		isTS := false
		if isStr {
			_, isTS = parseTimestamp(str)
		}
		return isTS == r.boolean, nil
	case opStringMatches:
		str, ok := v.(string)
		return ok && globMatch(r.pattern, str), nil
	}

	// Binary comparisons: fetch the operand.
	var operand any
	if r.operand != nil {
		o, err := r.operand.get(s)
		if err != nil {
			return false, invalidChoicePath(r.operand.src)
		}
		operand = o
	}
	switch {
	case r.op >= opStringEquals && r.op <= opStringGreaterThanEquals:
		str, ok := v.(string)
		if !ok {
			return false, nil
		}
		want := r.str
		if r.operand != nil {
			w, ok := operand.(string)
			if !ok {
				return false, nil
			}
			want = w
		}
		return compareResult(r.op-opStringEquals, strings.Compare(str, want)), nil
	case r.op >= opNumericEquals && r.op <= opNumericGreaterThanEquals:
		f, ok := toFloat(v)
		if !ok {
			return false, nil
		}
		want := r.num
		if r.operand != nil {
			w, ok := toFloat(operand)
			if !ok {
				return false, nil
			}
			want = w
		}
		c := 0
		if f < want {
			c = -1
		} else if f > want {
			c = 1
		}
		return compareResult(r.op-opNumericEquals, c), nil
	case r.op == opBooleanEquals:
		b, ok := v.(bool)
		if !ok {
			return false, nil
		}
		want := r.boolean
		if r.operand != nil {
			w, ok := operand.(bool)
			if !ok {
				return false, nil
			}
			want = w
		}
		return b == want, nil
	case r.op >= opTimestampEquals && r.op <= opTimestampGreaterThanEquals:
		str, ok := v.(string)
		if !ok {
			return false, nil
		}
		t, ok := parseTimestamp(str)
		if !ok {
			return false, nil
		}
		want := r.ts
		if r.operand != nil {
			w, ok := operand.(string)
			if !ok {
				return false, nil
			}
			wt, ok := parseTimestamp(w)
			if !ok {
				return false, nil
			}
			want = wt
		}
		return compareResult(r.op-opTimestampEquals, t.Compare(want)), nil
	}
	return false, nil
}

// compareResult applies the k-th comparison of a family (Equals, LessThan,
// GreaterThan, LessThanEquals, GreaterThanEquals) to c = compare(a, b).
func compareResult(k choiceOp, c int) bool {
	switch k {
	case 0:
		return c == 0
	case 1:
		return c < 0
	case 2:
		return c > 0
	case 3:
		return c <= 0
	default:
		return c >= 0
	}
}

func invalidChoicePath(src string) *failure {
	return &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
		"Invalid path '%s': The choice state's condition path references an invalid value.", src)}
}
