// Package intrinsic implements the States.* intrinsic functions of the Amazon
// States Language (JSONPath query language), such as
// "States.Format('Hello, {}', $.name)".
//
// Parse compiles an invocation once; Eval runs it against an Env that
// resolves path arguments and supplies randomness, so evaluation is
// deterministic under test. Values are the plain Go values produced by
// encoding/json decoding with UseNumber (map[string]any, []any, string, bool,
// nil, json.Number); results never contain float64.
//
// Argument checks and edge cases follow what AWS Step Functions does, as
// recorded in executions on AWS: for example integer arguments are truncated
// (ArrayRange, ArrayPartition, ArrayGetItem, MathRandom) except for MathAdd,
// which rounds half up like Java's Math.round; StringSplit splits on every
// character of the delimiter and drops empty tokens, like Java's
// StringTokenizer; Base64Decode ignores characters outside the Base64
// alphabet. Failures are *Error values whose Cause is the text AWS reports,
// such as "Invalid arguments in States.MathAdd".
//
// JSON objects are Go maps, which do not keep key order, so States.JsonToString
// writes keys in sorted order and States.Format renders objects with sorted
// keys, where AWS keeps the order of the input document.
//
// The package is pure: no I/O and no mutable package state.
package intrinsic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

// Env supplies what evaluation needs from the outside world.
type Env interface {
	// Resolve returns the value a path argument refers to. path is the
	// argument's source text: "$..." (state input), "$$..." (context object)
	// or "$name..." (a variable). An error means the path does not resolve;
	// Eval reports it as an *Error of kind PathNotFound wrapping it.
	Resolve(path string) (any, error)
	// UUID returns a new version 4 UUID for States.UUID.
	UUID() string
	// RandomInt returns a random integer in [lo, hi) for States.MathRandom.
	// When seed is not nil the result must be a function of the seed.
	RandomInt(lo, hi int64, seed *int64) int64
}

// PathResolver is an optional interface for Env implementations that can
// resolve already-compiled paths, saving a parse per evaluation. Eval uses
// ResolvePath instead of Resolve when the Env implements it.
type PathResolver interface {
	ResolvePath(p *jsonpath.Path) (any, error)
}

// ErrorKind tells the two kinds of evaluation failure apart.
type ErrorKind int

const (
	// InvalidArguments means a function got the wrong number or type of
	// arguments, or a value it cannot work with. AWS reports it with the cause
	// "Invalid arguments in States.X" (the characterisations we have show
	// AWS raising States.Runtime for these; the ASL package decides the name).
	InvalidArguments ErrorKind = iota
	// PathNotFound means a path argument did not resolve. The Error's Cause
	// is then the resolver's error text, and Path and Err are set. AWS
	// reports it like any unresolvable JSONPath in a "*.$" field (States.Runtime,
	// "The JSONPath '$.x' specified for the field 'f.$' could not be found in
	// the input '...'").
	PathNotFound
)

func (k ErrorKind) String() string {
	if k == PathNotFound {
		return "PathNotFound"
	}
	return "InvalidArguments"
}

// Error is an intrinsic evaluation failure.
type Error struct {
	// Cause is the text AWS puts in the failure's cause, without the
	// "An error occurred while executing the state ..." prefix.
	Cause string
	// Kind tells a bad argument from a path that does not resolve.
	Kind ErrorKind
	// Function is the function that failed, e.g. "States.MathAdd".
	Function string
	// Path is the path argument that did not resolve (PathNotFound only).
	Path string
	// Err is the underlying error from Env.Resolve (PathNotFound only).
	Err error
}

// Error returns Cause.
func (e *Error) Error() string { return e.Cause }

// Unwrap returns the resolver's error, if any.
func (e *Error) Unwrap() error { return e.Err }

// SyntaxError reports a malformed intrinsic invocation. Pos is the byte
// offset at which parsing failed. AWS rejects such definitions when the state
// machine is created.
type SyntaxError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid intrinsic function '%s' at position %d: %s", e.Expr, e.Pos, e.Msg)
}

