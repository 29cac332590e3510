package intrinsic_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl/intrinsic"
	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v))
	return v
}

func encode(t testing.TB, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return strings.TrimSuffix(b.String(), "\n")
}

// fakeEnv resolves "$" paths against input, "$$" paths against ctx and
// "$name" paths against vars.
type fakeEnv struct {
	input any
	ctx   any
	vars  map[string]any
	// random returns lo plus the seed (or 0) modulo the span.
	lastLo, lastHi int64
	lastSeed       *int64
}

var errNoVar = errors.New("no such variable")

func (e *fakeEnv) Resolve(path string) (any, error) {
	p, err := jsonpath.Parse(path)
	if err != nil {
		return nil, err
	}
	doc := e.input
	switch {
	case p.IsContext():
		doc = e.ctx
	case p.Variable() != "":
		v, ok := e.vars[p.Variable()]
		if !ok {
			return nil, errNoVar
		}
		doc = v
	}
	return p.Get(doc)
}

func (e *fakeEnv) UUID() string { return "0f5e6a3c-1a4b-4c1d-9e2f-3a4b5c6d7e8f" }

func (e *fakeEnv) RandomInt(lo, hi int64, seed *int64) int64 {
	e.lastLo, e.lastHi, e.lastSeed = lo, hi, seed
	var s int64
	if seed != nil {
		s = *seed
		if s < 0 {
			s = -s
		}
	}
	return lo + s%(hi-lo)
}

// compiledEnv also implements PathResolver.
type compiledEnv struct {
	fakeEnv
	compiled int
}

func (e *compiledEnv) ResolvePath(p *jsonpath.Path) (any, error) {
	e.compiled++
	return e.Resolve(p.String())
}

const testInput = `{
  "name": "Ada", "n": 5, "f": 1.5, "neg": -2.5, "big": 3000000000, "t": true, "nil": null,
  "s": "a,b,,c", "empty": "", "template": "Hello {}!", "badTemplate": "{",
  "arr": [1, 2, 3, 2, "2", [1], {"a": 1}], "nums": [1, 2, 3, 4, 5], "e": [],
  "obj": {"a": {"x": 1}, "b": 2}, "obj2": {"a": 3, "c": [4]},
  "json": "{\"k\": [1, 2.50, {\"z\": null}], \"n\": -0}", "b64": "SGVsbG8sIOS4lueVjCE=",
  "long": "` + "x" + `"
}`

func newEnv(t testing.TB) *fakeEnv {
	return &fakeEnv{
		input: decode(t, testInput),
		ctx:   decode(t, `{"Execution": {"Id": "arn:aws:states:us-east-1:1:execution:sm:e1", "Name": "e1", "Input": {"k": "v"}}, "StateMachine": {"Id": "arn:sm", "Name": "sm"}}`),
		vars:  map[string]any{"count": json.Number("41"), "list": []any{"x", "y"}},
	}
}

type evalCase struct {
	expr string
	want string // JSON of the result; "" when an error is expected
	err  intrinsic.ErrorKind
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			e, err := intrinsic.Parse(tt.expr)
			require.NoError(t, err)
			got, err := e.Eval(newEnv(t))
			if tt.want == "" {
				var ie *intrinsic.Error
				require.ErrorAs(t, err, &ie)
				require.Equal(t, tt.err, ie.Kind)
				if tt.err == intrinsic.InvalidArguments {
					require.Equal(t, "Invalid arguments in "+ie.Function, ie.Cause)
					require.Equal(t, ie.Cause, err.Error())
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, encode(t, got))
			assertNoFloats(t, got)
		})
	}
}

