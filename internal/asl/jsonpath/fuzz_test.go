package jsonpath_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

var fuzzPaths = []string{
	"$", "$$", "$.a.b", "$['a b']", "$.a[0]", "$.a[-1:]", "$.a[*].b", "$..b", "$.a[?(@.x > 1)]",
	"$.a[0,1]", "$.a[1:3]", "$.a.length()", "$$.Execution.Id", "$x.y", `$['Test\""Name"']`,
	"$.a[?(@.x == 'y' && (@.z || !@.w))]", "$..[?(@.a =~ /x.*/i)].b", "$.a[?(@.t in ['a', 1, {'k': [true]}])]",
	"$['a','b']", "$..*", "$.a.*.b.sum()",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzPaths {
		f.Add(s)
	}
	doc := map[string]any{
		"a": []any{map[string]any{"x": json.Number("2"), "b": "s"}, json.Number("1"), nil},
		"b": map[string]any{"c": true},
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := jsonpath.Parse(s)
		if err != nil {
			var se *jsonpath.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", s, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): position %d out of range", s, se.Pos)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q, want %q", p.String(), s)
		}
		// The canonical form must parse again to an equivalent path. (Like
		// Jayway's, it does not escape quotes inside names.)
		if p.Variable() == "" && !strings.ContainsAny(s, "?'\\\"") {
			c := p.Canonical()
			q, err := jsonpath.Parse(c)
			if err != nil {
				t.Fatalf("Canonical() of %q = %q does not parse: %v", s, c, err)
			}
			if q.Canonical() != c || q.IsDefinite() != p.IsDefinite() {
				t.Fatalf("Canonical() of %q = %q is not stable", s, c)
			}
		}
		checkGet(t, p, doc)
	})
}

func FuzzGet(f *testing.F) {
	docs := []string{
		`{"a":[{"x":2,"b":"s"},1,null],"b":{"c":true}}`,
		`[1,[2,[3]],{"a":{"a":{"a":1}}}]`,
		`"text"`, `null`, `{"a b":{"":[]},"x":1e400,"y":-0.0}`,
	}
	for i, s := range fuzzPaths {
		f.Add(s, docs[i%len(docs)])
	}
	f.Fuzz(func(t *testing.T, path, docJSON string) {
		p, err := jsonpath.Parse(path)
		if err != nil {
			return
		}
		d := json.NewDecoder(strings.NewReader(docJSON))
		d.UseNumber()
		var doc any
		if d.Decode(&doc) != nil {
			return
		}
		checkGet(t, p, doc)
	})
}

// checkGet runs Get and Set and checks the invariants that hold for any
// document.
func checkGet(t *testing.T, p *jsonpath.Path, doc any) {
	before, _ := json.Marshal(doc)
	v, err := p.Get(doc)
	if err != nil {
		if !errors.Is(err, jsonpath.ErrNoMatch) {
			t.Fatalf("Get(%q) returned an untyped error: %v", p, err)
		}
	} else if !p.IsSingle() {
		if l, ok := v.([]any); !ok || l == nil {
			t.Fatalf("Get(%q) on an indefinite path returned %T, want a non-nil []any", p, v)
		}
	}
	if p.IsDefinite() && !p.IsSingle() {
		t.Fatalf("%q is definite but not single", p)
	}
	assertNoFloats(t, v)

	out, err := p.Set(doc, "marker")
	if err != nil {
		if !errors.Is(err, jsonpath.ErrNoMatch) && !errors.Is(err, jsonpath.ErrNotObject) && !errors.Is(err, jsonpath.ErrNotReference) {
			t.Fatalf("Set(%q) returned an untyped error: %v", p, err)
		}
	} else {
		got, err := p.Get(out)
		if err != nil || got != "marker" {
			t.Fatalf("Get(%q) after Set = %v, %v; want marker", p, got, err)
		}
	}
	after, _ := json.Marshal(doc)
	if string(before) != string(after) {
		t.Fatalf("%q modified the document", p)
	}
}

func assertNoFloats(t *testing.T, v any) {
	switch x := v.(type) {
	case float64, float32:
		t.Fatalf("result contains a float: %v", x)
	case []any:
		for _, e := range x {
			assertNoFloats(t, e)
		}
	case map[string]any:
		for _, e := range x {
			assertNoFloats(t, e)
		}
	}
}