// Expr is a compiled intrinsic function invocation. It is immutable and safe
// for concurrent use.
type Expr struct {
	src  string
	root *node
}

// IsIntrinsic reports whether s looks like an intrinsic function call: it
// starts with "States.", a function name and "(". Whether the call is well
// formed is Parse's business.
func IsIntrinsic(s string) bool {
	if !strings.HasPrefix(s, "States.") {
		return false
	}
	rest := s[len("States."):]
	i := 0
	for i < len(rest) && isIdent(rest[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(rest) && isSpace(rest[i]) {
		i++
	}
	return i < len(rest) && rest[i] == '('
}

// Parse compiles an intrinsic function invocation such as
// "States.Format('{} {}', $.a, States.UUID())". Arguments are string literals
// in single quotes (with the escapes \' \{ \} \\), numbers, true, false, null,
// paths ("$.x", "$$.Execution.Id", "$var.x") and nested invocations. Unknown
// function names are syntax errors; argument counts are checked by Eval, as
// AWS does at run time.
func Parse(s string) (*Expr, error) {
	p := &parser{src: s}
	n, err := p.call(0)
	if err != nil {
		return nil, err
	}
	p.skipSpaces()
	if p.pos != len(s) {
		return nil, p.fail("unexpected %q after the invocation", s[p.pos:])
	}
	return &Expr{src: s, root: n}, nil
}

// MustParse is like Parse but panics if s is malformed.
func MustParse(s string) *Expr {
	e, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the source text of e.
func (e *Expr) String() string { return e.src }

// Function returns the name of the outermost function, e.g. "States.Format".
func (e *Expr) Function() string { return e.root.fn }

// Paths returns the source text of every path argument in e, in order, so
// that callers can validate them when a state machine is created.
func (e *Expr) Paths() []string {
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == nPath {
			out = append(out, n.text)
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(e.root)
	return out
}

// Eval evaluates e. Failures are *Error values; see ErrorKind. The result
// may share structure with values the Env returned, so callers must treat
// both as immutable.
func (e *Expr) Eval(env Env) (any, error) {
	return evalCall(e.root, env)
}

type nodeKind uint8

const (
	nCall nodeKind = iota
	nString
	nNumber
	nBool
	nNull
	nPath
)

type node struct {
	kind nodeKind
	fn   string  // nCall: "States.X"
	args []*node // nCall
	str  string  // nString: the unescaped value
	raw  string  // nString: the text between the quotes, escapes kept
	num  json.Number
	b    bool
	text string         // nPath: source text
	path *jsonpath.Path // nPath: compiled
}

func (n *node) value() any {
	switch n.kind {
	case nString:
		return n.str
	case nNumber:
		return n.num
	case nBool:
		return n.b
	}
	return nil
}

func evalCall(n *node, env Env) (any, error) {
	f := registry[n.fn]
	args := make([]any, len(n.args))
	for i, a := range n.args {
		switch a.kind {
		case nCall:
			v, err := evalCall(a, env)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case nPath:
			v, err := resolve(a, env)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.value()
		}
	}
	if len(args) < f.minArgs || f.maxArgs >= 0 && len(args) > f.maxArgs {
		return nil, invalid(n.fn)
	}
	return f.fn(&call{node: n, args: args, env: env})
}

func resolve(a *node, env Env) (any, error) {
	var v any
	var err error
	if r, ok := env.(PathResolver); ok {
		v, err = r.ResolvePath(a.path)
	} else {
		v, err = env.Resolve(a.text)
	}
	if err != nil {
		var ie *Error
		if errors.As(err, &ie) {
			return nil, ie
		}
		return nil, &Error{
			Cause: err.Error(),
			Kind:  PathNotFound,
			Path:  a.text,
			Err:   err,
		}
	}
	return v, nil
}

func invalid(fn string) *Error {
	return &Error{Cause: "Invalid arguments in " + fn, Kind: InvalidArguments, Function: fn}
}

// ---- parsing ----

// maxDepth bounds nesting so that adversarial input cannot exhaust the
// stack. AWS documents a lower limit for real definitions.
const maxDepth = 64

type parser struct {
	src string
	pos int
}

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{Expr: p.src, Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) skipSpaces() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// call parses States.Name(args).
func (p *parser) call(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, p.fail("intrinsic functions are nested too deeply")
	}
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return nil, p.fail("expected an intrinsic function starting with 'States.'")
	}
	begin := p.pos
	p.pos += len("States.")
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[begin:p.pos]
	if _, ok := registry[name]; !ok {
		p.pos = begin
		return nil, p.fail("unknown intrinsic function %q", name)
	}
	p.skipSpaces()
	if p.peek() != '(' {
		return nil, p.fail("expected '(' after %s", name)
	}
	p.pos++
	n := &node{kind: nCall, fn: name}
	p.skipSpaces()
	if p.peek() == ')' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpaces()
		a, err := p.arg(depth)
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, a)
		p.skipSpaces()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return n, nil
		case 0:
			return nil, p.fail("missing ')' to close %s", name)
		default:
			return nil, p.fail("expected ',' or ')' in the arguments of %s", name)
		}
	}
}

