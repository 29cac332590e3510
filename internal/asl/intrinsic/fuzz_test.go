package intrinsic_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/gureum-dev/gureum/internal/asl/intrinsic"
	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"States.Format('Hello, {}', $.name)",
		"States.Format('\\'\\{\\}\\\\ {}', States.JsonToString($.obj))",
		"States.StringToJson($.json)", "States.JsonToString($.arr)",
		"States.Array(1, -2.5e3, true, false, null, 'x', $$.Execution.Name, $count)",
		"States.ArrayPartition($.nums, 2)", "States.ArrayContains($.arr, 2)",
		"States.ArrayRange(1, 9, 2)", "States.ArrayGetItem($.nums, 1)", "States.ArrayLength($.e)",
		"States.ArrayUnique($.arr)", "States.Base64Encode($.name)", "States.Base64Decode($.b64)",
		"States.Hash($.name, 'SHA-256')", "States.JsonMerge($.obj, $.obj2, false)",
		"States.MathRandom(1, 10, 3)", "States.MathAdd($.n, -1)", "States.StringSplit($.s, ',')",
		"States.UUID()", "States.Array($.c[?(@.d == ')')], $['a,b'])",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := intrinsic.Parse(s)
		if err != nil {
			var se *intrinsic.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", s, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): position %d out of range", s, se.Pos)
			}
			return
		}
		if !intrinsic.IsIntrinsic(s) {
			t.Fatalf("Parse accepted %q but IsIntrinsic rejects it", s)
		}
		if e.String() != s {
			t.Fatalf("String() = %q", e.String())
		}
		for _, p := range e.Paths() {
			if _, err := jsonpath.Parse(p); err != nil {
				t.Fatalf("path %q of %q does not parse: %v", p, s, err)
			}
		}
		v, err := e.Eval(newEnv(t))
		if err != nil {
			var ie *intrinsic.Error
			if !errors.As(err, &ie) || ie.Cause == "" {
				t.Fatalf("Eval(%q) returned %v (%T), want *intrinsic.Error", s, err, err)
			}
			return
		}
		assertNoFloats(t, v)
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("Eval(%q) returned a value that is not JSON: %v", s, err)
		}
	})
}

func BenchmarkParseEvalMathAdd(b *testing.B) {
	env := &fakeEnv{input: map[string]any{"i": json.Number("41")}}
	b.ReportAllocs()
	for b.Loop() {
		e, err := intrinsic.Parse("States.MathAdd($.i, 1)")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

// resolverEnv resolves compiled paths directly, as the interpreter does.
type resolverEnv struct{ input any }

func (e resolverEnv) Resolve(path string) (any, error)          { return jsonpath.MustParse(path).Get(e.input) }
func (e resolverEnv) ResolvePath(p *jsonpath.Path) (any, error) { return p.Get(e.input) }
func (e resolverEnv) UUID() string                              { return "" }
func (e resolverEnv) RandomInt(lo, _ int64, _ *int64) int64     { return lo }

func BenchmarkEvalMathAdd(b *testing.B) {
	env := resolverEnv{input: map[string]any{"i": json.Number("41")}}
	e := intrinsic.MustParse("States.MathAdd($.i, 1)")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFormat(b *testing.B) {
	env := resolverEnv{input: map[string]any{"name": "Ada", "n": json.Number("3")}}
	e := intrinsic.MustParse("States.Format('Hello, {} ({})', $.name, $.n)")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}