func assertNoFloats(t *testing.T, v any) {
	t.Helper()
	switch x := v.(type) {
	case float32, float64, int, int64:
		t.Fatalf("result holds a %T, want json.Number", x)
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

const bad = intrinsic.InvalidArguments
const missing = intrinsic.PathNotFound

func TestFormat(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.Format('Hello, {}', $.name)`, `"Hello, Ada"`, 0},
		{`States.Format('no placeholders')`, `"no placeholders"`, 0},
		{`States.Format('{} {} {} {} {}', $.name, $.n, $.t, $.nil, $.f)`, `"Ada 5 true null 1.5"`, 0},
		{`States.Format('{}|{}', $.obj, $.arr)`, `"{a={x=1}, b=2}|[1, 2, 3, 2, 2, [1], {a=1}]"`, 0},
		{`States.Format('Name: \'{}\', braces: \{\} slash: \\', $.name)`, `"Name: 'Ada', braces: {} slash: \\"`, 0},
		{`States.Format('  {}  ', $.name)`, `"  Ada  "`, 0},
		{`States.Format($.template, $.name)`, `"Hello Ada!"`, 0},
		{`States.Format('{}:{}', $$.Execution.Name, $count)`, `"e1:41"`, 0},
		{`States.Format('{}', States.JsonToString($.obj2))`, `"{\"a\":3,\"c\":[4]}"`, 0},
		{`States.Format('{}', States.StringToJson('"x"'))`, `"x"`, 0},
		{`States.Format('{} {}', $.name)`, "", bad},
		{`States.Format('{}', $.name, $.n)`, "", bad},
		{`States.Format($.n, $.name)`, "", bad},
		{`States.Format('Hello {', $.name)`, "", bad},
		{`States.Format('Hello {{}}', $.name)`, "", bad},
		{`States.Format('}')`, "", bad},
		{`States.Format($.badTemplate)`, "", bad},
		{`States.Format()`, "", bad},
		{`States.Format('{}', $.missing)`, "", missing},
	})
}

func TestStringToJSON(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.StringToJson($.json)`, `{"k":[1,2.50,{"z":null}],"n":0}`, 0},
		{`States.StringToJson('')`, `null`, 0},
		{`States.StringToJson(' ')`, `null`, 0},
		{`States.StringToJson('null')`, `null`, 0},
		{`States.StringToJson('-0')`, `0`, 0},
		{`States.StringToJson('1.1')`, `1.1`, 0},
		{`States.StringToJson('12345678901234567890123')`, `12345678901234567890123`, 0},
		{`States.StringToJson('true')`, `true`, 0},
		{`States.StringToJson('"HelloWorld"')`, `"HelloWorld"`, 0},
		{`States.StringToJson('[1, 2, "HelloWorld"]')`, `[1,2,"HelloWorld"]`, 0},
		{`States.StringToJson(' {"a": 1} ')`, `{"a":1}`, 0},
		{`States.StringToJson('{"a": 1')`, "", bad},
		{`States.StringToJson('{} {}')`, "", bad},
		{`States.StringToJson('nope')`, "", bad},
		{`States.StringToJson($.n)`, "", bad},
		{`States.StringToJson($.obj)`, "", bad},
		{`States.StringToJson()`, "", bad},
		{`States.StringToJson('1', '2')`, "", bad},
	})
}

