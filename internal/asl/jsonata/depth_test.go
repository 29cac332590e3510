package jsonata

import (
	"strings"
	"testing"
)

// TestDepthLimit checks Step Functions' bound of 100 nested evaluations.
func TestDepthLimit(t *testing.T) {
	t.Parallel()
	sum := func(n int) string { return strings.TrimSuffix(strings.Repeat("1+", n), "+") }
	parens := func(n int) string { return strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	brackets := func(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }
	recursion := func(n string) string {
		return `($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(` + n + `))`
	}
	const overflow = `U1001: Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive. Depth=101 max=100`
	runEvalCases(t, []evalCase{
		{expr: sum(100), want: `100`},
		{expr: sum(101), err: overflow},
		{expr: parens(99), want: `1`},
		{expr: parens(100), err: overflow},
		{expr: brackets(99), want: strings.Repeat("[", 99) + "1" + strings.Repeat("]", 99)},
		{expr: brackets(100), err: overflow},
		{expr: recursion("31"), want: `31`},
		{expr: recursion("32"), err: overflow},
		{expr: `($f := function($n, $acc){$n = 0 ? $acc : $f($n - 1, $acc + 1)}; $f(100000, 0))`, want: `100000`},
		{expr: `($f := function(){$f()}; $f())`, err: `U1002: Evaluation exceeded its limit of 5000000 steps. Check for an infinite loop`},
	}, testEnv)
}