func (p *parser) arg(depth int) (*node, error) {
	switch c := p.peek(); {
	case c == 'S' && strings.HasPrefix(p.src[p.pos:], "States."):
		return p.call(depth + 1)
	case c == '\'':
		return p.stringLit()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == '$':
		return p.pathArg()
	case c == 0:
		return nil, p.fail("missing argument")
	}
	for _, w := range []struct {
		text string
		n    node
	}{
		{"true", node{kind: nBool, b: true}},
		{"false", node{kind: nBool, b: false}},
		{"null", node{kind: nNull}},
	} {
		if strings.HasPrefix(p.src[p.pos:], w.text) {
			end := p.pos + len(w.text)
			if end < len(p.src) && isIdent(p.src[end]) {
				break
			}
			p.pos = end
			n := w.n
			return &n, nil
		}
	}
	return nil, p.fail("invalid argument")
}

// stringLit parses a single-quoted string. The escapes are \' \{ \} and \\;
// any other backslash is an error, as in AWS.
func (p *parser) stringLit() (*node, error) {
	p.pos++ // '
	begin := p.pos
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return nil, p.fail("unterminated string literal")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			raw := p.src[begin:p.pos]
			p.pos++
			return &node{kind: nString, str: b.String(), raw: raw}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return nil, p.fail("open escape backslash in string literal")
			}
			switch e := p.src[p.pos+1]; e {
			case '\'', '{', '}', '\\':
				b.WriteByte(e)
				p.pos += 2
			default:
				return nil, p.fail("invalid escape sequence \\%c in string literal", e)
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// number parses a JSON number.
func (p *parser) number() (*node, error) {
	begin := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 || p.pos-intStart > 1 && p.src[intStart] == '0' {
		return nil, p.fail("invalid number")
	}
	if p.peek() == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		return nil, p.fail("invalid number")
	}
	return &node{kind: nNumber, num: json.Number(p.src[begin:p.pos])}, nil
}

// pathArg parses a path argument: it runs to the next ',' or ')' (or white
// space) outside brackets, parentheses and quotes.
func (p *parser) pathArg() (*node, error) {
	begin := p.pos
	depth := 0
	var quote byte
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if quote != 0 {
			if c == '\\' {
				p.pos += 2
				continue
			}
			if c == quote {
				quote = 0
			}
			p.pos++
			continue
		}
		if depth == 0 && (c == ',' || c == ')' || isSpace(c)) {
			break
		}
		switch c {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case '\'', '"':
			if depth > 0 {
				quote = c
			}
		}
		p.pos++
	}
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	text := p.src[begin:p.pos]
	path, err := jsonpath.Parse(text)
	if err != nil {
		at := p.pos
		p.pos = begin
		e := p.fail("invalid path %q: %v", text, err)
		p.pos = at
		return nil, e
	}
	return &node{kind: nPath, text: text, path: path}, nil
}
