package asl

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stateCase is one table case: a definition, an input, and the expected
// outcome.
type stateCase struct {
	name   string
	def    string
	input  string
	tasks  taskFunc
	status Status
	output string // JSON, for SUCCEEDED
	err    string
	cause  string // substring
	events []string
}

func runStateCases(t *testing.T, cases []stateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			input := tc.input
			if input == "" {
				input = "{}"
			}
			ex := runDef(t, tc.def, input, tc.tasks)
			want := tc.status
			if want == "" {
				want = StatusSucceeded
			}
			require.Equal(t, want, ex.Status(), "error=%s cause=%s", ex.Error(), ex.Cause())
			if tc.output != "" {
				jsonEq(t, tc.output, ex.Output())
			}
			if tc.err != "" {
				require.Equal(t, tc.err, ex.Error())
			}
			if tc.cause != "" {
				require.Contains(t, ex.Cause(), tc.cause)
			}
			if tc.events != nil {
				require.Equal(t, tc.events, eventTypes(ex.History()))
			}
		})
	}
}

func TestPassState(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "passes input", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			input: `{"a":1}`, output: `{"a":1}`,
			events: []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}},
		{name: "result", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":[1,2]},"End":true}}}`,
			output: `{"x":[1,2]}`},
		{name: "result path", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"r","ResultPath":"$.a.b","End":true}}}`,
			input: `{"c":1}`, output: `{"c":1,"a":{"b":"r"}}`},
		{name: "result path null", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"r","ResultPath":null,"End":true}}}`,
			input: `{"c":1}`, output: `{"c":1}`},
		{name: "input path", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","End":true}}}`,
			input: `{"a":{"b":2}}`, output: `{"b":2}`},
		{name: "input path null", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":null,"End":true}}}`,
			input: `{"a":1}`, output: `{}`},
		{name: "output path", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.a","End":true}}}`,
			input: `{"a":[1]}`, output: `[1]`},
		{name: "parameters with paths and intrinsics", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{
			"lit":"x","n.$":"$.n","sum.$":"States.MathAdd($.n, 2)","ctx.$":"$$.State.Name","nested":{"v.$":"$.n"},"arr":[{"w.$":"$.n"}]},"End":true}}}`,
			input: `{"n":3}`, output: `{"lit":"x","n":3,"sum":5,"ctx":"P","nested":{"v":3},"arr":[{"w":3}]}`},
		{name: "parameters path missing is States.Runtime", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.nope"},"End":true}}}`,
			status: StatusFailed, err: "States.Runtime",
			cause:  "An error occurred while executing the state 'P' (entered at the event id #2). The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{}'",
			events: []string{"ExecutionStarted", "PassStateEntered", "ExecutionFailed"}},
		{name: "input path missing", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a.b","End":true}}}`,
			status: StatusFailed, err: "States.Runtime", cause: "Invalid path '$.a.b' : Missing property in path $['a']"},
		{name: "output path missing", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.x","End":true}}}`,
			status: StatusFailed, err: "States.Runtime", cause: "Invalid path '$.x' : No results for path: $['x']"},
		{name: "result too large", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"$.s"},"End":true}}}`,
			input: `{"s":"` + strings.Repeat("a", 300*1024) + `"}`, status: StatusFailed, err: "States.DataLimitExceeded"},
		{name: "unicode names", def: `{"StartAt":"시작","States":{"시작":{"Type":"Pass","Result":{"이름":"값"},"Next":"끝"},"끝":{"Type":"Succeed"}}}`,
			output: `{"이름":"값"}`},
		{name: "unicode paths and variables", def: `{"StartAt":"시작","States":{"시작":{"Type":"Pass","Parameters":{"값.$":"$.이름"},"Assign":{"변수.$":"$.값"},"Next":"끝"},
			"끝":{"Type":"Pass","Parameters":{"x.$":"$변수","y.$":"$['값']"},"End":true}}}`,
			input: `{"이름":"홍길동"}`, output: `{"x":"홍길동","y":"홍길동"}`},
		{name: "intrinsic invalid arguments", def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($.a, 1)"},"End":true}}}`,
			input: `{"a":"x"}`, status: StatusFailed, err: "States.Runtime", cause: "Invalid arguments in States.MathAdd"},
	})
}

func TestSucceedAndFailStates(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "succeed", def: `{"StartAt":"S","States":{"S":{"Type":"Succeed","OutputPath":"$.a"}}}`,
			input: `{"a":1}`, output: `1`, events: []string{"ExecutionStarted", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"}},
		{name: "fail", def: `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`,
			status: StatusFailed, err: "E", cause: "C", events: []string{"ExecutionStarted", "FailStateEntered", "ExecutionFailed"}},
		{name: "fail paths", def: `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}}}`,
			input: `{"e":"EE","c":"CC"}`, status: StatusFailed, err: "EE", cause: "CC"},
		{name: "fail intrinsic cause", def: `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","CausePath":"States.Format('n={}', $.n)"}}}`,
			input: `{"n":4}`, status: StatusFailed, err: "E", cause: "n=4"},
		{name: "fail error path missing", def: `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.x"}}}`,
			status: StatusFailed, err: "States.Runtime", cause: "The JSONPath '$.x' specified for the field 'ErrorPath' could not be found in the input '{}'"},
	})
}

