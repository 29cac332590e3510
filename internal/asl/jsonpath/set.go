package jsonpath

import "strings"

// Set returns a document equal to doc with v placed at p, with the semantics
// of a ResultPath: "$" replaces the whole document, missing objects along the
// path are created, existing fields are overwritten.
//
// Set never modifies doc: every object and array along the path is copied
// (copy-on-write), and everything off the path is shared with doc.
//
// p must be a reference path (see IsDefinite) rooted at "$"; otherwise Set
// returns a *PathError wrapping ErrNotReference. A name step over a value that
// is not an object, or an index step over a value that is not an array,
// returns a *PathError wrapping ErrNotObject (States.ResultPathMatchFailure in
// AWS terms); an index step past the end of an array, or into an array that
// does not exist, returns a *PathError wrapping ErrNoMatch.
func (p *Path) Set(doc any, v any) (any, error) {
	if p.root != rootDoc || !p.reference {
		return nil, p.newError(ErrNotReference, "'"+p.src+"' is not a reference path that can be set")
	}
	return p.setAt(doc, true, 0, v)
}

func (p *Path) setAt(cur any, exists bool, i int, v any) (any, error) {
	if i == len(p.tokens) {
		return v, nil
	}
	t := &p.tokens[i]
	switch t.kind {
	case tkProperty:
		var m map[string]any
		if exists {
			var ok bool
			if m, ok = cur.(map[string]any); !ok {
				return nil, p.setError(ErrNotObject, i, cur)
			}
		}
		name := t.names[0]
		child, childExists := m[name]
		nv, err := p.setAt(child, childExists, i+1, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m)+1)
		for k, x := range m {
			out[k] = x
		}
		out[name] = nv
		return out, nil
	case tkIndex:
		if !exists {
			return nil, p.setError(ErrNoMatch, i, nil)
		}
		l, ok := cur.([]any)
		if !ok {
			return nil, p.setError(ErrNotObject, i, cur)
		}
		idx := t.indexes[0]
		if idx < 0 {
			idx += len(l)
		}
		if idx < 0 || idx >= len(l) {
			return nil, p.setError(ErrNoMatch, i, cur)
		}
		nv, err := p.setAt(l[idx], true, i+1, v)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(l))
		copy(out, l)
		out[idx] = nv
		return out, nil
	}
	return nil, p.newError(ErrNotReference, "'"+p.src+"' is not a reference path that can be set")
}

func (p *Path) setError(sentinel error, i int, cur any) error {
	var frag strings.Builder
	p.tokens[i].writeFragment(&frag)
	var msg string
	switch {
	case sentinel == ErrNotObject && p.tokens[i].kind == tkProperty:
		msg = "Expected to find an object with property " + frag.String() + " in path " + p.prefix(i) +
			" but found '" + javaClass(cur) + "'"
	case sentinel == ErrNotObject:
		msg = "Expected to find an array at " + p.prefix(i) + " for index " + frag.String() +
			" but found '" + javaClass(cur) + "'"
	case cur == nil:
		msg = "Missing array in path " + p.prefix(i)
	default:
		msg = "Index " + frag.String() + " is out of bounds in path " + p.prefix(i)
	}
	return p.newError(sentinel, msg)
}