func TestJSONToString(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.JsonToString($.obj)`, `"{\"a\":{\"x\":1},\"b\":2}"`, 0},
		{`States.JsonToString($.arr)`, `"[1,2,3,2,\"2\",[1],{\"a\":1}]"`, 0},
		{`States.JsonToString($.name)`, `"\"Ada\""`, 0},
		{`States.JsonToString($.f)`, `"1.5"`, 0},
		{`States.JsonToString($.t)`, `"true"`, 0},
		{`States.JsonToString($.nil)`, `"null"`, 0},
		{`States.JsonToString($.e)`, `"[]"`, 0},
		{`States.JsonToString('x')`, `"\"x\""`, 0},
		{`States.JsonToString(null)`, `"null"`, 0},
		{`States.JsonToString('<&>')`, `"\"<&>\""`, 0},
		{`States.JsonToString(States.StringToJson($.json))`, `"{\"k\":[1,2.50,{\"z\":null}],\"n\":0}"`, 0},
		{`States.JsonToString()`, "", bad},
		{`States.JsonToString($.obj, $.name)`, "", bad},
		{`States.JsonToString($.missing)`, "", missing},
	})
}

func TestArray(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.Array()`, `[]`, 0},
		{`States.Array($.name, $.n, $.t)`, `["Ada",5,true]`, 0},
		{`States.Array(42, true, null, 'hello', -1.5e3)`, `[42,true,null,"hello",-1.5e3]`, 0},
		{`States.Array(false, '', 0, null)`, `[false,"",0,null]`, 0},
		{`States.Array($.obj2, $.e)`, `[{"a":3,"c":[4]},[]]`, 0},
		{`States.Array(1, States.Array(2, 3))`, `[1,[2,3]]`, 0},
		{`States.Array( $.n , $.n )`, `[5,5]`, 0},
		{`States.Array($$.Execution.Input.k, $list)`, `["v",["x","y"]]`, 0},
		{`States.Array($.missing)`, "", missing},
		{`States.Array($nope)`, "", missing},
	})
}

func TestArrayPartition(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayPartition($.nums, 1)`, `[[1],[2],[3],[4],[5]]`, 0},
		{`States.ArrayPartition($.nums, 2)`, `[[1,2],[3,4],[5]]`, 0},
		{`States.ArrayPartition($.nums, 5)`, `[[1,2,3,4,5]]`, 0},
		{`States.ArrayPartition($.nums, 2147483647)`, `[[1,2,3,4,5]]`, 0},
		{`States.ArrayPartition($.e, 3)`, `[]`, 0},
		{`States.ArrayPartition($.nums, 2.6)`, `[[1,2],[3,4],[5]]`, 0}, // truncated, as AWS
		{`States.ArrayPartition(States.Array(1, 2, 3), 2)`, `[[1,2],[3]]`, 0},
		{`States.ArrayPartition($.nums, 0.6)`, "", bad},
		{`States.ArrayPartition($.nums, 0)`, "", bad},
		{`States.ArrayPartition($.nums, -1)`, "", bad},
		{`States.ArrayPartition($.nums, -0.6)`, "", bad},
		{`States.ArrayPartition($.nums, '2')`, "", bad},
		{`States.ArrayPartition($.nums, null)`, "", bad},
		{`States.ArrayPartition('not-array', 2)`, "", bad},
		{`States.ArrayPartition($.nums, 3000000000)`, "", bad},
		{`States.ArrayPartition($.nums)`, "", bad},
		{`States.ArrayPartition($.nums, 2, 9)`, "", bad},
	})
}

func TestArrayContains(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayContains($.nums, 3)`, `true`, 0},
		{`States.ArrayContains($.nums, 6)`, `false`, 0},
		{`States.ArrayContains($.arr, $.obj.a)`, `false`, 0},
		{`States.ArrayContains($.arr, States.StringToJson('{"a":1}'))`, `true`, 0},
		{`States.ArrayContains($.arr, States.Array(1))`, `true`, 0},
		{`States.ArrayContains($.e, null)`, `false`, 0},
		{`States.ArrayContains(States.Array(true, false), true)`, `true`, 0},
		{`States.ArrayContains(States.Array(0, 1), false)`, `false`, 0},
		// AWS compares textual forms: true matches "true", 9 matches "9".
		{`States.ArrayContains(States.Array('true', 'x'), true)`, `true`, 0},
		{`States.ArrayContains(States.Array('9'), 9)`, `true`, 0},
		{`States.ArrayContains('not-array', 'x')`, "", bad},
		{`States.ArrayContains($.nums)`, "", bad},
		{`States.ArrayContains($.nums, 1, 2)`, "", bad},
	})
}