func TestWaitState(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "seconds", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}`,
			events: []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"}},
		{name: "timestamp", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2030-01-01T00:00:00Z","End":true}}}`},
		{name: "seconds path", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, input: `{"s":5}`},
		{name: "seconds path string", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, input: `{"s":"5"}`},
		{name: "seconds path negative", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, input: `{"s":-1}`,
			status: StatusFailed, err: "States.Runtime", cause: "The SecondsPath parameter references a negative value: $.s == -1"},
		{name: "seconds path fraction", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, input: `{"s":1.5}`,
			status: StatusFailed, err: "States.Runtime", cause: "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"},
		{name: "seconds path missing", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`,
			status: StatusFailed, err: "States.Runtime", cause: "The SecondsPath parameter does not reference an input value: $.s"},
		{name: "timestamp path invalid", def: `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","End":true}}}`, input: `{"t":"2016-12-05 21:29:29Z"}`,
			status: StatusFailed, err: "States.Runtime", cause: "does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05 21:29:29Z"},
	})
}

func TestWaitSleepsUntilTime(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	p := ex.Pending()
	require.Len(t, p, 1)
	sl := p[0].(*Sleep)
	require.Equal(t, testStart.Add(30e9), sl.Until)
	d, ok := ex.NextDeadline()
	require.True(t, ok)
	require.Equal(t, sl.Until, d)
	require.Empty(t, ex.Expire(testStart.Add(29e9)))
	require.False(t, ex.Done())
	events := ex.Expire(testStart.Add(30e9))
	require.Equal(t, []string{"WaitStateExited", "ExecutionSucceeded"}, eventTypes(events))
}

func TestTaskState(t *testing.T) {
	t.Parallel()
	fails := func(n int, errName string) taskFunc {
		calls := 0
		return func(inv *Invoke) Result {
			calls++
			if calls <= n {
				return Result{Error: errName, Cause: "boom"}
			}
			return Result{OutputJSON: `{"ok":true}`}
		}
	}
	runStateCases(t, []stateCase{
		{name: "service integration", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.r","End":true}}}`,
			input: `{"a":1}`, tasks: func(inv *Invoke) Result {
				require.Equal(t, "lambda", inv.ResourceType)
				require.Equal(t, "invoke", inv.ResourceName)
				return Result{OutputJSON: `{"Payload":{"x":1},"StatusCode":200}`}
			},
			output: `{"a":1,"r":{"p":{"x":1}}}`,
			events: []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}},
		{name: "legacy lambda", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`,
			input: `{"a":1}`, tasks: echo, output: `{"a":1}`,
			events: []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}},
		{name: "retry then succeed", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Retry":[{"ErrorEquals":["E"],"MaxAttempts":3}],"End":true}}}`,
			tasks: fails(2, "E"), output: `{"ok":true}`,
			events: []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskFailed",
				"TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}},
		{name: "retries exhausted then catch", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1}],"Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.err","Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`,
			input: `{"a":1}`, tasks: fails(5, "E"), output: `{"a":1,"err":{"Error":"E","Cause":"boom"}}`},
		{name: "uncaught", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Catch":[{"ErrorEquals":["Other"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`,
			tasks: fails(5, "E"), status: StatusFailed, err: "E", cause: "boom"},
		{name: "timeout", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","TimeoutSeconds":5,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`,
			tasks: func(*Invoke) Result { return Result{Error: string(ErrTimeout)} }, output: `{"Error":"States.Timeout","Cause":""}`,
			events: []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}},
		{name: "States.ALL does not catch States.Runtime", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","OutputPath":"$.nope","Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`,
			tasks: echo, status: StatusFailed, err: "States.Runtime"},
		{name: "retry count in context", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Retry":[{"ErrorEquals":["E"]}],"ResultSelector":{"n.$":"$$.State.RetryCount"},"End":true}}}`,
			tasks: fails(2, "E"), output: `{"n":2}`},
		{name: "task token", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token"},"End":true}}}`,
			tasks: func(inv *Invoke) Result {
				if inv.ResourceType == "sqs" {
					require.NotEmpty(t, inv.TaskToken)
					require.Equal(t, inv.TaskToken, inv.Parameters.(map[string]any)["t"])
					return Result{OutputJSON: `{"MessageId":"m"}`, Submitted: true}
				}
				return Result{OutputJSON: `"done"`}
			}, output: `"done"`,
			events: []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}},
		{name: "timeout seconds path missing", def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","TimeoutSecondsPath":"$.t","End":true}}}`,
			status: StatusFailed, err: "States.Runtime", cause: "Invalid path '$.t' : No results for path: $['t']"},
	})
}

