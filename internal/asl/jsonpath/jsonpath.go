// Package jsonpath implements the JSONPath dialect of AWS Step Functions.
//
// AWS evaluates JSONPath with the Jayway implementation (com.jayway.jsonpath),
// so this package follows Jayway's grammar and semantics: dot and bracket
// names, single and multiple indexes (negative ones count from the end),
// slices, wildcards, recursive descent (".."), filters ("[?(@.price < 10)]"
// with &&, ||, !, ==, !=, <, <=, >, >=, =~, in, nin, subsetof, anyof, noneof,
// contains, size, empty, exists) and the functions length(), size(), min(),
// max(), avg(), stddev(), sum(), keys(), first() and last().
//
// Besides "$" (the state input), a path may start with "$$" (the context
// object) or "$name" (an ASL variable, for the Variables feature). The caller
// chooses which document a path is evaluated against; see IsContext and
// Variable.
//
// JSON values are the plain Go values produced by encoding/json decoding with
// UseNumber: map[string]any, []any, string, bool, nil and json.Number. The
// package never produces float64 values.
//
// The package is pure: no I/O and no mutable package state. A *Path is
// immutable once parsed and safe for concurrent use.
package jsonpath

import (
	"errors"
	"strings"
)

var (
	// ErrNoMatch reports that a definite path selected nothing. Errors from Get
	// and Set that wrap it are *PathError values whose message is Jayway's, e.g.
	// "No results for path: $['a']" or "Missing property in path $['a']".
	ErrNoMatch = errors.New("jsonpath: path matched nothing")

	// ErrNotObject reports that Set had to step through a value of the wrong
	// type: a name step over something that is not an object, or an index step
	// over something that is not an array. AWS reports it as
	// States.ResultPathMatchFailure.
	ErrNotObject = errors.New("jsonpath: path crosses a value that is not an object")

	// ErrNotReference reports that Set was given a path that is not a reference
	// path (see IsDefinite) or that addresses the context object or a variable.
	ErrNotReference = errors.New("jsonpath: not a reference path")
)

// PathError is a failure to evaluate or apply a path to a document. Its
// message mimics Jayway's PathNotFoundException texts, which AWS embeds in
// causes such as "Invalid path '$.a' : No results for path: $['a']".
type PathError struct {
	// Path is the source text of the path.
	Path string
	// Msg is the Jayway-style explanation.
	Msg string
	// Err is ErrNoMatch, ErrNotObject or ErrNotReference.
	Err error
}

// Error returns the Jayway-style explanation only, so callers can embed it.
func (e *PathError) Error() string { return e.Msg }

// Unwrap returns ErrNoMatch, ErrNotObject or ErrNotReference.
func (e *PathError) Unwrap() error { return e.Err }

// SyntaxError reports a malformed path. Pos is the byte offset in the source
// text at which parsing failed.
type SyntaxError struct {
	Path string
	Pos  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return "invalid JSONPath '" + e.Path + "' at position " + itoa(e.Pos) + ": " + e.Msg
}

type rootKind uint8

const (
	rootDoc      rootKind = iota // $
	rootContext                  // $$
	rootVariable                 // $name
	rootCurrent                  // @ (only inside filters)
)

// Path is a compiled JSONPath. The zero value is not usable; use Parse.
type Path struct {
	src      string
	root     rootKind
	variable string
	tokens   []token

	// firstIndef is the index of the first token that is not definite in
	// Jayway's sense, or len(tokens) when every token is.
	firstIndef int
	// reference is true for AWS "Reference Paths": only single names and
	// single indexes.
	reference bool
	// hasFunc is true when the last token is a function call.
	hasFunc bool
}

// Parse compiles s. Leading and trailing white space is ignored, as Jayway
// does. It returns a *SyntaxError for malformed input.
func Parse(s string) (*Path, error) {
	p := &parser{src: s, full: strings.TrimSpace(s)}
	return p.parse()
}

// MustParse is like Parse but panics if s is malformed. It is meant for
// constants in code and tests.
func MustParse(s string) *Path {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the source text of p, as given to Parse.
func (p *Path) String() string { return p.src }

// IsContext reports whether p addresses the context object, that is whether
// it starts with "$$". Callers evaluate such paths against the context object.
func (p *Path) IsContext() bool { return p.root == rootContext }

// Variable returns the variable name when p starts with "$name" (for example
// "x" for "$x.y[0]"), and "" otherwise. Callers evaluate such paths against
// the variable's value.
func (p *Path) Variable() string { return p.variable }

// IsDefinite reports whether p is an AWS "Reference Path": its steps are only
// single names (dot or bracket notation) and single array indexes, with no
// wildcards, filters, slices, unions, recursive descent or functions. A
// definite path selects at most one value.
func (p *Path) IsDefinite() bool { return p.reference }

// IsSingle reports whether Get returns a single value (or an error) rather
// than a []any of matches. It is true for definite paths, for paths ending in
// a function such as length(), and for a final multi-name step such as
// "$['a','b']", which Jayway merges into one object.
func (p *Path) IsSingle() bool { return p.hasFunc || p.firstIndef == len(p.tokens) }

// IsRoot reports whether p selects the whole document ("$", "$$" or "$name").
func (p *Path) IsRoot() bool { return len(p.tokens) == 0 }

// Get evaluates p against doc.
//
// When p.IsSingle(), Get returns the one value selected, or a *PathError
// wrapping ErrNoMatch when nothing matches (or when an aggregation function
// such as sum() finds no numbers). Otherwise it returns a []any of all
// matches, possibly empty and never nil: as in AWS, an indefinite path does
// not fail when parts of the document are missing or of another type.
//
// Get never modifies doc, and the returned value shares structure with it.
func (p *Path) Get(doc any) (any, error) {
	if p.hasFunc {
		return p.getWithFunction(doc)
	}
	if p.firstIndef == len(p.tokens) {
		return p.getDefinite(doc, p.tokens)
	}
	ctx := evalCtx{root: doc, out: make([]any, 0, 4)}
	p.evalTokens(p.tokens, 0, doc, &ctx)
	return ctx.out, nil
}

// Canonical returns Jayway's normalized form of p, as it appears in error
// messages: "$.a.b[0]" becomes "$['a']['b'][0]".
func (p *Path) Canonical() string {
	var b strings.Builder
	b.WriteByte('$')
	for i := range p.tokens {
		p.tokens[i].writeFragment(&b)
	}
	return b.String()
}