func TestArrayRange(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`, 0},
		{`States.ArrayRange(0, 10, 3)`, `[0,3,6,9]`, 0},
		{`States.ArrayRange(1, 9, 9)`, `[1]`, 0},
		{`States.ArrayRange(-2, 2, 2)`, `[-2,0,2]`, 0},
		{`States.ArrayRange(3, 3, -1)`, `[3]`, 0},
		{`States.ArrayRange(5, 1, -2)`, `[5,3,1]`, 0},
		{`States.ArrayRange(5, 1, 1)`, `[]`, 0},
		{`States.ArrayRange(1, 5, -1)`, `[]`, 0},
		{`States.ArrayRange(1.4, 5.6, 2.2)`, `[1,3,5]`, 0},
		{`States.ArrayRange(1.6, 1.4, 1)`, `[1]`, 0},
		{`States.ArrayRange(5.4, -0.6, -2.4)`, `[5,3,1]`, 0},
		{`States.ArrayRange(States.MathAdd($.n, 1), 10, 2)`, `[6,8,10]`, 0},
	})
	// Exactly 1000 items is allowed.
	got, err := intrinsic.MustParse(`States.ArrayRange(1000, 1, -1)`).Eval(newEnv(t))
	require.NoError(t, err)
	require.Len(t, got, 1000)
	require.Equal(t, json.Number("1000"), got.([]any)[0])
	require.Equal(t, json.Number("1"), got.([]any)[999])
	runEvalCases(t, []evalCase{
		{`States.ArrayRange(1, 1001, 1)`, "", bad},
		{`States.ArrayRange(1001, 1, -1)`, "", bad},
		{`States.ArrayRange(1, 10, 0)`, "", bad},
		{`States.ArrayRange(1, 10, 0.49)`, "", bad},
		{`States.ArrayRange('a', 5, 1)`, "", bad},
		{`States.ArrayRange(1, 'b', 1)`, "", bad},
		{`States.ArrayRange(1, 5, 'c')`, "", bad},
		{`States.ArrayRange(1, 5)`, "", bad},
		{`States.ArrayRange(1, 5, 1, 99)`, "", bad},
		{`States.ArrayRange(-2147483648, 2147483647, 1)`, "", bad},
		{`States.ArrayRange(1, 3000000000, 1)`, "", bad},
	})
}

func TestArrayGetItem(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayGetItem($.nums, 0)`, `1`, 0},
		{`States.ArrayGetItem($.nums, 4)`, `5`, 0},
		{`States.ArrayGetItem($.arr, 6)`, `{"a":1}`, 0},
		{`States.ArrayGetItem($.nums, 1.2)`, `2`, 0}, // truncated, as AWS
		{`States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)`, `"y"`, 0},
		{`States.ArrayGetItem($.e, 999)`, `null`, 0}, // what AWS returns
		{`States.ArrayGetItem($.nums, 5)`, "", bad},
		{`States.ArrayGetItem($.nums, -1)`, "", bad},
		{`States.ArrayGetItem($.nums, '1')`, "", bad},
		{`States.ArrayGetItem('not-array', 0)`, "", bad},
		{`States.ArrayGetItem($.nums)`, "", bad},
		{`States.ArrayGetItem($.nums, 1, 999)`, "", bad},
	})
}

func TestArrayLength(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayLength($.nums)`, `5`, 0},
		{`States.ArrayLength($.e)`, `0`, 0},
		{`States.ArrayLength(States.Array(1, 2, 3))`, `3`, 0},
		{`States.ArrayLength($$.Execution.Input.k)`, "", bad},
		{`States.ArrayLength('not-array')`, "", bad},
		{`States.ArrayLength($.obj)`, "", bad},
		{`States.ArrayLength()`, "", bad},
		{`States.ArrayLength($.nums, 999)`, "", bad},
	})
}

func TestArrayUnique(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.ArrayUnique($.arr)`, `[1,2,3,"2",[1],{"a":1}]`, 0},
		{`States.ArrayUnique(States.StringToJson('[null, null, true, true, 1, 1, 1.1, 0, "a", "a", [], [], {"a":1,"b":2}, {"b":2,"a":1}]'))`,
			`[null,true,1,1.1,0,"a",[],{"a":1,"b":2}]`, 0},
		{`States.ArrayUnique($.e)`, `[]`, 0},
		{`States.ArrayUnique($.name)`, "", bad},
		{`States.ArrayUnique()`, "", bad},
	})
}

