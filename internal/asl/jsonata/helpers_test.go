package jsonata

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// evalCase is one row of a table test: an expression, its input (JSON,
// "" for no input) and either the JSON of the result ("" for undefined) or
// the error text (code and message) it must fail with.
type evalCase struct {
	expr  string
	input string
	want  string
	err   string
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), s)
	return v
}

// testEnv is a deterministic environment: a fixed clock and random source.
func testEnv() *Env {
	n := 0
	return &Env{
		Now: time.Date(2024, 8, 16, 13, 52, 50, 123e6, time.UTC),
		Random: func() float64 {
			n++
			return float64(n%10) / 10
		},
		UUID: func() string { return "123e4567-e89b-42d3-a456-426614174000" },
	}
}

func runEvalCases(t *testing.T, cases []evalCase, env func() *Env) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			e, err := Compile(tc.expr)
			if err != nil {
				require.NotEmpty(t, tc.err, "compile: %v", err)
				require.Equal(t, tc.err, err.Error())
				return
			}
			var input any = undefined
			if tc.input != "" {
				input = decodeJSON(t, tc.input)
			}
			v, ok, err := e.evaluate(input, env())
			if tc.err != "" {
				require.Error(t, err)
				require.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			if tc.want == "" {
				require.False(t, ok, "want undefined, got %v", v)
				return
			}
			require.True(t, ok, "want %s, got undefined", tc.want)
			require.JSONEq(t, tc.want, mustJSON(t, v))
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// account is the sample document of the JSONata documentation.
const account = `{
  "Account": {
    "Account Name": "Firefly",
    "Order": [
      {
        "OrderID": "order103",
        "Product": [
          {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "0406654608",
           "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
           "Price": 34.45, "Quantity": 2},
          {"Product Name": "Trilby hat", "ProductID": 858236, "SKU": "0406634348",
           "Description": {"Colour": "Orange", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.6},
           "Price": 21.67, "Quantity": 1}
        ]
      },
      {
        "OrderID": "order104",
        "Product": [
          {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "040657863",
           "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
           "Price": 34.45, "Quantity": 4},
          {"ProductID": 345664, "SKU": "0406654603", "Product Name": "Cloak",
           "Description": {"Colour": "Black", "Width": 30, "Height": 20, "Depth": 210, "Weight": 2},
           "Price": 107.99, "Quantity": 1}
        ]
      }
    ]
  }
}`

// person is the address-book sample of the JSONata documentation.
const person = `{
  "FirstName": "Fred",
  "Surname": "Smith",
  "Age": 28,
  "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
  "Phone": [
    {"type": "home", "number": "0203 544 1234"},
    {"type": "office", "number": "01962 001234"},
    {"type": "office", "number": "01962 001235"},
    {"type": "mobile", "number": "077 7700 1234"}
  ],
  "Email": [
    {"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
    {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]}
  ],
  "Other": {"Over 18 ?": true, "Misc": null, "Alternative.Address": {"Street": "Brick Lane", "City": "London", "Postcode": "E1 6RF"}}
}`

// library is the sample the JSONata documentation joins with.
const library = `{
  "library": {
    "books": [
      {"title": "Structure and Interpretation of Computer Programs", "authors": ["Abelson", "Sussman"], "isbn": "9780262510875", "price": 38.90, "copies": 2},
      {"title": "The C Programming Language", "authors": ["Kernighan", "Richie"], "isbn": "9780131103627", "price": 33.59, "copies": 3},
      {"title": "The AWK Programming Language", "authors": ["Aho", "Kernighan", "Weinberger"], "isbn": "9780201079814", "copies": 1},
      {"title": "Compilers: Principles, Techniques, and Tools", "authors": ["Aho", "Lam", "Sethi", "Ullman"], "isbn": "9780201100884", "price": 23.38, "copies": 1}
    ],
    "loans": [
      {"customer": "10001", "isbn": "9780262510875", "return": "2016-12-05"},
      {"customer": "10003", "isbn": "9780201100884", "return": "2016-10-22"}
    ],
    "customers": [
      {"id": "10001", "name": "Joe Doe", "address": {"street": "2 Long Road", "city": "Winchester", "postcode": "SO22 5PU"}},
      {"id": "10002", "name": "Fred Bloggs", "address": {"street": "56 Letsby Avenue", "city": "Winchester", "postcode": "SO22 4WD"}},
      {"id": "10003", "name": "Jason Arthur", "address": {"street": "1 Preddy Gate", "city": "Southampton", "postcode": "SO14 0MG"}}
    ]
  }
}`
