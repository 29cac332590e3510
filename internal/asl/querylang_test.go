package asl

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeJSONata understands just enough JSONata to exercise the seam: paths
// ($states.input.a, $var.b), literals, "A = B" and "$boom()".
type fakeJSONata struct{}

type fakeExpr struct{ src string }

func (fakeJSONata) Compile(expr string) (JSONataExpr, error) {
	if strings.Count(expr, "(") != strings.Count(expr, ")") {
		return nil, errors.New("Unexpected end of expression")
	}
	return fakeExpr{expr}, nil
}

func (e fakeExpr) Eval(env *JSONataEnv) (any, bool, error) {
	states, vars := env.States, env.Var
	if l, r, ok := strings.Cut(e.src, " = "); ok {
		a, _, err := fakeExpr{l}.Eval(env)
		if err != nil {
			return nil, false, err
		}
		b, _, err := fakeExpr{r}.Eval(env)
		return valuesEqual(a, b), true, err
	}
	s := strings.TrimSpace(e.src)
	switch {
	case s == "$boom()":
		return nil, false, errors.New("T1006: Attempted to invoke a non-function")
	case strings.HasPrefix(s, "'"):
		return strings.Trim(s, "'"), true, nil
	case strings.HasPrefix(s, "$"):
		parts := strings.Split(s[1:], ".")
		var cur any
		if parts[0] == "states" {
			cur = states
		} else {
			v, ok := vars(parts[0])
			if !ok {
				return nil, false, nil
			}
			cur = v
		}
		for _, p := range parts[1:] {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false, nil
			}
			if cur, ok = m[p]; !ok {
				return nil, false, nil
			}
		}
		return cur, true, nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

func runJSONataDef(t *testing.T, def, input string, tasks taskFunc) *Execution {
	t.Helper()
	m, err := CompileWith([]byte(def), CompileOptions{JSONata: fakeJSONata{}})
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(input))
	require.NoError(t, err)
	drive(t, ex, tasks)
	return ex
}

func TestJSONataSeam(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, def, input string
		tasks            taskFunc
		status           Status
		output, err      string
		events           []string
	}{
		{name: "pass output and assign", def: `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"x":"{% $states.input.a %}"},"Output":{"v":"{% $states.input.a %}","lit":1},"Next":"B"},
			"B":{"Type":"Pass","Output":"{% $x %}","End":true}}}`, input: `{"a":"hi"}`, output: `"hi"`},
		{name: "choice condition", def: `{"QueryLanguage":"JSONata","StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.k = 'yes' %}","Output":"matched","Next":"E"}],"Default":"E"},
			"E":{"Type":"Succeed"}}}`, input: `{"k":"yes"}`, output: `"matched"`},
		{name: "task arguments and result", def: `{"QueryLanguage":"JSONata","StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.input.p %}"},"Output":"{% $states.result.p %}","End":true}}}`,
			input: `{"p":7}`, tasks: echo, output: `7`},
		{name: "catch output", def: `{"QueryLanguage":"JSONata","StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput.Error %}","Next":"E"}],"End":true},
			"E":{"Type":"Succeed"}}}`, tasks: func(*Invoke) Result { return Result{Error: "Oops"} }, output: `"Oops"`},
		{name: "undefined output", def: `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $nope %}","End":true}}}`,
			status: StatusFailed, err: "States.QueryEvaluationError",
			events: []string{"ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"}},
		{name: "map items", def: `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}",
			"ItemSelector":{"v":"{% $states.context.Map.Item.Value %}"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{"xs":[1,2]}`, output: `[{"v":1},{"v":2}]`},
		{name: "map items not an array", def: `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}",
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{"xs":1}`, status: StatusFailed, err: "States.QueryEvaluationError",
			events: []string{"ExecutionStarted", "MapStateEntered", "EvaluationFailed", "MapStateFailed", "ExecutionFailed"}},
		{name: "fail error", def: `{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% $states.input.e %}","Cause":"c"}}}`,
			input: `{"e":"E1"}`, status: StatusFailed, err: "E1"},
		{name: "wait seconds", def: `{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","End":true}}}`,
			input: `{"s":3}`, output: `{"s":3}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			input := tc.input
			if input == "" {
				input = "{}"
			}
			ex := runJSONataDef(t, tc.def, input, tc.tasks)
			want := tc.status
			if want == "" {
				want = StatusSucceeded
			}
			require.Equal(t, want, ex.Status(), ex.Cause())
			if tc.output != "" {
				jsonEq(t, tc.output, ex.Output())
			}
			if tc.err != "" {
				require.Equal(t, tc.err, ex.Error())
			}
			if tc.events != nil {
				require.Equal(t, tc.events, eventTypes(ex.History()))
			}
		})
	}
}

func TestJSONataWithoutEngine(t *testing.T) {
	t.Parallel()
	def := `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}`
	ex := runDef(t, def, `{}`, nil)
	require.Equal(t, StatusFailed, ex.Status())
	require.Equal(t, "States.QueryEvaluationError", ex.Error())
	_, err := CompileWith([]byte(`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% f( %}","End":true}}}`),
		CompileOptions{JSONata: fakeJSONata{}})
	require.ErrorContains(t, err, "INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/A/Output")
}