func TestBase64(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.Base64Encode('Data to encode')`, `"RGF0YSB0byBlbmNvZGU="`, 0},
		{`States.Base64Encode('')`, `""`, 0},
		{`States.Base64Encode(' ')`, `"IA=="`, 0},
		{`States.Base64Encode('こんにちは')`, `"44GT44KT44Gr44Gh44Gv"`, 0},
		{`States.Base64Encode('🚀')`, `"8J+agA=="`, 0},
		{`States.Base64Encode(States.Format('{}-{}', $.name, $.n))`, `"QWRhLTU="`, 0},
		{`States.Base64Encode(123)`, "", bad},
		{`States.Base64Encode($.obj)`, "", bad},
		{`States.Base64Encode($.arr)`, "", bad},
		{`States.Base64Encode()`, "", bad},
		{`States.Base64Encode('a', 'b')`, "", bad},
		{`States.Base64Encode($.missing)`, "", missing},

		{`States.Base64Decode('RGF0YSB0byBlbmNvZGU=')`, `"Data to encode"`, 0},
		{`States.Base64Decode($.b64)`, `"Hello, 世界!"`, 0},
		{`States.Base64Decode('')`, `""`, 0},
		{`States.Base64Decode('IA==')`, `" "`, 0},
		{`States.Base64Decode('YWJjAGRlZg==')`, `"abc\u0000def"`, 0},
		// AWS decodes leniently: no padding, stray characters and spaces are fine.
		{`States.Base64Decode('YWJjZA')`, `"abcd"`, 0},
		{`States.Base64Decode(' YWJjZA== ')`, `"abcd"`, 0},
		{`States.Base64Decode('abc')`, "\"i\uFFFD\"", 0}, // bytes that are not UTF-8 become U+FFFD
		{`States.Base64Decode('/w==')`, "\"\uFFFD\"", 0},
		{`States.Base64Decode(States.Base64Encode('hello'))`, `"hello"`, 0},
		{`States.Base64Decode(123)`, "", bad},
		{`States.Base64Decode($.obj)`, "", bad},
		{`States.Base64Decode()`, "", bad},
		{`States.Base64Decode('aGVsbG8=', 'extra')`, "", bad},
	})
}

func TestTextLimits(t *testing.T) {
	t.Parallel()
	for _, fn := range []string{"States.Base64Encode($.s)", "States.Base64Decode($.s)", "States.Hash($.s, 'SHA-256')"} {
		e := intrinsic.MustParse(fn)
		env := newEnv(t)
		env.input = map[string]any{"s": strings.Repeat("A", 10000)}
		_, err := e.Eval(env)
		require.NoError(t, err, fn)
		env.input = map[string]any{"s": strings.Repeat("A", 10001)}
		_, err = e.Eval(env)
		var ie *intrinsic.Error
		require.ErrorAs(t, err, &ie, fn)
		require.Equal(t, intrinsic.InvalidArguments, ie.Kind)
		// The limit counts UTF-16 code units, as Java does.
		env.input = map[string]any{"s": strings.Repeat("🚀", 5001)}
		_, err = e.Eval(env)
		require.ErrorAs(t, err, &ie, fn)
	}
}

func TestHash(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.Hash('hello', 'MD5')`, `"5d41402abc4b2a76b9719d911017c592"`, 0},
		{`States.Hash('hello', 'SHA-1')`, `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`, 0},
		{`States.Hash('hello', 'SHA-256')`, `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`, 0},
		{`States.Hash('hello', 'SHA-384')`, `"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"`, 0},
		{`States.Hash('hello', 'SHA-512')`, `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`, 0},
		{`States.Hash('input data', 'SHA-256')`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`, 0},
		{`States.Hash('input data', 'SHA-384')`, `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`, 0},
		{`States.Hash('', 'SHA-256')`, `"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`, 0},
		{`States.Hash('🚀', 'SHA-256')`, `"ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5"`, 0},
		// AWS hashes the text of non-string data.
		{`States.Hash(123, 'MD5')`, `"202cb962ac59075b964b07152d234b70"`, 0},
		{`States.Hash('hello', 123)`, "", bad},
		{`States.Hash('hello', 'sha-256')`, "", bad},
		{`States.Hash('hello', 'SHA256')`, "", bad},
		{`States.Hash('hello', 'MD-5')`, "", bad},
		{`States.Hash('hello', '')`, "", bad},
		{`States.Hash(null, 'MD5')`, "", bad},
		{`States.Hash()`, "", bad},
		{`States.Hash('hello')`, "", bad},
		{`States.Hash('hello', 'SHA-256', 'extra')`, "", bad},
		{`States.Hash($.missing, 'SHA-256')`, "", missing},
	})
}

