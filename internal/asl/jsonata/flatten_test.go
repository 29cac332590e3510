package jsonata

import "testing"

const nested = `{"nest0": [
  {"nest1": [{"nest2": [{"nest3": [1]}, {"nest3": [2]}]}, {"nest2": [{"nest3": [3]}, {"nest3": [4]}]}]},
  {"nest1": [{"nest2": [{"nest3": [5]}, {"nest3": [6]}]}, {"nest2": [{"nest3": [7]}, {"nest3": [8]}]}]}
]}`

func TestFlattening(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `Account.Order.[Product.Price]`, input: account, want: `[[34.45, 21.67], [34.45, 107.99]]`},
		{expr: `$.nest0`, input: `[{"nest0": [1, 2]}, {"nest0": [3, 4]}]`, want: `[1, 2, 3, 4]`},
		{expr: `nest0`, input: `[{"nest0": [1, 2]}, {"nest0": [3, 4]}]`, want: `[1, 2, 3, 4]`},
		{expr: `$[0]`, input: `[{"nest0": [1, 2]}, {"nest0": [3, 4]}]`, want: `{"nest0": [1, 2]}`},
		{expr: `$[-1].nest0`, input: `[{"nest0": [1, 2]}, {"nest0": [3, 4]}]`, want: `[3, 4]`},
		{expr: `$[0].nest0[0]`, input: `[{"nest0": [1, 2]}, {"nest0": [3, 4]}]`, want: `1`},
		{expr: `nest0.[nest1.[nest2.[nest3]]]`, input: nested, want: `[[[[1], [2]], [[3], [4]]], [[[5], [6]], [[7], [8]]]]`},
		{expr: `nest0.nest1.[nest2.[nest3]]`, input: nested, want: `[[[1], [2]], [[3], [4]], [[5], [6]], [[7], [8]]]`},
		{expr: `nest0.[nest1.nest2.[nest3]]`, input: nested, want: `[[[1], [2], [3], [4]], [[5], [6], [7], [8]]]`},
		{expr: `nest0.[nest1.[nest2.nest3]]`, input: nested, want: `[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]`},
		{expr: `nest0.[nest1.nest2.nest3]`, input: nested, want: `[[1, 2, 3, 4], [5, 6, 7, 8]]`},
		{expr: `nest0.nest1.nest2.[nest3]`, input: nested, want: `[[1], [2], [3], [4], [5], [6], [7], [8]]`},
		{expr: `nest0.nest1.nest2.nest3`, input: nested, want: `[1, 2, 3, 4, 5, 6, 7, 8]`},
		{expr: `{"a": [[1]]}.a`, want: `[[1]]`},
		{expr: `a`, input: `{"a": [[1]]}`, want: `[[1]]`},
		{expr: `[{"a": [1, 2]}, {"a": [3]}].a`, want: `[1, 2, 3]`},
		// An array input is one item: $ iterates its items.
		{expr: `a[0].b`, input: `[{"a": [{"b": [1]}, {"b": [2]}]}, {"a": [{"b": [3]}, {"b": [4]}]}]`, want: `[1]`},
		{expr: `$.a[0].b`, input: `[{"a": [{"b": [1]}, {"b": [2]}]}, {"a": [{"b": [3]}, {"b": [4]}]}]`, want: `[1, 3]`},
		{expr: `phone`, input: `[{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]`, want: `[{"n": 0}, {"n": 1}]`},
		{expr: `phone[0]`, input: `[{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]`, want: `{"n": 0}`},
		{expr: `phone[0][]`, input: `[{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]`, want: `[{"n": 0}]`},
		{expr: `(phone)[0].n`, input: `[{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]`, want: `0`},
		{expr: `$.phone[0].n`, input: `[{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]`, want: `[0, 1]`},
		{expr: `{'Hello': 'World'}`, input: `[]`, want: `{"Hello": "World"}`},
		{expr: `$.{'Hello': 'World'}`, input: `[]`, want: ``},
		{expr: `$.[value, epoch]`, input: `[{"epoch": 1, "value": 3}, {"epoch": 2, "value": 5}]`, want: `[[3, 1], [5, 2]]`},
		{expr: `$.[value, epoch]`, input: `[{"epoch": 1, "value": 3}]`, want: `[3, 1]`},
		{expr: `$.[value, epoch][]`, input: `[{"epoch": 1, "value": 3}]`, want: `[[3, 1]]`},
		{expr: `a.b[0]`, input: `[{"a": [{"b": [1]}, {"b": [2]}]}, {"a": [{"b": [3]}, {"b": [4]}]}]`, want: `[1, 2, 3, 4]`},
		{expr: `Phone[][type="mobile"].number`, input: person, want: `["077 7700 1234"]`},
		{expr: `Phone[type="office"][].number`, input: person, want: `["01962 001234", "01962 001235"]`},
	}, testEnv)
}
