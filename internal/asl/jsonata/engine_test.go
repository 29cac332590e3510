package jsonata_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/asl/jsonata"
)

var start = time.Date(2024, 8, 16, 13, 52, 50, 123e6, time.UTC)

// run runs a definition made of states that need nothing from the world.
func run(t *testing.T, def, input string, seed uint64) *asl.Execution {
	t.Helper()
	m, err := asl.CompileWith([]byte(def), asl.CompileOptions{JSONata: jsonata.Engine()})
	require.NoError(t, err)
	ex, _, err := m.Start(asl.StartOptions{
		Input:        input,
		ExecutionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:exec-1",
		StartTime:    start,
		Seed:         seed,
	})
	require.NoError(t, err)
	require.True(t, ex.Done(), "the machine waits on %v", ex.Pending())
	return ex
}

func pass(output string) string {
	return `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": ` + output + `, "End": true}}}`
}

func TestEngineInStateMachines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, def, input string
		output           string // JSON, when the execution succeeds
		cause            string // when it fails with States.QueryEvaluationError
	}{
		{name: "states input", def: pass(`"{% $states.input.a + 1 %}"`), input: `{"a": 41}`, output: `42`},
		{name: "context", def: pass(`"{% $states.context.Execution.Id %}"`), input: `{}`,
			output: `"arn:aws:states:us-east-1:000000000000:execution:sm:exec-1"`},
		{name: "template", def: pass(`{"sum": "{% $sum($states.input.xs) %}", "list": ["{% $states.input.xs[0] %}", 2], "lit": "x"}`),
			input: `{"xs": [1, 2, 3]}`, output: `{"sum": 6, "list": [1, 2], "lit": "x"}`},
		{name: "integers stay integers", def: pass(`"{% [1.0, 2.5 * 2, 7 / 2, 1e21] %}"`), input: `{}`, output: `[1, 5, 3.5, 1e21]`},
		{name: "now is the step's time", def: pass(`"{% $now() %}"`), input: `{}`, output: `"2024-08-16T13:52:50.123Z"`},
		{name: "variables", def: `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
			"A": {"Type": "Pass", "Assign": {"x": "{% $states.input.v %}", "y": [1, "{% 1 + 1 %}"]}, "Next": "B"},
			"B": {"Type": "Pass", "Output": "{% {'x': $x, 'y': $y} %}", "End": true}}}`,
			input: `{"v": "hi"}`, output: `{"x": "hi", "y": [1, 2]}`},
		{name: "undefined", def: pass(`"{% $nothing %}"`), input: `{}`,
			cause: "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Output' returned nothing (undefined)."},
		{name: "undefined in an object", def: pass(`{"a": {"b": "{% $states.input.nope %}"}}`), input: `{}`,
			cause: "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$states.input.nope' specified for the field 'Output/a/b' returned nothing (undefined)."},
		{name: "undefined in an array", def: pass(`[1, "{% $states.input.nope %}"]`), input: `{}`,
			cause: "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$states.input.nope' specified for the field 'Output[1]' returned nothing (undefined)."},
		{name: "error", def: pass(`{"FunctionResult": "{% $randomSeeded($states.input.FunctionInput.fst) %}"}`), input: `{"FunctionInput": "fst"}`,
			cause: "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"},
		{name: "unsupported result", def: pass(`"{% function($x){$x} %}"`), input: `{}`,
			cause: "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression 'function($x){$x}' specified for the field 'Output' returned an unsupported result type."},
		{name: "choice", def: `{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
			"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 5 %}", "Next": "Big", "Output": "big"}], "Default": "Small"},
			"Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed", "Output": "small"}}}`, input: `{"n": 9}`, output: `"big"`},
		{name: "map items and selector", def: `{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map",
			"Items": "{% $range(1, 3, 1) %}", "ItemSelector": {"v": "{% $states.context.Map.Item.Value * 10 %}", "i": "{% $states.context.Map.Item.Index %}"},
			"ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}`,
			input: `{}`, output: `[{"v": 10, "i": 0}, {"v": 20, "i": 1}, {"v": 30, "i": 2}]`},
		{name: "wait seconds", def: `{"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% $states.input.s - 5 %}", "End": true}}}`,
			input: `{"s": 5}`, output: `{"s": 5}`},
		{name: "failing catcher is not caught again", def: `{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Parallel",
			"Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}],
			"Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $nothing %}", "Next": "Z"}], "End": true}, "Z": {"Type": "Succeed"}}}`,
			input: `{}`,
			cause: "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Catch[0]/Output' returned nothing (undefined)."},
		{name: "fail", def: `{"QueryLanguage": "JSONata", "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "{% 'E.' & $states.input.kind %}", "Cause": "{% $string($states.input) %}"}}}`,
			input: `{"kind": "Bad"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ex := run(t, tc.def, tc.input, 1)
			switch {
			case tc.output != "":
				require.Equal(t, asl.StatusSucceeded, ex.Status(), ex.Cause())
				require.JSONEq(t, tc.output, ex.Output())
			case tc.cause != "":
				require.Equal(t, asl.StatusFailed, ex.Status())
				require.Equal(t, "States.QueryEvaluationError", ex.Error())
				require.Equal(t, tc.cause, ex.Cause())
			default:
				require.Equal(t, asl.StatusFailed, ex.Status())
				require.Equal(t, "E.Bad", ex.Error())
				require.Equal(t, `{"kind":"Bad"}`, ex.Cause())
			}
		})
	}
}

// TestEngineRandomness checks that $random() and $uuid() come from the
// execution's seeded source: the same seed gives the same values.
func TestEngineRandomness(t *testing.T) {
	t.Parallel()
	def := pass(`"{% {'r': $random(), 'u': $uuid(), 's': $shuffle([1, 2, 3, 4, 5, 6]), 'seeded': $random(42)} %}"`)
	out := func(seed uint64) map[string]any {
		ex := run(t, def, `{}`, seed)
		require.Equal(t, asl.StatusSucceeded, ex.Status(), ex.Cause())
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(ex.Output()), &v))
		return v
	}
	a, b, c := out(7), out(7), out(8)
	require.Equal(t, a, b)
	require.NotEqual(t, a["u"], c["u"])
	require.NotEqual(t, a["r"], c["r"])
	require.Equal(t, 0.7275636800328681, a["seeded"])
	require.Equal(t, a["seeded"], c["seeded"])
	r := a["r"].(float64)
	require.True(t, r >= 0 && r < 1)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a["u"])
}

func TestEngineCompileErrors(t *testing.T) {
	t.Parallel()
	_, err := asl.CompileWith([]byte(pass(`{"a": "{% 1 + %}"}`)), asl.CompileOptions{JSONata: jsonata.Engine()})
	require.ErrorContains(t, err, "INVALID_JSONATA_EXPRESSION: S0207: Unexpected end of expression at /States/A/Output/a")
	diags := asl.ValidateWith([]byte(pass(`"{% $x := %}"`)), asl.CompileOptions{JSONata: jsonata.Engine()})
	require.Len(t, diags, 1)
	require.Equal(t, "/States/A/Output", diags[0].Location)
}

func TestEngineConcurrentEvaluation(t *testing.T) {
	t.Parallel()
	e, err := jsonata.Engine().Compile(`$states.input.items[$ > 2]^(>$).{"v": $, "s": $string($)}`)
	require.NoError(t, err)
	done := make(chan any, 8)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 200; j++ {
				v, ok, err := e.Eval(&asl.JSONataEnv{States: map[string]any{"input": map[string]any{
					"items": []any{json.Number("1"), json.Number("5"), json.Number("3")}}}})
				if err != nil || !ok {
					done <- err
					return
				}
				if j == 199 {
					done <- v
				}
			}
		}()
	}
	for i := 0; i < 8; i++ {
		v := <-done
		require.Equal(t, []any{
			map[string]any{"v": json.Number("5"), "s": "5"},
			map[string]any{"v": json.Number("3"), "s": "3"},
		}, v)
	}
}

func TestEngineRefusesTopLevelReferences(t *testing.T) {
	t.Parallel()
	cases := []struct{ def, diag string }{
		{pass(`{"v": "{% phone %}"}`), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported. at /States/A/Output/v"},
		{pass(`"{% $$.x %}"`), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$$' is not supported. at /States/A/Output"},
		{pass(`"{% $ %}"`), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$' at the top level is not supported. at /States/A/Output"},
		{pass(`"{% $map($states.input.a, function($x){ b }) %}"`), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'b' at the top level is not supported. at /States/A/Output"},
		{pass(`"{% $states.errorOutput %}"`), "UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$states.errorOutput' is not supported. at /States/A/Output"},
		{pass(`"{% a[1,2) %}"`), "INVALID_JSONATA_EXPRESSION: S0202: Expected \"]\", got \",\" at /States/A/Output"},
	}
	for _, tc := range cases {
		_, err := asl.CompileWith([]byte(tc.def), asl.CompileOptions{JSONata: jsonata.Engine()})
		require.Error(t, err, tc.def)
		require.Contains(t, err.Error(), tc.diag)
	}
	// Names below the first step of a path, in predicates, sort terms,
	// groupings and transforms read other contexts, and a catcher may read
	// $states.errorOutput.
	for _, def := range []string{
		pass(`"{% $states.input.items[value > 3].name %}"`),
		pass(`"{% $states.input.items^(>price){type: $count(name)} %}"`),
		pass(`"{% $states.input ~> |items|{'x': y}| %}"`),
		pass(`"{% $states.input.items.$uppercase(name) %}"`),
		`{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput.Cause %}", "Next": "E"}], "End": true},
			"E": {"Type": "Succeed"}}}`,
	} {
		_, err := asl.CompileWith([]byte(def), asl.CompileOptions{JSONata: jsonata.Engine()})
		require.NoError(t, err, def)
	}
}