func TestJSONMerge(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.JsonMerge($.obj, $.obj2, false)`, `{"a":3,"b":2,"c":[4]}`, 0},
		{`States.JsonMerge($.obj2, $.obj, false)`, `{"a":{"x":1},"b":2,"c":[4]}`, 0},
		{`States.JsonMerge(States.StringToJson('{}'), $.obj2, false)`, `{"a":3,"c":[4]}`, 0},
		{`States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input, false)`,
			`{"constant_in_literal":"false","k":"v"}`, 0},
		{`States.JsonMerge($.obj, $.obj2, 'false')`, `{"a":3,"b":2,"c":[4]}`, 0}, // AWS accepts it
		{`States.JsonMerge($.obj, $.obj2, true)`, "", bad},
		{`States.JsonMerge($.nil, $.obj2, false)`, "", bad},
		{`States.JsonMerge($.obj, $.arr, false)`, "", bad},
		{`States.JsonMerge($.obj, 'x', false)`, "", bad},
		{`States.JsonMerge($.obj, $.obj2)`, "", bad},
		{`States.JsonMerge($.obj, $.obj2, false, 1)`, "", bad},
		{`States.JsonMerge()`, "", bad},
	})
}

func TestJSONMergeDoesNotModifyArguments(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	before := encode(t, env.input)
	_, err := intrinsic.MustParse(`States.JsonMerge($.obj, $.obj2, false)`).Eval(env)
	require.NoError(t, err)
	require.Equal(t, before, encode(t, env.input))
}

func TestMathAdd(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.MathAdd(5, 3)`, `8`, 0},
		{`States.MathAdd($.n, -1)`, `4`, 0},
		{`States.MathAdd($count, 1)`, `42`, 0},
		{`States.MathAdd(-9, 3)`, `-6`, 0},
		// Each operand is rounded half up first, like Java's Math.round.
		{`States.MathAdd(-1.51, 0)`, `-2`, 0},
		{`States.MathAdd(0.5, 0)`, `1`, 0},
		{`States.MathAdd(1.5, 0)`, `2`, 0},
		{`States.MathAdd(3.5, 0)`, `4`, 0},
		{`States.MathAdd(-0.5, 0.5)`, `1`, 0},
		{`States.MathAdd(-2.5, 0)`, `-2`, 0},
		{`States.MathAdd(-3.5, 0)`, `-3`, 0},
		{`States.MathAdd(-1.49, -1.5)`, `-2`, 0},
		{`States.MathAdd(1.49, -1.49)`, `0`, 0},
		{`States.MathAdd(1.6, 2.7)`, `5`, 0},
		{`States.MathAdd($.f, $.neg)`, `0`, 0},
		{`States.MathAdd(2147483647, 0)`, `2147483647`, 0},
		{`States.MathAdd(-2147483648, 0)`, `-2147483648`, 0},
		{`States.MathAdd(2147483646, 1)`, `2147483647`, 0},
		{`States.MathAdd(States.MathAdd($.n, 1), 2)`, `8`, 0},
		{`States.MathAdd(2147483647, 1)`, "", bad},
		{`States.MathAdd(-2147483648, -1)`, "", bad},
		{`States.MathAdd($.big, 1)`, "", bad},
		{`States.MathAdd(-3000000000, 1)`, "", bad},
		{`States.MathAdd('a', 1)`, "", bad},
		{`States.MathAdd('1', 2)`, "", bad},
		{`States.MathAdd(null, 1)`, "", bad},
		{`States.MathAdd(true, 1)`, "", bad},
		{`States.MathAdd(-1, $.arr)`, "", bad},
		{`States.MathAdd(1)`, "", bad},
		{`States.MathAdd(1, 2, 3)`, "", bad},
		{`States.MathAdd($.missing, 1)`, "", missing},
	})
}

