package jsonata

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Values. The evaluator works on the values encoding/json produces
// (map[string]any, []any, string, bool, nil for null, json.Number or
// float64) plus a few of its own:
//
//   - undefined: JSONata's "no value" (distinct from null, which is nil);
//   - *array: a JSONata sequence, or an array literal flagged as such;
//   - *object: an object built by an expression, keeping its key order;
//   - tuple: a binding of a tuple stream (internal to paths);
//   - functions: *lambda, *builtin, *partialFunc, *regexFunc.
//
// Numbers computed by the evaluator are float64; numbers from the input
// stay json.Number until something computes with them. Output converts
// everything back to plain JSON values (see toJSON).

type undefinedType struct{}

// undefined is JSONata's undefined value.
var undefined any = undefinedType{}

func isUndefined(v any) bool {
	_, ok := v.(undefinedType)
	return ok
}

// array is a JSONata sequence (seq) or a constructed array with flags.
type array struct {
	items         []any
	seq           bool // a sequence: unwrapped when it has 0 or 1 items
	keepSingleton bool // a sequence that keeps a single item as an array
	outerWrapper  bool // the input document wrapped as a sequence
	tupleStream   bool // items are tuples
	cons          bool // built by an array constructor: not flattened by a path step
}

func newSeq(items ...any) *array { return &array{items: items, seq: true} }

// arrayItems returns the items of any array value.
func arrayItems(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case *array:
		return a.items, true
	}
	return nil, false
}

func isArray(v any) bool {
	switch v.(type) {
	case []any, *array:
		return true
	}
	return false
}

func isSequence(v any) bool {
	a, ok := v.(*array)
	return ok && a.seq
}

// tuple is one binding of a tuple stream: "@" is the context item, the
// other keys are focus, index and ancestor variables.
type tuple map[string]any

// object is an object built by an expression. Keys keep insertion order,
// except that array-index keys come first in ascending order, as in
// JavaScript.
type object struct {
	keys []string
	vals map[string]any
}

func newObject(n int) *object {
	return &object{keys: make([]string, 0, n), vals: make(map[string]any, n)}
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
}

// orderedKeys returns the keys in JavaScript's property order.
func (o *object) orderedKeys() []string {
	n := 0
	for _, k := range o.keys {
		if isArrayIndex(k) {
			n++
		}
	}
	if n == 0 {
		return o.keys
	}
	idx := make([]string, 0, n)
	rest := make([]string, 0, len(o.keys)-n)
	for _, k := range o.keys {
		if isArrayIndex(k) {
			idx = append(idx, k)
		} else {
			rest = append(rest, k)
		}
	}
	sortIndexKeys(idx)
	return append(idx, rest...)
}

// isArrayIndex reports whether k is a canonical array index ("0", "42").
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	n, err := strconv.ParseUint(k, 10, 64)
	return err == nil && n < math.MaxUint32
}

func sortIndexKeys(keys []string) {
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
}

// isObject reports whether v is a JSON object.
func isObject(v any) bool {
	switch v.(type) {
	case map[string]any, *object:
		return true
	}
	return false
}

// objectKeys returns an object's keys in the order JSONata iterates them.
// Input objects (maps) have lost their order: their keys come sorted, array
// indexes first.
func objectKeys(v any) []string {
	switch o := v.(type) {
	case *object:
		return o.orderedKeys()
	case map[string]any:
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			ai, bi := isArrayIndex(a), isArrayIndex(b)
			switch {
			case ai && bi:
				if len(a) != len(b) {
					return len(a) < len(b)
				}
				return a < b
			case ai != bi:
				return ai
			}
			return a < b
		})
		return keys
	}
	return nil
}

func objectLen(v any) int {
	switch o := v.(type) {
	case *object:
		return len(o.keys)
	case map[string]any:
		return len(o)
	}
	return 0
}

// objectGet returns the value of key k.
func objectGet(v any, k string) (any, bool) {
	switch o := v.(type) {
	case *object:
		x, ok := o.vals[k]
		return x, ok
	case map[string]any:
		x, ok := o[k]
		return x, ok
	}
	return nil, false
}

// toNumber returns v as a float64 when it is a number.
func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			// Out of float64's range: JSON.parse gives ±Infinity.
			if strings.HasPrefix(string(x), "-") {
				return math.Inf(-1), true
			}
			return math.Inf(1), true
		}
		return f, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case float32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, json.Number, int, int64, int32, float32, uint64:
		return true
	}
	return false
}

func isInteger(f float64) bool { return f == math.Trunc(f) && !math.IsInf(f, 0) }

