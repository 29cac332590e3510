package asl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gureum-dev/gureum/internal/asl/intrinsic"
	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

// tmplKind is the kind of one node of a compiled payload template.
type tmplKind uint8

const (
	tmplStatic    tmplKind = iota // a literal subtree, shared as is
	tmplObject                    // an object with at least one dynamic field
	tmplArray                     // an array with at least one dynamic element
	tmplPath                      // a "key.$": "$..." field
	tmplIntrinsic                 // a "key.$": "States.Fn(...)" field
)

// tmpl is a compiled payload template (Parameters, ResultSelector,
// ItemSelector, Assign, Credentials...). Literal subtrees are kept as shared
// values; only ".$" fields are evaluated.
type tmpl struct {
	kind   tmplKind
	static any
	fields []tmplField
	items  []*tmpl
	path   *refPath
	fn     *intrinsic.Expr
	src    string // the path or intrinsic text of a dynamic field
}

type tmplField struct {
	key    string // the output key (".$" stripped)
	srcKey string // the key as written
	node   *tmpl
}

// compileTemplate compiles a JSON value written in a definition. loc is its
// location for diagnostics.
func compileTemplate(v any, loc string, p *parser) *tmpl {
	switch x := v.(type) {
	case map[string]any:
		t := &tmpl{kind: tmplObject}
		dynamic := false
		for _, k := range sortedKeys(x) {
			val := x[k]
			if strings.HasSuffix(k, ".$") && len(k) > 2 {
				dynamic = true
				node := compileDynamic(val, k, loc, p)
				t.fields = append(t.fields, tmplField{key: k[:len(k)-2], srcKey: k, node: node})
				continue
			}
			node := compileTemplate(val, loc+"/"+k, p)
			if node.kind != tmplStatic {
				dynamic = true
			}
			t.fields = append(t.fields, tmplField{key: k, srcKey: k, node: node})
		}
		if !dynamic {
			return &tmpl{kind: tmplStatic, static: v}
		}
		return t
	case []any:
		t := &tmpl{kind: tmplArray}
		dynamic := false
		for i, e := range x {
			node := compileTemplate(e, fmt.Sprintf("%s[%d]", loc, i), p)
			if node.kind != tmplStatic {
				dynamic = true
			}
			t.items = append(t.items, node)
		}
		if !dynamic {
			return &tmpl{kind: tmplStatic, static: v}
		}
		return t
	}
	return &tmpl{kind: tmplStatic, static: v}
}

// compileDynamic compiles the value of a "key.$" field.
func compileDynamic(v any, key, loc string, p *parser) *tmpl {
	s, ok := v.(string)
	if !ok {
		p.schemaErr(loc, "The value for the field '%s' must be a STRING that contains a JSONPath, a context object path, a variable path or an intrinsic function", key)
		return &tmpl{kind: tmplStatic}
	}
	if intrinsic.IsIntrinsic(s) {
		fn, err := intrinsic.Parse(s)
		if err != nil {
			p.schemaErr(loc, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key)
			return &tmpl{kind: tmplStatic}
		}
		return &tmpl{kind: tmplIntrinsic, fn: fn, src: s}
	}
	rp, err := compilePath(s)
	if err != nil {
		p.schemaErr(loc, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key)
		return &tmpl{kind: tmplStatic}
	}
	return &tmpl{kind: tmplPath, path: rp, src: s}
}

// evalTemplate evaluates t. field names the template ("Parameters") for
// error messages.
func (t *tmpl) eval(s *evalScope) (any, *failure) {
	switch t.kind {
	case tmplStatic:
		return t.static, nil
	case tmplObject:
		out := make(map[string]any, len(t.fields))
		for i := range t.fields {
			f := &t.fields[i]
			v, fl := f.node.evalField(s, f.srcKey)
			if fl != nil {
				return nil, fl
			}
			out[f.key] = v
		}
		return out, nil
	case tmplArray:
		out := make([]any, len(t.items))
		for i, it := range t.items {
			v, fl := it.eval(s)
			if fl != nil {
				return nil, fl
			}
			out[i] = v
		}
		return out, nil
	}
	return t.evalField(s, "")
}

// evalField evaluates the node of the field srcKey.
func (t *tmpl) evalField(s *evalScope, srcKey string) (any, *failure) {
	switch t.kind {
	case tmplPath:
		v, err := t.path.get(s)
		if err != nil {
			if errors.Is(err, errPathNoMatch) {
				return nil, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
					"The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
					t.src, srcKey, encodeValue(t.path.doc(s)))}
			}
			return nil, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The JSONPath '%s' specified for the field '%s' could not be evaluated: %v", t.src, srcKey, err)}
		}
		return v, nil
	case tmplIntrinsic:
		v, err := t.fn.Eval(intrinsicEnv{s})
		if err != nil {
			return nil, intrinsicFailure(err, srcKey, s)
		}
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, &failure{Error: ErrRuntime, terminal: true, Cause: err.Error()}
		}
		return nv, nil
	}
	return t.eval(s)
}

// intrinsicFailure turns an intrinsic evaluation error into AWS's failure:
// States.Runtime, with "Invalid arguments in States.X" or the unresolvable
// path explained like a Parameters path.
func intrinsicFailure(err error, srcKey string, s *evalScope) *failure {
	var ie *intrinsic.Error
	if errors.As(err, &ie) {
		if ie.Kind == intrinsic.PathNotFound {
			doc := s.input
			if rp, perr := s.ex.m.cachedPath(ie.Path); perr == nil {
				doc = rp.doc(s)
			}
			return &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
				"The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
				ie.Path, srcKey, encodeValue(doc))}
		}
		return &failure{Error: ErrRuntime, terminal: true, Cause: ie.Cause}
	}
	return &failure{Error: ErrRuntime, terminal: true, Cause: err.Error()}
}

// intrinsicEnv adapts an evalScope to intrinsic.Env (and PathResolver, so
// path arguments are compiled once, by the intrinsic package).
type intrinsicEnv struct{ s *evalScope }

var _ intrinsic.PathResolver = intrinsicEnv{}

func (e intrinsicEnv) Resolve(path string) (any, error) {
	rp, err := e.s.ex.m.cachedPath(path)
	if err != nil {
		return nil, err
	}
	return rp.get(e.s)
}

func (e intrinsicEnv) ResolvePath(p *jsonpath.Path) (any, error) {
	var doc any
	switch {
	case p.IsContext():
		doc = e.s.contextObject()
	case p.Variable() != "":
		v, ok := e.s.vars.lookup(p.Variable())
		if !ok {
			return nil, errPathNoMatch
		}
		doc = v
	default:
		doc = e.s.input
	}
	if p.IsRoot() {
		return doc, nil
	}
	return p.Get(doc)
}

func (e intrinsicEnv) UUID() string { return e.s.ex.newUUID() }

func (e intrinsicEnv) RandomInt(lo, hi int64, seed *int64) int64 {
	return e.s.ex.randomInt(lo, hi, seed)
}