func TestMathRandom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr           string
		lo, hi         int64
		seed           *int64
		want           string
		invalid        bool
		unusedNoRandom bool
	}{
		{expr: `States.MathRandom(1, 999)`, lo: 1, hi: 999, want: "1"},
		{expr: `States.MathRandom(1, 100, 42)`, lo: 1, hi: 100, seed: ptr(42), want: "43"},
		{expr: `States.MathRandom(12.5, 44.51)`, lo: 12, hi: 44, want: "12"},
		{expr: `States.MathRandom(1.6, 5.4)`, lo: 1, hi: 5, want: "1"},
		{expr: `States.MathRandom(-99999, -9999)`, lo: -99999, hi: -9999, want: "-99999"},
		{expr: `States.MathRandom(1, 10, -10)`, lo: 1, hi: 10, seed: ptr(-10), want: "2"},
		{expr: `States.MathRandom(1, 10, 2.6)`, lo: 1, hi: 10, seed: ptr(2), want: "3"},
		{expr: `States.MathRandom($.n, States.MathAdd($.n, 5), $count)`, lo: 5, hi: 10, seed: ptr(41), want: "6"},
		{expr: `States.MathRandom(1, 1)`, invalid: true},
		{expr: `States.MathRandom(10, 5)`, invalid: true},
		{expr: `States.MathRandom(1.4, 1.6)`, invalid: true},
		{expr: `States.MathRandom('a', 10)`, invalid: true},
		{expr: `States.MathRandom(1, 'b')`, invalid: true},
		{expr: `States.MathRandom(1, 10, 'seed')`, invalid: true},
		{expr: `States.MathRandom(1, 10, null)`, invalid: true},
		{expr: `States.MathRandom(1, 3000000000)`, invalid: true},
		{expr: `States.MathRandom(1)`, invalid: true},
		{expr: `States.MathRandom(1, 10, 5, 99)`, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t)
			got, err := intrinsic.MustParse(tt.expr).Eval(env)
			if tt.invalid {
				var ie *intrinsic.Error
				require.ErrorAs(t, err, &ie)
				require.Equal(t, "Invalid arguments in States.MathRandom", ie.Cause)
				return
			}
			require.NoError(t, err)
			require.Equal(t, json.Number(tt.want), got)
			require.Equal(t, tt.lo, env.lastLo)
			require.Equal(t, tt.hi, env.lastHi)
			require.Equal(t, tt.seed, env.lastSeed)
		})
	}
}

func ptr(n int64) *int64 { return &n }

