package asl

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMapState(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "inline", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
			"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index","k.$":"$.k"},
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultSelector":{"r.$":"$"},"ResultPath":"$.out","End":true}}}`,
			input: `{"xs":["a","b"],"k":1}`, output: `{"xs":["a","b"],"k":1,"out":{"r":[{"v":"a","i":0,"k":1},{"v":"b","i":1,"k":1}]}}`},
		{name: "legacy iterator and parameters", def: `{"StartAt":"M","States":{"M":{"Type":"Map","Parameters":{"v.$":"$$.Map.Item.Value"},
			"Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `[1,2]`, output: `[{"v":1},{"v":2}]`},
		{name: "empty", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `[]`, output: `[]`,
			events: []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}},
		{name: "items not an array", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{"a":1}`, status: StatusFailed, err: "States.Runtime", cause: "Map state input must be an array"},
		{name: "max concurrency path not a number", def: `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.mc","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{"mc":"x","xs":[]}`, status: StatusFailed, err: "States.Runtime",
			cause:  `The MaxConcurrencyPath field refers to value "x" which is not a valid integer: $.mc`,
			events: []string{"ExecutionStarted", "MapStateEntered", "ExecutionFailed"}},
		{name: "distributed", def: `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"L","MaxConcurrency":2,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `[1,2,3]`, output: `[1,2,3]`,
			events: []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}},
		{name: "distributed tolerated failures", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
				"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"P"},
				"F":{"Type":"Fail","Error":"Bad","Cause":"two"},"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `[1,2,3]`, output: `[1,{"Error":"Bad","Cause":"two"},3]`},
		{name: "distributed threshold exceeded", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailurePercentage":10,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad"}}},"End":true}}}`,
			input: `[1,2,3]`, status: StatusFailed, err: "States.ExceedToleratedFailureThreshold",
			events: []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"}},
		{name: "item batcher", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"b":1}},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `[1,2,3]`, output: `[{"Items":[1,2],"BatchInput":{"b":1}},{"Items":[3],"BatchInput":{"b":1}}]`},
		{name: "tolerated count path invalid", def: `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCountPath":"$.n","ItemsPath":"$.xs",
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{"n":{},"xs":[1]}`, status: StatusFailed, err: "States.Runtime",
			cause:  `The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.n`,
			events: []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "ExecutionFailed"}},
	})
}

func TestMapConcurrencyAndTasks(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`[1,2,3,4,5]`))
	require.NoError(t, err)
	maxSeen := 0
	for !ex.Done() {
		pending := ex.Pending()
		if len(pending) > maxSeen {
			maxSeen = len(pending)
		}
		require.LessOrEqual(t, len(pending), 2)
		// Complete the newest first, to mix the order.
		inv := pending[len(pending)-1].(*Invoke)
		_, err := ex.Complete(inv.ID, Result{OutputJSON: inv.ParametersJSON}, testStart)
		require.NoError(t, err)
	}
	require.Equal(t, 2, maxSeen)
	jsonEq(t, `[1,2,3,4,5]`, ex.Output())
}

func TestMapUnlimitedConcurrencyRunsAllTasks(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`[1,2,3]`))
	require.NoError(t, err)
	require.Len(t, ex.Pending(), 3)
	drive(t, ex, echo)
	jsonEq(t, `[1,2,3]`, ex.Output())
}

func TestMapItemReader(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	ex := runDef(t, def, `{}`, func(inv *Invoke) Result {
		require.Equal(t, "itemReader", inv.Kind)
		require.Equal(t, "arn:aws:states:::s3:getObject", inv.Resource)
		return Result{OutputJSON: `[{"a":1},{"a":2}]`}
	})
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	jsonEq(t, `[{"a":1},{"a":2}]`, ex.Output())

	ex = runDef(t, def, `{}`, func(inv *Invoke) Result { return Result{OutputJSON: `{"not":"a list"}`} })
	require.Equal(t, "States.ItemReaderFailed", ex.Error())
	require.Equal(t, "Attempting to map over non-iterable node.", ex.Cause())
}

func TestParallelState(t *testing.T) {
	t.Parallel()
	runStateCases(t, []stateCase{
		{name: "outputs in branch order", def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","Parameters":{"x.$":"$.x"},"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":5,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"ResultPath":"$.r","End":true}}}`,
			input: `{"x":1}`, output: `{"x":1,"r":["a",{"x":1}]}`},
		{name: "branch failure caught", def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"E","Cause":"C"}}}],
			"Catch":[{"ErrorEquals":["E"],"ResultPath":"$.e","Next":"Z"}],"End":true},"Z":{"Type":"Pass","End":true}}}`,
			output: `{"e":{"Error":"E","Cause":"C"}}`,
			events: []string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateFailed",
				"ParallelStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}},
		{name: "retry", def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"E"}}}],"Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}],"End":true}}}`,
			status: StatusFailed, err: "E",
			events: []string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateStarted",
				"FailStateEntered", "ParallelStateFailed", "ExecutionFailed"}},
	})
}

func TestParallelFailureAbortsOtherBranches(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
		{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}],"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	pending := ex.Pending()
	require.Len(t, pending, 2)
	inv := pending[0].(*Invoke)
	events, err := ex.Complete(inv.ID, Result{Error: "Boom", Cause: "c"}, testStart)
	require.NoError(t, err)
	require.Equal(t, []string{"TaskFailed", "WaitStateAborted", "ParallelStateFailed", "ExecutionFailed"}, eventTypes(events))
	require.Empty(t, ex.Pending())
	_, err = ex.Complete(pending[1].EffectID(), Result{}, testStart)
	require.ErrorIs(t, err, ErrExecutionDone)
}