func TestActivityTask(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:work","HeartbeatSeconds":10,"TimeoutSeconds":100,"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{"x":1}`))
	require.NoError(t, err)
	inv := ex.Pending()[0].(*Invoke)
	require.Equal(t, "activity", inv.Kind)
	require.NotEmpty(t, inv.TaskToken)
	events, err := ex.ActivityStarted(inv.ID, "worker-1", testStart.Add(time.Second))
	require.NoError(t, err)
	require.Equal(t, []string{"ActivityStarted"}, eventTypes(events))
	require.NoError(t, ex.Heartbeat(inv.TaskToken, testStart.Add(5*time.Second)))
	require.Empty(t, ex.Expire(testStart.Add(12*time.Second)))
	events = ex.Expire(testStart.Add(16 * time.Second))
	require.Equal(t, []string{"ActivityTimedOut", "ExecutionFailed"}, eventTypes(events))
	require.Equal(t, string(ErrTimeout), ex.Error()) // AWS records a missed heartbeat as States.Timeout
}

func TestChoiceState(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[
			{"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"},
			{"And":[{"Variable":"$.s","IsPresent":true},{"Variable":"$.s","StringMatches":"a*z"}],"Next":"AZ"},
			{"Not":{"Variable":"$.b","BooleanEquals":true},"Next":"NotTrue"}],
		 "Default":"Def"},
		"Big":{"Type":"Pass","Result":"big","End":true},
		"AZ":{"Type":"Pass","Result":"az","End":true},
		"NotTrue":{"Type":"Pass","Result":"nottrue","End":true},
		"Def":{"Type":"Pass","Result":"default","End":true}}}`
	runStateCases(t, []stateCase{
		{name: "first rule", def: def, input: `{"n":11,"b":true}`, output: `"big"`},
		{name: "and", def: def, input: `{"n":1,"s":"abcz","b":true}`, output: `"az"`},
		{name: "not", def: def, input: `{"n":1,"b":false}`, output: `"nottrue"`},
		{name: "default", def: def, input: `{"n":1,"b":true}`, output: `"default"`,
			events: []string{"ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}},
		{name: "missing variable", def: def, input: `{"b":true}`, status: StatusFailed, err: "States.Runtime",
			cause: "Invalid path '$.n': The choice state's condition path references an invalid value."},
		{name: "no match without default", def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"X"}]},"X":{"Type":"Succeed"}}}`,
			input: `{"n":2}`, status: StatusFailed, err: "States.Runtime", cause: "The state does not point to a next state."},
		{name: "assign in rule", def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Assign":{"v":"one"},"Next":"X"}],"Assign":{"v":"other"},"Default":"X"},"X":{"Type":"Pass","Parameters":{"v.$":"$v"},"End":true}}}`,
			input: `{"n":1}`, output: `{"v":"one"}`},
	})
}

