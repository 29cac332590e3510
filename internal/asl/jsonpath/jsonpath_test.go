package jsonpath_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl/jsonpath"
)

// decode parses JSON the way gureum does: numbers stay json.Number.
func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v))
	return v
}

// encode renders v as compact JSON with sorted keys.
func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

const storeJSON = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10,
  "tags": ["a", "b", "c"],
  "n": null,
  "s": "text",
  "big": 123456789012345678901234567890,
  "Test\\\"\"Name\"": "Value",
  "a b": 1,
  "sub-values": {"x.y": 2}
}`

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src       string
		definite  bool
		context   bool
		variable  string
		canonical string
	}{
		{"$", true, false, "", "$"},
		{"$$", true, true, "", "$"},
		{" $.a ", true, false, "", "$['a']"},
		{"$.a.b", true, false, "", "$['a']['b']"},
		{"$['a b']", true, false, "", "$['a b']"},
		{`$["a"]`, true, false, "", `$["a"]`},
		{"$.['a']", true, false, "", "$['a']"},
		{"$.a[0]", true, false, "", "$['a'][0]"},
		{"$.a[-1]", true, false, "", "$['a'][-1]"},
		{"$.a[ 0 ]", true, false, "", "$['a'][0]"},
		{"$.sub-values", true, false, "", "$['sub-values']"},
		{"$$.Execution.Id", true, true, "", "$['Execution']['Id']"},
		{"$$.Map.Item.Value", true, true, "", "$['Map']['Item']['Value']"},
		{"$x", true, false, "x", "$"},
		{"$my_var.a[1]", true, false, "my_var", "$['a'][1]"},
		{"$.a[-1:]", false, false, "", "$['a'][-1:]"},
		{"$.a[:2]", false, false, "", "$['a'][:2]"},
		{"$.a[1:3]", false, false, "", "$['a'][1:3]"},
		{"$.a[*].b", false, false, "", "$['a'][*]['b']"},
		{"$.a.*", false, false, "", "$['a'][*]"},
		{"$..b", false, false, "", "$..['b']"},
		{"$..[0]", false, false, "", "$..[0]"},
		{"$..*", false, false, "", "$..[*]"},
		{"$.a[?(@.x > 1)]", false, false, "", "$['a'][?]"},
		{"$.a[0,1]", false, false, "", "$['a'][0,1]"},
		{"$['a','b']", false, false, "", "$['a','b']"},
		{"$.a.length()", false, false, "", "$['a'].length()"},
		{"$.a[?(@.x == 'a)b' && (@.y || !@.z))].c", false, false, "", "$['a'][?]['c']"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			p, err := jsonpath.Parse(tt.src)
			require.NoError(t, err)
			require.Equal(t, tt.src, p.String())
			require.Equal(t, tt.definite, p.IsDefinite())
			require.Equal(t, tt.context, p.IsContext())
			require.Equal(t, tt.variable, p.Variable())
			require.Equal(t, tt.canonical, p.Canonical())
			require.Equal(t, tt.canonical == "$", p.IsRoot())
			single := tt.definite || strings.HasSuffix(tt.src, ")") || tt.src == "$['a','b']"
			require.Equal(t, single, p.IsSingle())
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		pos int
	}{
		{"", 0},
		{"a.b", 0},
		{"@.a", 0},
		{"$.", 2},
		{"$..", 3},
		{"$...a", 3},
		{"$.a.", 4},
		{"$.a b", 3},
		{"$a-b", 2},
		{"$[", 2},
		{"$['a'", 5},
		{"$['a' 'b']", 6},
		{"$[a]", 2},
		{"$[1", 2},
		{"$[1:2:3]", 2},
		{"$[:]", 2},
		{"$[1,]", 2},
		{"$[x1]", 2},
		{"$[*", 3},
		{"$[99999999999999999999]", 2},
		{"$.a.nope()", 8},
		{"$.a.length(1)", 11},
		{"$.a.length().b", 12},
		{"$[?(@.a)", 8},
		{"$[?(@.a)x", 8},
		{"$[?@.a]", 3},
		{"$[?(@.a ==)]", 10},
		{"$[?(1)]", 5},
		{"$[?(@.a == 'x)]", 15},
		{"$[?(@.a =~ /[/)]", 14},
		{"$[?(@.a =~ /x/q)]", 14},
		{"$[?(@.a in [1,)]", 14},
		{"$[?(@.a in {'k' 1})]", 16},
		{"$[?(@.a == 1.)]", 13},
		{"$[?(@.a == 01)]", 13},
		{"$[?(@.a == tru)]", 11},
		{"$[?(@.)]", 6},
		{"$[?(@.a == $$.b)]", 11},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			_, err := jsonpath.Parse(tt.src)
			var se *jsonpath.SyntaxError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.pos, se.Pos, se.Error())
			require.Equal(t, tt.src, se.Path)
			require.Contains(t, se.Error(), "invalid JSONPath")
		})
	}
}

func TestParseNesting(t *testing.T) {
	t.Parallel()
	_, err := jsonpath.Parse("$[?(" + strings.Repeat("(", 200) + "@.a" + strings.Repeat(")", 200) + ")]")
	require.ErrorContains(t, err, "nested too deeply")
	_, err = jsonpath.Parse("$[?(" + strings.Repeat("(", 20) + "@.a" + strings.Repeat(")", 20) + ")]")
	require.NoError(t, err)
}

func TestMustParse(t *testing.T) {
	t.Parallel()
	require.Equal(t, "$.a", jsonpath.MustParse("$.a").String())
	require.Panics(t, func() { jsonpath.MustParse("$.") })
}

func TestGetDefinite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want string // JSON, or "" when an error is expected
		err  string // PathError message
	}{
		{"$", "", ""},
		{"$.expensive", "10", ""},
		{"$.big", "123456789012345678901234567890", ""},
		{"$.store.bicycle.color", `"red"`, ""},
		{"$['store']['bicycle']['price']", "19.95", ""},
		{`$["store"].bicycle`, `{"color":"red","price":19.95}`, ""},
		{"$.store.book[0].author", `"Nigel Rees"`, ""},
		{"$.store.book[-1].title", `"The Lord of the Rings"`, ""},
		{"$.store.book[-4].price", "8.95", ""},
		{"$.tags[2]", `"c"`, ""},
		{"$.n", "null", ""},
		{"$['a b']", "1", ""},
		{"$.sub-values['x.y']", "2", ""},
		{`$['Test\""Name"']`, `"Value"`, ""},
		{"$.store.bicycle['color','price']", `{"color":"red","price":19.95}`, ""},
		{"$.store.bicycle['color','nope']", `{"color":"red"}`, ""},
		{"$.nope", "", "No results for path: $['nope']"},
		{"$.store.nope", "", "No results for path: $['store']['nope']"},
		{"$.nope.x", "", "Missing property in path $['nope']"},
		{"$.no.such.result.path", "", "Missing property in path $['no']"},
		{"$.store.nope.x.y", "", "Missing property in path $['store']['nope']"},
		{"$.tags[3]", "", "No results for path: $['tags'][3]"},
		{"$.tags[-4]", "", "No results for path: $['tags'][-4]"},
		{"$.tags[5].x", "", "No results for path: $['tags'][5]['x']"},
		{"$.s.x", "", "Expected to find an object with property ['x'] in path $['s'] but found 'java.lang.String'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."},
		{"$.n.x", "", "Expected to find an object with property ['x'] in path $['n'] but found 'null'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."},
		{"$.tags.x", "", "Expected to find an object with property ['x'] in path $['tags'] but found 'net.minidev.json.JSONArray'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."},
		{"$.expensive.x", "", "Expected to find an object with property ['x'] in path $['expensive'] but found 'java.lang.Integer'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."},
		{"$.n[0]", "", "The path $['n'] is null"},
		{"$.store.bicycle[0].x", "", `Filter: [0]['x'] can only be applied to arrays. Current context is: {"color":"red","price":19.95}`},
		{"$.s[0]", "", "Filter: [0] can only be applied to arrays. Current context is: text"},
	}
	doc := decode(t, storeJSON)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			p := jsonpath.MustParse(tt.path)
			got, err := p.Get(doc)
			if tt.err != "" {
				require.ErrorIs(t, err, jsonpath.ErrNoMatch)
				var pe *jsonpath.PathError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, tt.path, pe.Path)
				require.Equal(t, tt.err, err.Error())
				return
			}
			require.NoError(t, err)
			if tt.path == "$" {
				require.Equal(t, doc, got)
				return
			}
			require.JSONEq(t, tt.want, encode(t, got))
		})
	}
}

func TestGetIndefinite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want string
	}{
		{"$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$.store.*.color", `["red"]`},
		{"$.store..price", `[19.95,8.95,12.99,8.99,22.99]`},
		{"$..book[2].title", `["Moby Dick"]`},
		{"$..book[-2].title", `["Moby Dick"]`},
		{"$..book[0,1].title", `["Sayings of the Century","Sword of Honour"]`},
		{"$.store.book[0,-1,9].price", `[8.95,22.99]`},
		{"$..book[:2].price", `[8.95,12.99]`},
		{"$..book[1:2].price", `[12.99]`},
		{"$..book[-2:].price", `[8.99,22.99]`},
		{"$..book[2:].price", `[8.99,22.99]`},
		{"$..book[:-3].price", `[8.95]`},
		{"$..book[-2:-1].price", `[8.99]`},
		// Jayway walks a slice that starts below zero index by index, so
		// negative indexes that wrap around are visited too.
		{"$..book[-9:1].price", `[8.95,12.99,8.99,22.99,8.95]`},
		{"$..book[9:].price", `[]`},
		{"$..book[3:1].price", `[]`},
		{"$.tags[*]", `["a","b","c"]`},
		{"$.tags.*", `["a","b","c"]`},
		{"$.s.*", `[]`},
		{"$.store['bicycle','nope'].color", `["red"]`},
		{"$..[1].title", `["Sword of Honour"]`},
		{"$..[?(@.color)]", `[{"color":"red","price":19.95}]`},
		{"$..bicycle.*", `["red",19.95]`},
		// Missing or mismatched parts never fail an indefinite path.
		{"$.items[*]", `[]`},
		{"$.items[*].itemValue", `[]`},
		{"$.item.items[1:5]", `[]`},
		{"$.item.items[1:5].itemValue", `[]`},
		{"$.s[1:]", `[]`},
		{"$.n[*]", `[]`},
		{"$.s[?(@.a)]", `[]`},
		{"$.expensive..x", `[]`},
	}
	doc := decode(t, storeJSON)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got, err := jsonpath.MustParse(tt.path).Get(doc)
			require.NoError(t, err)
			require.IsType(t, []any{}, got)
			require.JSONEq(t, tt.want, encode(t, got))
		})
	}
}

func TestGetWildcardScanAll(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a":{"b":1,"c":[2,{"b":3}]},"b":4}`)
	got, err := jsonpath.MustParse("$..*").Get(doc)
	require.NoError(t, err)
	require.JSONEq(t, `[{"b":1,"c":[2,{"b":3}]},4,1,[2,{"b":3}],2,{"b":3},3]`, encode(t, got))
	got, err = jsonpath.MustParse("$..b").Get(doc)
	require.NoError(t, err)
	require.JSONEq(t, `[4,1,3]`, encode(t, got), "pre-order as in Jayway: $.b, then $.a.b, then $.a.c[1].b")
}

