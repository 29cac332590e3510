package jsonata

import (
	"errors"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	`Account.Order.Product.Price`, `$sum(Account.Order.Product.(Price * Quantity))`,
	`Phone[type='mobile'].number`, `Phone{type: number[]}`, `**.Postcode`, `Address.*`,
	`Account.Order@$o.$o.Product@$p.{"o": $o.OrderID}`, `Account.Order#$i[$i > 0]`,
	`Account.Order.Product.%.OrderID`, `Account.Order.Product^(>Price, SKU)`,
	`($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; $f(5))`, `$map([1, 2], function($v, $i){$v + $i})`,
	`$reduce([1..10], function($a, $b){$a + $b})`, `$ ~> |Account.Order|{"x": 1}, ["OrderID"]|`,
	`$substring(?, 0, 2)("hello")`, `$uppercase ~> $trim`, `/a(b+)/i`, `$replace("abc", /b/, "$0$0")`,
	`$match("abab", /a(b)/)`, `$split("a,b", ",")`, `$string({"a": [1, 2.5, true, null]}, true)`,
	`$formatNumber(1234.5, "#,##0.00;(#)")`, `$formatInteger(1999, "I")`, `$parseInteger("twelve", "w")`,
	`$fromMillis(0, "[FNn], [D1o] [MNn] [Y] [H01]:[m01] [z]")`, `$toMillis("2018-03-23", "[Y]-[M]-[D]")`,
	`$partition([1, 2, 3], 2)`, `$range(0, 10, 3)`, `$hash("x", "SHA-256")`, `$random(42)`, `$uuid()`,
	`$parse('{"a": [1]}')`, `$states.input.items[0]`, `{"a": $x := 1, "b": $x}`, `[1..3][$ > 1]`,
	`"a" & 1 & [1] & {"b": 2}`, `1 in [1, 2] and "x" != "y" or false`, `$keys({"b": 1, "a": 2})`,
	`$distinct([1, 1, [2], [2]])`, `$zip([1, 2], [3])`, `$sort(["b", "a"])`, `$each({"a": 1}, function($v, $k){$k})`,
	`$sift({"a": 1}, function($v){$v})`, `$single([1], function($v){true})`, `$spread({"a": 1})`,
	`$merge([{"a": 1}])`, `$lookup({"a": 1}, "a")`, `$boolean([0, 1])`, `$number("0x1f")`, `$round(2.5, 0)`,
	`$pad("x", -3, "#")`, `$base64encode("é")`, `$encodeUrl("a b")`, `/* c */ 1`, "`a b`.c", `a[]`,
	`function($x)<n-:n>{$x}(1)`, `$clone({"a": 1})`, `[[1, 2], [3]][0][1]`, `-(1)`, `a.b.c.d.e`,
}

// FuzzCompile feeds arbitrary text to the parser and evaluates what
// compiles, with tight limits: nothing may panic or run away, and every
// failure must be a JSONata error.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	input := map[string]any{
		"Account": map[string]any{"Order": []any{map[string]any{"OrderID": "o1", "Product": []any{map[string]any{"Price": 1.5, "SKU": "a"}}}}},
		"a":       []any{1.0, "x", nil, true, map[string]any{"b": []any{2.0}}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		raw, err := parse(src)
		if err == nil {
			var n *node
			if n, err = process(raw); err == nil {
				e := &Expr{src: src, ast: n}
				env := &Env{
					MaxSteps: 20000, MaxAlloc: 200000,
					Now:  time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
					Vars: map[string]any{"states": map[string]any{"input": input}},
				}
				_, _, err = e.run(input, env)
				if err != nil && errors.Is(err, ErrUnsupportedResult) {
					err = nil
				}
			}
		}
		if err != nil {
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("%q: error %v (%T) is not a JSONata error", src, err, err)
			}
			_ = je.Error()
		}
	})
}
