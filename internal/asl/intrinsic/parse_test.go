package intrinsic_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl/intrinsic"
)

func TestIsIntrinsic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want bool
	}{
		{"States.Format('x')", true},
		{"States.UUID()", true},
		{"States.Nope()", true}, // looks like a call; Parse rejects it
		{"States.Array ()", true},
		{"States.Array\n()", true},
		{"States. ()", false},
		{"States.Array", false},
		{"States.", false},
		{"States.(1)", false},
		{"$.States.Format", false},
		{" States.UUID()", false},
		{"states.UUID()", false},
		{"$.a", false},
		{"", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, intrinsic.IsIntrinsic(tt.s), tt.s)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src   string
		fn    string
		paths []string
	}{
		{"States.UUID()", "States.UUID", nil},
		{"States.Format('Hello, {}', $.name)", "States.Format", []string{"$.name"}},
		{"States.Array( $.a , $$.Execution.Id,$x.y[0] )", "States.Array", []string{"$.a", "$$.Execution.Id", "$x.y[0]"}},
		{"States.Array($['a,b'], $.c[?(@.d == ')')], $..e, $.f[0,1])", "States.Array", []string{"$['a,b']", "$.c[?(@.d == ')')]", "$..e", "$.f[0,1]"}},
		{"States.Array($, $$)", "States.Array", []string{"$", "$$"}},
		{"States.JsonMerge(States.StringToJson('{\"a\": \"b\"}'), $$.Execution.Input.f, false)", "States.JsonMerge", []string{"$$.Execution.Input.f"}},
		{"States.Array(1, -2, 3.5, -4e10, 5E+2, true, false, null, 'x')", "States.Array", nil},
		{"States.Format('\\'\\{\\}\\\\')", "States.Format", nil},
		{"States.Array(States.Array(States.Array()))", "States.Array", nil},
		{"States.Array() ", "States.Array", nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			e, err := intrinsic.Parse(tt.src)
			require.NoError(t, err)
			require.Equal(t, tt.src, e.String())
			require.Equal(t, tt.fn, e.Function())
			require.Equal(t, tt.paths, e.Paths())
		})
	}
}

func TestParseLiterals(t *testing.T) {
	t.Parallel()
	got, err := intrinsic.MustParse(`States.Array('it\'s', '\{\}', '\\', '', 'a,b)', 0, -0.5, 1e3, true, null)`).Eval(newEnv(t))
	require.NoError(t, err)
	require.Equal(t, []any{"it's", "{}", `\`, "", "a,b)", json.Number("0"), json.Number("-0.5"), json.Number("1e3"), true, nil}, got)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		pos int
	}{
		{"", 0},
		{"$.a", 0},
		{"States.Nope()", 0},
		{"States.format('x')", 0},
		{"States.Format", 13},
		{"States.Format(", 14},
		{"States.Format('x'", 17},
		{"States.Format('x' 'y')", 18},
		{"States.Format('x',)", 18},
		{"States.Array(,)", 13},
		{"States.Array($.a) trailing", 18},
		{"States.Array($.a)$", 17},
		{"States.Array([1,2])", 13},
		{"States.Array({})", 13},
		{"States.Array(1.)", 15},
		{"States.Array(.5)", 13},
		{"States.Array(1x)", 14},
		{"States.Array(007)", 16},
		{"States.Array(-00.5)", 16},
		{"States.Array(truex)", 13},
		{"States.Array(\"x\")", 13},
		{"States.Array('x)", 16},
		{"States.Array('\\n')", 14},
		{"States.Array('\\", 14},
		{"States.Array($.)", 13},
		{"States.Array($.a b)", 17},
		{"States.Array($[)", 13},
		{"States.Array(Other.F())", 13},
		{"States.Array(States.Nope())", 13},
		{"States.Array(" + strings.Repeat("States.Array(", 70) + strings.Repeat(")", 71), 0},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			_, err := intrinsic.Parse(tt.src)
			var se *intrinsic.SyntaxError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.src, se.Expr)
			if tt.pos != 0 || !strings.HasPrefix(tt.src, "States.Array(States") {
				require.Equal(t, tt.pos, se.Pos, se.Error())
			}
			require.Contains(t, se.Error(), "invalid intrinsic function")
		})
	}
	require.Panics(t, func() { intrinsic.MustParse("States.Nope()") })
}

func TestErrorUnwrap(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	e := &intrinsic.Error{Cause: "c", Kind: intrinsic.PathNotFound, Err: cause}
	require.ErrorIs(t, e, cause)
	require.EqualError(t, e, "c")
}