func TestFilters(t *testing.T) {
	t.Parallel()
	items := `[
	  {"id": 1, "price": 8.95, "name": "alpha", "tags": ["x", "y"], "ok": true,  "n": null, "code": "1", "obj": {"k": 1}},
	  {"id": 2, "price": 12,   "name": "Beta",  "tags": [],         "ok": false, "code": 2},
	  {"id": 3, "price": 22.5, "name": "gamma", "tags": ["y"],      "nested": {"v": [1, 2]}},
	  {"id": 4, "name": "", "price": "cheap"}
	]`
	doc := decode(t, `{"items": `+items+`, "limit": 10, "names": ["alpha", "gamma"]}`)
	tests := []struct {
		filter string
		ids    string
	}{
		{"@.price < 10", "[1]"},
		{"@.price <= 12", "[1,2]"},
		{"@.price > 12", "[3]"},
		{"@.price >= 12", "[2,3]"},
		{"@.price == 12", "[2]"},
		{"@.price == 12.0", "[2]"},
		{"@.price != 12", "[1,3,4]"},
		{"@.price < $.limit", "[1]"},
		{"@.price > 'a'", "[4]"}, // strings compare with strings only
		{"@.name == 'alpha'", "[1]"},
		{`@.name == "alpha"`, "[1]"},
		{"@.name != 'alpha'", "[2,3,4]"},
		{"@.name > 'b'", "[3]"},  // "Beta" < "alpha" < "b" < "gamma"
		{"@.code == 1", "[1]"},   // a string equals a number with the same text
		{"@.code == '2'", "[2]"}, // and a number equals a string holding it
		{"@.code === 1", "[]"},   // unless compared type-safely
		{"@.code === '1'", "[1]"},
		{"@.code !== '1'", "[2,3,4]"},
		{"@.ok == true", "[1]"},
		{"@.ok == false", "[2]"},
		{"@.n == null", "[1]"},
		{"@.missing == @.other", "[1,2,3,4]"}, // undefined equals undefined, as in Jayway
		{"@.ok", "[1,2]"},                     // existence, whatever the value
		{"@.n", "[1]"},
		{"!@.ok", "[3,4]"},
		{"@.nested.v", "[3]"},
		{"@.nested.v[1]", "[3]"},
		{"@.tags[*]", "[1,3]"},
		{"@.ok && @.price < 10", "[1]"},
		{"@.ok || @.price > 20", "[1,2,3]"},
		{"@.id == 1 || @.id == 2 && @.ok == true", "[1]"}, // && binds tighter
		{"(@.id == 1 || @.id == 2) && !@.ok", "[]"},
		{"(@.id == 1 || @.id == 2) && @.ok == false", "[2]"},
		{"!(@.id < 3)", "[3,4]"},
		{"@.name =~ /a.*/", "[1]"},
		{"@.name =~ /.*a/", "[1,2,3]"},
		{"@.name =~ /BETA/i", "[2]"},
		{"@.name =~ /al/", "[]"}, // a full match is required
		{"@.price =~ /22\\.5/", "[3]"},
		{"@.name in ['alpha', 'gamma']", "[1,3]"},
		{`@.name in ["alpha"]`, "[1]"},
		{"@.name in $.names", "[1,3]"},
		{"@.id in [1, 4]", "[1,4]"},
		{"@.name nin ['alpha', 'gamma']", "[2,4]"},
		{"@.tags contains 'y'", "[1,3]"},
		{"@.name contains 'amm'", "[3]"},
		{"@.tags size 2", "[1]"},
		{"@.name size 4", "[2]"},
		{"@.tags empty true", "[2]"},
		{"@.tags empty false", "[1,3]"},
		{"@.name empty true", "[4]"},
		{"@.tags subsetof ['x', 'y', 'z']", "[1,2,3]"},
		{"@.tags anyof ['x']", "[1]"},
		{"@.tags noneof ['x']", "[2,3]"},
		{"@.tags all ['y']", "[1,3]"},
		{"@.obj == {'k': 1}", "[1]"},
		{"@.nested.v == [1, 2]", "[3]"},
		{"@.tags == []", "[2]"},
		{"@.ok exists true", "[1,2]"},
		{"@.ok EXISTS false", "[3,4]"},
		{"@.nested.v.length() == 2", "[3]"},
		{"@.tags.length() > 0", "[1,3]"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			t.Parallel()
			got, err := jsonpath.MustParse("$.items[?(" + tt.filter + ")].id").Get(doc)
			require.NoError(t, err)
			require.JSONEq(t, tt.ids, encode(t, got))
		})
	}
}