func TestChoiceOperators(t *testing.T) {
	t.Parallel()
	type opCase struct {
		rule  string
		input string
		want  bool
	}
	cases := []opCase{
		{`"StringEquals":"a"`, `"a"`, true}, {`"StringEquals":"a"`, `"b"`, false}, {`"StringEquals":"1"`, `1`, false},
		{`"StringLessThan":"b"`, `"a"`, true}, {`"StringGreaterThan":"b"`, `"c"`, true},
		{`"StringLessThanEquals":"a"`, `"a"`, true}, {`"StringGreaterThanEquals":"b"`, `"a"`, false},
		{`"StringMatches":"log-*.txt"`, `"log-2024.txt"`, true}, {`"StringMatches":"log-*.txt"`, `"log-2024.csv"`, false},
		{`"StringMatches":"a\\*b"`, `"a*b"`, true}, {`"StringMatches":"a\\*b"`, `"axb"`, false},
		{`"StringMatches":"*"`, `""`, true}, {`"StringMatches":"a*b*c"`, `"abbbc"`, true}, {`"StringMatches":"a\\\\b"`, `"a\\b"`, true},
		{`"NumericEquals":1`, `1.0`, true}, {`"NumericEquals":1`, `"1"`, false}, {`"NumericLessThan":1`, `0.5`, true},
		{`"NumericGreaterThan":1`, `2`, true}, {`"NumericLessThanEquals":1`, `1`, true}, {`"NumericGreaterThanEquals":1`, `0`, false},
		{`"BooleanEquals":true`, `true`, true}, {`"BooleanEquals":true`, `"true"`, false},
		{`"TimestampEquals":"2020-01-01T00:00:00Z"`, `"2020-01-01T00:00:00.000Z"`, true},
		{`"TimestampLessThan":"2020-01-01T00:00:00Z"`, `"2019-12-31T23:59:59+00:00"`, true},
		{`"TimestampGreaterThan":"2020-01-01T00:00:00Z"`, `"2020-01-01T01:00:00+02:00"`, false},
		{`"TimestampLessThanEquals":"2020-01-01T00:00:00Z"`, `"2020-01-01T00:00:00Z"`, true},
		{`"TimestampGreaterThanEquals":"2020-01-01T00:00:00Z"`, `"not a date"`, false},
		{`"IsNull":true`, `null`, true}, {`"IsNull":false`, `null`, false}, {`"IsNumeric":true`, `1.5`, true},
		{`"IsString":true`, `"x"`, true}, {`"IsBoolean":true`, `false`, true}, {`"IsTimestamp":true`, `"2020-01-01T00:00:00Z"`, true},
		{`"IsTimestamp":true`, `"2020-01-01"`, false}, {`"IsPresent":true`, `0`, true},
		{`"StringEqualsPath":"$.other"`, `"o"`, true}, {`"NumericLessThanPath":"$.num"`, `1`, true},
		{`"BooleanEqualsPath":"$.t"`, `true`, true}, {`"TimestampLessThanPath":"$.ts"`, `"2000-01-01T00:00:00Z"`, true},
		{`"StringLessThanEqualsPath":"$.other"`, `"a"`, true}, {`"NumericGreaterThanEqualsPath":"$.num"`, `5`, true},
	}
	for _, tc := range cases {
		t.Run(tc.rule+"/"+tc.input, func(t *testing.T) {
			t.Parallel()
			def := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v",` + tc.rule + `,"Next":"Y"}],"Default":"N"},
				"Y":{"Type":"Pass","Result":true,"End":true},"N":{"Type":"Pass","Result":false,"End":true}}}`
			input := `{"v":` + tc.input + `,"other":"o","num":2,"t":true,"ts":"2010-01-01T00:00:00Z"}`
			ex := runDef(t, def, input, nil)
			require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
			jsonEq(t, mustJSON(tc.want), ex.Output())
		})
	}
	t.Run("IsPresent false on missing", func(t *testing.T) {
		t.Parallel()
		def := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.missing","IsPresent":false,"Next":"Y"}],"Default":"N"},
			"Y":{"Type":"Pass","Result":true,"End":true},"N":{"Type":"Pass","Result":false,"End":true}}}`
		ex := runDef(t, def, `{}`, nil)
		jsonEq(t, `true`, ex.Output())
	})
}

func TestGlob(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true}, {"a*", "a", true}, {"*a", "ba", true}, {"*a", "b", false},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false}, {`\*`, "*", true}, {`\*`, "a", false},
		{"**", "", true}, {"ab", "ab", true}, {"ab", "abc", false}, {"*.txt", "a.b.txt", true},
	} {
		require.Equal(t, tc.want, globMatch(compileGlob(tc.pattern), tc.s), "%q ~ %q", tc.pattern, tc.s)
	}
}

func TestVariables(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "assign and read", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Result":{"k":7},"Assign":{"x.$":"$.k","y":"lit","z.$":"States.MathAdd($.k, 1)"},"Next":"B"},
			"B":{"Type":"Pass","Parameters":{"x.$":"$x","y.$":"$y","z.$":"$z"},"End":true}}}`,
			output: `{"x":7,"y":"lit","z":8}`},
		{name: "assign sees old values", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
			"B":{"Type":"Pass","Assign":{"x":2,"old.$":"$x"},"Next":"C"},
			"C":{"Type":"Pass","Parameters":{"x.$":"$x","old.$":"$old"},"End":true}}}`,
			output: `{"x":2,"old":1}`},
		{name: "map iterations read outer variables", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"base":10,"items":[1,2]},"Next":"M"},
			"M":{"Type":"Map","ItemsPath":"$items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $base)"},"End":true}}},"End":true}}}`,
			output: `[{"v":11},{"v":12}]`},
		{name: "iteration assignments stay inside", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},
			"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"x":2},"End":true}}},"Next":"B"},
			"B":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}}`,
			input: `{"items":[1]}`, output: `{"x":1}`},
	})
}

func TestVariablesInExitedEvent(t *testing.T) {
	t.Parallel()
	ex := runDef(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":{"a":1}},"End":true}}}`, `{}`, nil)
	d := ex.History()[2].StateExited()
	require.NotNil(t, d)
	require.Equal(t, map[string]string{"x": `{"a":1}`}, d.AssignedVariables)
	require.NotNil(t, d.AssignedVariablesDetails)
}