// typeLetter is the signature symbol of v's type.
func typeLetter(v any) byte {
	switch v.(type) {
	case undefinedType:
		return 'm'
	case nil:
		return 'l'
	case string:
		return 's'
	case bool:
		return 'b'
	case []any, *array:
		return 'a'
	case map[string]any, *object, tuple:
		return 'o'
	}
	if isNumber(v) {
		return 'n'
	}
	if isFunction(v) {
		return 'f'
	}
	return 'o'
}

// formatNumber renders f as JavaScript's Number.prototype.toString does.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if exp == "" {
			exp = "0"
		}
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// toPrecision15 is Number(f.toPrecision(15)): how $string and $clone
// round numbers.
func toPrecision15(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// maxValueDepth bounds the nesting of values the recursive helpers walk.
const maxValueDepth = 5000

// errTooDeep reports a value nested more than maxValueDepth levels.
var errTooDeep = &Error{Code: "U1004", Position: -1}

// writeJSON writes v as JSON.stringify would, with the indent for pretty
// printing ("" for compact). round applies toPrecision(15) to numbers
// ($string's replacer); functions then render as "".
func writeJSON(b *strings.Builder, v any, indent, prefix string, round bool) error {
	return writeJSONDepth(b, v, indent, prefix, round, 0)
}

func writeJSONDepth(b *strings.Builder, v any, indent, prefix string, round bool, depth int) error {
	if depth > maxValueDepth {
		return errTooDeep
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case undefinedType:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		writeJSONString(b, x)
	case []any, *array:
		items, _ := arrayItems(x)
		if len(items) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		inner := prefix + indent
		for i, e := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			if indent != "" {
				b.WriteByte('\n')
				b.WriteString(inner)
			}
			if isUndefined(e) || (isFunction(e) && !round) {
				b.WriteString("null")
				continue
			}
			if err := writeJSONDepth(b, e, indent, inner, round, depth+1); err != nil {
				return err
			}
		}
		if indent != "" {
			b.WriteByte('\n')
			b.WriteString(prefix)
		}
		b.WriteByte(']')
	case map[string]any, *object, tuple:
		var keys []string
		get := func(k string) any { v, _ := objectGet(x, k); return v }
		if t, ok := x.(tuple); ok {
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			get = func(k string) any { return t[k] }
		} else {
			keys = objectKeys(x)
		}
		b.WriteByte('{')
		inner := prefix + indent
		n := 0
		for _, k := range keys {
			e := get(k)
			if isUndefined(e) || (isFunction(e) && !round) {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			if indent != "" {
				b.WriteByte('\n')
				b.WriteString(inner)
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			if err := writeJSONDepth(b, e, indent, inner, round, depth+1); err != nil {
				return err
			}
		}
		if indent != "" && n > 0 {
			b.WriteByte('\n')
			b.WriteString(prefix)
		}
		b.WriteByte('}')
	default:
		if f, ok := toNumber(v); ok {
			if round {
				f = toPrecision15(f)
			}
			if math.IsInf(f, 0) || math.IsNaN(f) {
				b.WriteString("null")
				return nil
			}
			b.WriteString(formatNumber(f))
			return nil
		}
		if isFunction(v) {
			b.WriteString(`""`)
			return nil
		}
		b.WriteString("null")
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// writeJSONString writes s as JSON.stringify does: only quotes, backslashes
// and control characters are escaped.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i++
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// deepEqual is JSONata's isDeepEqual.
func deepEqual(a, b any) bool { return deepEqualDepth(a, b, 0) }

func deepEqualDepth(a, b any, depth int) bool {
	if depth > maxValueDepth {
		return false
	}
	if fa, ok := toNumber(a); ok {
		fb, ok := toNumber(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case undefinedType:
		return isUndefined(b)
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any, *array:
		xi, _ := arrayItems(x)
		yi, ok := arrayItems(b)
		if !ok || len(xi) != len(yi) {
			return false
		}
		for i := range xi {
			if !deepEqualDepth(xi[i], yi[i], depth+1) {
				return false
			}
		}
		return true
	case map[string]any, *object:
		if !isObject(b) || objectLen(x) != objectLen(b) {
			return false
		}
		for _, k := range objectKeys(x) {
			va, _ := objectGet(x, k)
			vb, ok := objectGet(b, k)
			if !ok || !deepEqualDepth(va, vb, depth+1) {
				return false
			}
		}
		return true
	}
	// Functions and other values: identity.
	return sameFunction(a, b)
}

// jsTruthy is JavaScript's truthiness (used where JSONata relies on it,
// e.g. the result of a $sort comparator).
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case nil, undefinedType:
		return false
	case bool:
		return x
	case string:
		return x != ""
	}
	if f, ok := toNumber(v); ok {
		return f != 0 && !math.IsNaN(f)
	}
	return true
}
