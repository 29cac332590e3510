package jsonata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPartition(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)`, want: `[[1, 2, 3], [4, 5, 6], [7, 8, 9]]`},
		{expr: `$partition([1, 2, 3, 4, 5], 2)`, want: `[[1, 2], [3, 4], [5]]`},
		{expr: `$partition([0, 1, 2], 5)`, want: `[[0, 1, 2]]`},
		{expr: `$partition([0], 1)`, want: `[[0]]`},
		{expr: `$partition([], 2)`, want: ``},
		{expr: `$partition([1, 2, 3], 2.9)`, want: `[[1, 2], [3]]`},
		{expr: `$partition(xs, n)`, input: `{"xs": [0, 1, 2, 3], "n": 3}`, want: `[[0, 1, 2], [3]]`},
		{expr: `$partition("a", 1)`, want: `[["a"]]`},
		{expr: `$partition(nothing, 1)`, input: `{}`, want: ``},
		{expr: `$partition([1, 2], 0)`, want: ``},
		{expr: `$partition([1, 2], -1)`, want: ``},
		{expr: `$partition([1, 2], 0.5)`, want: ``},
		{expr: `$partition([1, 2])`, want: ``},
		{expr: `$partition([1, 2], "2")`, err: `T0410: Argument 2 of function "partition" does not match function signature`},
	}, testEnv)
}

func TestRange(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `$range(0, 10, 2)`, want: `[0, 2, 4, 6, 8, 10]`},
		{expr: `$range(0, 9, 3)`, want: `[0, 3, 6, 9]`},
		{expr: `$range(0, 10, 3)`, want: `[0, 3, 6, 9]`},
		{expr: `$range(10, 0, -3)`, want: `[10, 7, 4, 1]`},
		{expr: `$range(1, 1, 1)`, want: `1`},
		{expr: `[$range(1, 1, 1)]`, want: `[1]`},
		{expr: `$range(0, 10, -1)`, want: ``},
		{expr: `$range(10, 0, 1)`, want: ``},
		{expr: `$range(0, 10)`, want: ``},
		{expr: `$range(-1.7, 2, 1)`, want: `[-1, 0, 1, 2]`},
		{expr: `$range(0, 2, 0.5)`, want: ``},
		{expr: `$range(1, 360145, 1) ~> $count()`, want: `360145`},
		{expr: `$range(1, 360146, 1)`, err: `U1003: Expression evaluation memory limit exceeded`},
		{expr: `$range(a, b, c)`, input: `{"a": 0, "b": 9, "c": 3}`, want: `[0, 3, 6, 9]`},
		{expr: `$range(0, 10, 0)`, want: ``},
		{expr: `$range(0, "1", 1)`, err: `T0410: Argument 2 of function "range" does not match function signature`},
	}, testEnv)
}

func TestHash(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `$hash("abc", "MD5")`, want: `"900150983cd24fb0d6963f7d28e17f72"`},
		{expr: `$hash("abc", "SHA-1")`, want: `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
		{expr: `$hash("abc", "SHA-256")`, want: `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{expr: `$hash("abc", "SHA-384")`, want: `"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"`},
		{expr: `$hash("abc", "SHA-512")`, want: `"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"`},
		{expr: `$hash("", "MD5")`, want: `"d41d8cd98f00b204e9800998ecf8427e"`},
		{expr: `$hash("abc")`, want: ``},
		{expr: `$hash("abc", "sha-256")`, err: `D3200: The hash algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, but was: sha-256`},
		{expr: `$hash("abc", "SHA-2")`, err: `D3200: The hash algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, but was: SHA-2`},
		{expr: `$hash(1, "MD5")`, err: `T0410: Argument 1 of function "hash" does not match function signature`},
	}, testEnv)
}

func TestRandomAndUUID(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `[$random(), $random(), $random()]`, want: `[0.1, 0.2, 0.3]`},
		// A seed gives Java's new Random(seed).nextDouble().
		{expr: `$random(42)`, want: `0.7275636800328681`},
		{expr: `$random(0)`, want: `0.730967787376657`},
		{expr: `$random(-7) = $random(-7)`, want: `true`},
		{expr: `$random(42.9)`, want: `0.7275636800328681`},
		{expr: `$random("x")`, err: `T0410: Argument 1 of function "random" does not match function signature`},
		{expr: `$uuid()`, want: `"123e4567-e89b-42d3-a456-426614174000"`},
	}, testEnv)

	// Without a source the results are still deterministic.
	e, err := Compile(`[$random(), $uuid()]`)
	require.NoError(t, err)
	a, _, err := e.Evaluate(nil, nil)
	require.NoError(t, err)
	b, _, err := e.Evaluate(nil, nil)
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.([]any)[1])
}

func TestParse(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `$parse('{"Arg1": 1, "Arg2": []}')`, want: `{"Arg1": 1, "Arg2": []}`},
		{expr: `$parse("[1, 2, \"HelloWorld\"]")`, want: `[1, 2, "HelloWorld"]`},
		{expr: `$parse("1.1")`, want: `1.1`},
		{expr: `$parse("9007199254740993")`, want: `9007199254740993`},
		{expr: `$parse("12345678901234567890")`, want: `12345678901234567000`},
		{expr: `$parse("-0")`, want: `0`},
		{expr: `$parse("true")`, want: `true`},
		{expr: `$parse("null")`, want: `null`},
		{expr: `$parse('"HelloWorld"')`, want: `"HelloWorld"`},
		{expr: `$keys($parse('{"b": 1, "a": 2}'))`, want: `["b", "a"]`},
		{expr: `$parse(s).x`, input: `{"s": "{\"x\": [1]}"}`, want: `[1]`},
		{expr: `$parse("{bad")`, err: `D3200: The argument of $parse is not valid JSON: invalid character 'b'`},
		{expr: `$parse("1 2")`, err: `D3200: The argument of $parse is not valid JSON: unexpected data after the JSON value`},
		{expr: `$parse("")`, err: `D3200: The argument of $parse is not valid JSON: unexpected end of JSON input`},
		{expr: `$parse(1)`, err: `T0410: Argument 1 of function "parse" does not match function signature`},
	}, testEnv)
}