func TestStringSplit(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.StringSplit('1,2,3,4,5', ',')`, `["1","2","3","4","5"]`, 0},
		{`States.StringSplit($.s, ',')`, `["a","b","c"]`, 0},
		{`States.StringSplit(' , ', ',')`, `[" "," "]`, 0},
		{`States.StringSplit(', , ,', ',')`, `[" "," "]`, 0},
		{`States.StringSplit(',,,,', ',')`, `[]`, 0},
		{`States.StringSplit('', ',')`, `[]`, 0},
		{`States.StringSplit('1+2,3.4', '.+,')`, `["1","2","3","4"]`, 0},
		{`States.StringSplit('1a2b3ab4', 'ab')`, `["1","2","3","4"]`, 0},
		{`States.StringSplit('a|b', '|')`, `["a","b"]`, 0},
		{`States.StringSplit('abc', '')`, `["abc"]`, 0},
		{`States.StringSplit('x→y', '→')`, `["x","y"]`, 0},
		{`States.StringSplit(States.Format('{}-{}', $.name, $.n), '-')`, `["Ada","5"]`, 0},
		{`States.StringSplit($.n, ',')`, "", bad},
		{`States.StringSplit($.s, 1)`, "", bad},
		{`States.StringSplit($.nil, ',')`, "", bad},
		{`States.StringSplit($.s, $.nil)`, "", bad},
		{`States.StringSplit($.t, ',')`, "", bad},
		{`States.StringSplit($.s, $.arr)`, "", bad},
		{`States.StringSplit()`, "", bad},
		{`States.StringSplit($.s)`, "", bad},
		{`States.StringSplit($.s, ',', 'x')`, "", bad},
	})
}

func TestUUID(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{`States.UUID()`, `"0f5e6a3c-1a4b-4c1d-9e2f-3a4b5c6d7e8f"`, 0},
		{`States.Format('id-{}', States.UUID())`, `"id-0f5e6a3c-1a4b-4c1d-9e2f-3a4b5c6d7e8f"`, 0},
		{`States.UUID(1)`, "", bad},
	})
}

func TestPathNotFound(t *testing.T) {
	t.Parallel()
	_, err := intrinsic.MustParse(`States.Format('{}', $.missing)`).Eval(newEnv(t))
	var ie *intrinsic.Error
	require.ErrorAs(t, err, &ie)
	require.Equal(t, intrinsic.PathNotFound, ie.Kind)
	require.Equal(t, "$.missing", ie.Path)
	require.ErrorIs(t, err, jsonpath.ErrNoMatch)
	require.Equal(t, "No results for path: $['missing']", ie.Cause)

	_, err = intrinsic.MustParse(`States.Array($nope.x)`).Eval(newEnv(t))
	require.ErrorAs(t, err, &ie)
	require.ErrorIs(t, err, errNoVar)
	require.Equal(t, "$nope.x", ie.Path)

	// An *Error returned by the resolver is passed through as is.
	custom := &intrinsic.Error{Cause: "custom", Kind: intrinsic.PathNotFound, Path: "$.x"}
	_, err = intrinsic.MustParse(`States.Array($.x)`).Eval(errEnv{custom})
	require.Same(t, custom, err)
}

type errEnv struct{ err error }

func (e errEnv) Resolve(string) (any, error)           { return nil, e.err }
func (e errEnv) UUID() string                          { return "" }
func (e errEnv) RandomInt(lo, _ int64, _ *int64) int64 { return lo }

func TestPathResolver(t *testing.T) {
	t.Parallel()
	env := &compiledEnv{fakeEnv: *newEnv(t)}
	got, err := intrinsic.MustParse(`States.Array($.n, $$.Execution.Name, $count)`).Eval(env)
	require.NoError(t, err)
	require.Equal(t, `[5,"e1",41]`, encode(t, got))
	require.Equal(t, 3, env.compiled)
}

func TestErrorKindString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "InvalidArguments", intrinsic.InvalidArguments.String())
	require.Equal(t, "PathNotFound", intrinsic.PathNotFound.String())
}