func TestFilterOnObject(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a": {"x": 2}, "b": [{"x": 1}]}`)
	got, err := jsonpath.MustParse("$.a[?(@.x == 2)]").Get(doc)
	require.NoError(t, err)
	require.JSONEq(t, `[{"x":2}]`, encode(t, got), "a filter over an object tests the object itself")
	got, err = jsonpath.MustParse("$[?(@.a.x == 2)].b[0].x").Get(doc)
	require.NoError(t, err)
	require.JSONEq(t, `[1]`, encode(t, got))
	got, err = jsonpath.MustParse("$..[?(@.x)]").Get(doc)
	require.NoError(t, err)
	require.JSONEq(t, `[{"x":2},{"x":1}]`, encode(t, got))
	_, err = jsonpath.Parse("$.b[?(@.x == $.a.x - 1)]")
	require.Error(t, err, "no arithmetic in Jayway filters")
}

func TestFunctions(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a": [3, 1.5, "x", 4], "o": {"k": 1, "j": 2}, "e": [], "s": "abc", "m": [{"v": 1}, {"v": 5}]}`)
	tests := []struct {
		path string
		want string
		err  bool
	}{
		{"$.a.length()", "4", false},
		{"$.a.size()", "4", false},
		{"$.o.length()", "2", false},
		{"$.s.length()", "null", false},
		{"$.a[*].length()", "4", false},
		{"$.m[*].v.length()", "2", false},
		{"$..v.length()", "2", false},
		{"$.a.min()", "1.5", false},
		{"$.a.max()", "4.0", false},
		{"$.a.sum()", "8.5", false},
		{"$.m[*].v.sum()", "6.0", false},
		{"$.m[*].v.avg()", "3.0", false},
		{"$.m[*].v.stddev()", "2.0", false},
		{"$.o.keys()", `["j","k"]`, false},
		{"$.a.first()", "3", false},
		{"$.a.last()", "4", false},
		{"$.e.first()", "null", false},
		{"$.e.sum()", "", true},
		{"$.nope.length()", "", true},
		{"$.nope.x.length()", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			p := jsonpath.MustParse(tt.path)
			require.False(t, p.IsDefinite())
			got, err := p.Get(doc)
			if tt.err {
				require.ErrorIs(t, err, jsonpath.ErrNoMatch)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, encode(t, got))
		})
	}
	_, err := jsonpath.MustParse("$.nope.length()").Get(doc)
	require.EqualError(t, err, "Missing property in path $['nope']")
	_, err = jsonpath.MustParse("$.a[7].length()").Get(doc)
	require.EqualError(t, err, "No results for path: $['a'][7].length()")
	_, err = jsonpath.MustParse("$.nope.x.length()").Get(doc)
	require.EqualError(t, err, "Missing property in path $['nope']")
	_, err = jsonpath.MustParse("$.o.nope.length()").Get(doc)
	require.EqualError(t, err, "Missing property in path $['o']['nope']")
}

func TestFunctionNumbersAreJavaDoubles(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a": [10000000, 2e-4, 1e300, 1e300]}`)
	got, err := jsonpath.MustParse("$.a.max()").Get(doc)
	require.NoError(t, err)
	require.Equal(t, json.Number("1.0E300"), got)
	got, err = jsonpath.MustParse("$.a[0:1].max()").Get(doc)
	require.NoError(t, err)
	require.Equal(t, json.Number("1.0E7"), got)
	got, err = jsonpath.MustParse("$.a[1:2].min()").Get(doc)
	require.NoError(t, err)
	require.Equal(t, json.Number("2.0E-4"), got)
	_, err = jsonpath.MustParse("$.a[2:].sum()").Get(doc)
	require.NoError(t, err)
	doc = decode(t, `{"a": [1e308, 1e308]}`)
	_, err = jsonpath.MustParse("$.a.sum()").Get(doc)
	require.ErrorIs(t, err, jsonpath.ErrNoMatch, "an infinite sum is not JSON")
}

func TestGetDoesNotModify(t *testing.T) {
	t.Parallel()
	doc := decode(t, storeJSON)
	before := encode(t, doc)
	for _, s := range []string{"$..*", "$.store.book[?(@.price > 1)]", "$.store['bicycle','book']", "$.store.book.length()"} {
		_, err := jsonpath.MustParse(s).Get(doc)
		require.NoError(t, err)
	}
	require.Equal(t, before, encode(t, doc))
}

func TestGetContextAndVariable(t *testing.T) {
	t.Parallel()
	ctx := decode(t, `{"Execution": {"Id": "arn:x", "Input": {"a": 1}}, "Map": {"Item": {"Index": 0}}}`)
	got, err := jsonpath.MustParse("$$.Execution.Id").Get(ctx)
	require.NoError(t, err)
	require.Equal(t, "arn:x", got)
	got, err = jsonpath.MustParse("$$.Map.Item.Index").Get(ctx)
	require.NoError(t, err)
	require.Equal(t, json.Number("0"), got)
	_, err = jsonpath.MustParse("$$.Task.Token").Get(ctx)
	require.EqualError(t, err, "Missing property in path $['Task']")
	// A variable path is evaluated against the variable's value.
	got, err = jsonpath.MustParse("$v.a").Get(decode(t, `{"a": [1]}`))
	require.NoError(t, err)
	require.JSONEq(t, `[1]`, encode(t, got))
}

func TestSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc, path, value, want string
		err                    error
	}{
		{`{"a":1}`, "$", `{"r":1}`, `{"r":1}`, nil},
		{`"x"`, "$", `2`, `2`, nil},
		{`{"a":1}`, "$.r", `"v"`, `{"a":1,"r":"v"}`, nil},
		{`{"a":1}`, "$.a", `null`, `{"a":null}`, nil},
		{`{}`, "$.no.such.path", `1`, `{"no":{"such":{"path":1}}}`, nil},
		{`{"a":{"b":1,"c":2}}`, "$.a.b", `{"x":[]}`, `{"a":{"b":{"x":[]},"c":2}}`, nil},
		{`{"a":{"b":1}}`, "$['a']['new key']", `3`, `{"a":{"b":1,"new key":3}}`, nil},
		{`{"a":[1,{"b":2},3]}`, "$.a[1].b", `9`, `{"a":[1,{"b":9},3]}`, nil},
		{`{"a":[1,{"b":2},3]}`, "$.a[1].c.d", `9`, `{"a":[1,{"b":2,"c":{"d":9}},3]}`, nil},
		{`{"a":[1,2,3]}`, "$.a[-1]", `9`, `{"a":[1,2,9]}`, nil},
		{`{"a":[1,2,3]}`, "$.a[0]", `[0]`, `{"a":[[0],2,3]}`, nil},
		{`"x"`, "$.a", `1`, ``, jsonpath.ErrNotObject},
		{`[1]`, "$.a", `1`, ``, jsonpath.ErrNotObject},
		{`{"a":5}`, "$.a.b", `1`, ``, jsonpath.ErrNotObject},
		{`{"a":null}`, "$.a.b", `1`, ``, jsonpath.ErrNotObject},
		{`{"a":{"b":"s"}}`, "$.a.b.c", `1`, ``, jsonpath.ErrNotObject},
		{`{"a":{}}`, "$.a[0]", `1`, ``, jsonpath.ErrNotObject},
		{`{"a":[1]}`, "$.a[1]", `1`, ``, jsonpath.ErrNoMatch},
		{`{}`, "$.a[0]", `1`, ``, jsonpath.ErrNoMatch},
		{`{}`, "$.a[*]", `1`, ``, jsonpath.ErrNotReference},
		{`{}`, "$..a", `1`, ``, jsonpath.ErrNotReference},
		{`{}`, "$.a.length()", `1`, ``, jsonpath.ErrNotReference},
		{`{}`, "$$.a", `1`, ``, jsonpath.ErrNotReference},
		{`{}`, "$x.a", `1`, ``, jsonpath.ErrNotReference},
	}
	for _, tt := range tests {
		t.Run(tt.doc+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			doc := decode(t, tt.doc)
			before := encode(t, doc)
			got, err := jsonpath.MustParse(tt.path).Set(doc, decode(t, tt.value))
			require.Equal(t, before, encode(t, doc), "Set must not modify its input")
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				var pe *jsonpath.PathError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, tt.path, pe.Path)
				require.NotEmpty(t, pe.Error())
				return
			}
			require.NoError(t, err)
			require.JSONEq(t, tt.want, encode(t, got))
		})
	}
}

func TestSetErrorMessages(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a": {"b": "s"}, "l": [1]}`)
	_, err := jsonpath.MustParse("$.a.b.c").Set(doc, 1)
	require.EqualError(t, err, "Expected to find an object with property ['c'] in path $['a']['b'] but found 'java.lang.String'")
	_, err = jsonpath.MustParse("$.l[3]").Set(doc, 1)
	require.EqualError(t, err, "Index [3] is out of bounds in path $['l']")
	_, err = jsonpath.MustParse("$.a[0]").Set(doc, 1)
	require.EqualError(t, err, "Expected to find an array at $['a'] for index [0] but found 'net.minidev.json.JSONObject'")
}

func TestSetCopiesOnWrite(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a": {"b": {"c": 1}, "d": [1, 2]}, "e": {"f": 1}}`)
	out, err := jsonpath.MustParse("$.a.b.x").Set(doc, json.Number("2"))
	require.NoError(t, err)
	in := doc.(map[string]any)
	res := out.(map[string]any)
	// Off-path values are shared, on-path values are fresh copies.
	require.True(t, sameMap(in["e"], res["e"]))
	require.False(t, sameMap(in["a"], res["a"]))
	// Mutating the result does not leak into the input.
	res["a"].(map[string]any)["b"].(map[string]any)["c"] = "changed"
	require.Equal(t, json.Number("1"), in["a"].(map[string]any)["b"].(map[string]any)["c"])

	out, err = jsonpath.MustParse("$.a.d[0]").Set(doc, "z")
	require.NoError(t, err)
	require.Equal(t, json.Number("1"), in["a"].(map[string]any)["d"].([]any)[0])
	require.Equal(t, "z", out.(map[string]any)["a"].(map[string]any)["d"].([]any)[0])
}

func sameMap(a, b any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	_, err := jsonpath.MustParse("$.a").Get(map[string]any{})
	require.True(t, errors.Is(err, jsonpath.ErrNoMatch))
	require.False(t, errors.Is(err, jsonpath.ErrNotObject))
}

func TestGetDefiniteDoesNotAllocate(t *testing.T) {
	doc := decode(t, `{"a": {"b": {"c": [1, 2, 3]}}}`)
	for _, s := range []string{"$", "$.a.b", "$.a.b.c[2]", "$['a']['b']"} {
		p := jsonpath.MustParse(s)
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := p.Get(doc); err != nil {
				t.Fatal(err)
			}
		})
		require.Zero(t, allocs, s)
	}
}

func BenchmarkGetDefinite(b *testing.B) {
	doc := decode(b, `{"a": {"b": 1, "c": 2}, "d": [1, 2, 3]}`)
	p := jsonpath.MustParse("$.a.b")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetFilter(b *testing.B) {
	doc := decode(b, storeJSON)
	p := jsonpath.MustParse("$.store.book[?(@.price < 10)].title")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonpath.Parse("$.a.b[0].c"); err != nil {
			b.Fatal(err)
		}
	}
}
