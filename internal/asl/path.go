package asl

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

// pathKind says which document a reference path reads.
type pathKind uint8

const (
	pathInput    pathKind = iota // "$..." — the state's (effective) input
	pathContext                  // "$$..." — the context object
	pathVariable                 // "$name..." — a workflow variable
)

// refPath is a compiled path: one of "$...", "$$..." or "$var...".
type refPath struct {
	src     string
	kind    pathKind
	varName string
	p       *jsonpath.Path
	whole   bool // the path selects the whole document ("$", "$$", "$var")
}

// errPathNoMatch reports that a path selected nothing.
var errPathNoMatch = errors.New("path matched nothing")

// compilePath parses a path as AWS accepts it in InputPath, Parameters ".$"
// fields and the like.
func compilePath(src string) (*refPath, error) {
	p, err := jsonpath.Parse(src)
	if err != nil {
		// The jsonpath package takes ASCII variable names only; a variable
		// named in another script ("$변수.a") is split off here.
		if len(src) > 1 && src[1] >= utf8.RuneSelf && isVarStart(src[1:]) {
			name, rest := splitVariable(src[1:])
			rp, rerr := jsonpath.Parse("$" + rest)
			if rerr != nil {
				return nil, err
			}
			return &refPath{src: src, kind: pathVariable, varName: name, p: rp, whole: rp.IsRoot()}, nil
		}
		return nil, err
	}
	return newRefPath(p), nil
}

// splitVariable splits "name.rest" into the variable name and the rest.
func splitVariable(s string) (string, string) {
	for i, r := range s {
		if !isVarRune(r) {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

func newRefPath(p *jsonpath.Path) *refPath {
	r := &refPath{src: p.String(), p: p, whole: p.IsRoot()}
	switch {
	case p.IsContext():
		r.kind = pathContext
	case p.Variable() != "":
		r.kind = pathVariable
		r.varName = p.Variable()
	}
	return r
}

// isVarStart reports whether s (the text after the first '$') starts a
// variable name.
func isVarStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

func isVarRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// validVariableName reports whether name may be assigned.
func validVariableName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > 80 || !isVarStart(name) {
		return false
	}
	for _, r := range name {
		if !isVarRune(r) {
			return false
		}
	}
	return true
}

// isDefinite reports whether the path selects at most one node (a
// "reference path" in the specification's terms).
func (r *refPath) isDefinite() bool { return r.whole || r.p.IsDefinite() }

// evalScope is what a path or payload template is evaluated against: the
// document "$" reads, the variables, and what the context object ("$$") is
// built from (lazily: most states never read it).
type evalScope struct {
	input   any
	vars    *varScope
	ex      *Execution
	f       *frame
	st      *state
	item    *mapItem // set while evaluating a Map's ItemSelector
	token   string   // the task token, for .waitForTaskToken Parameters
	context any
}

// scope returns the execution's scratch evaluation scope, reset for state st
// of frame f reading input. Evaluation never nests (a scope is done with
// before the next one is taken), so one scratch scope per execution saves an
// allocation per evaluation.
func (ex *Execution) scope(f *frame, st *state, input any) *evalScope {
	s := &ex.scratch
	*s = evalScope{input: input, vars: f.vars, ex: ex, f: f, st: st}
	return s
}

func (s *evalScope) contextObject() any {
	if s.context == nil && s.ex != nil {
		s.context = s.ex.contextObject(s)
	}
	return s.context
}

// get evaluates r. A definite path that selects nothing returns an error
// wrapping errPathNoMatch (a *jsonpath.PathError with Jayway's explanation,
// or errPathNoMatch itself for an unknown variable).
func (r *refPath) get(s *evalScope) (any, error) {
	var doc any
	switch r.kind {
	case pathInput:
		doc = s.input
	case pathContext:
		doc = s.contextObject()
	case pathVariable:
		v, ok := s.vars.lookup(r.varName)
		if !ok {
			return nil, errPathNoMatch
		}
		doc = v
	}
	if r.whole {
		return doc, nil
	}
	v, err := r.p.Get(doc)
	if err != nil {
		if errors.Is(err, jsonpath.ErrNoMatch) {
			return nil, &noMatchError{err}
		}
		return nil, err
	}
	return v, nil
}

// noMatchError wraps the jsonpath package's explanation as errPathNoMatch.
type noMatchError struct{ err error }

func (e *noMatchError) Error() string        { return e.err.Error() }
func (e *noMatchError) Is(target error) bool { return target == errPathNoMatch }
func (e *noMatchError) Unwrap() error        { return e.err }

// doc returns the document r reads, for error messages.
func (r *refPath) doc(s *evalScope) any {
	switch r.kind {
	case pathContext:
		return s.contextObject()
	case pathVariable:
		v, _ := s.vars.lookup(r.varName)
		return v
	}
	return s.input
}

// varScope is one level of workflow variables: the execution's, or a Map
// iteration's / Parallel branch's, which sees its parents' variables.
type varScope struct {
	parent *varScope
	vals   map[string]any
}

func (v *varScope) lookup(name string) (any, bool) {
	for s := v; s != nil; s = s.parent {
		if x, ok := s.vals[name]; ok {
			return x, true
		}
	}
	return nil, false
}

// set assigns name in v. Assignments in a Map iteration or Parallel branch
// stay in that scope: the outer scope never sees them.
func (v *varScope) set(name string, val any) {
	if v.vals == nil {
		v.vals = map[string]any{}
	}
	v.vals[name] = val
}

// numberValue turns an int into a JSON number value.
func numberValue(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }
