package asl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const distributedDef = `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"Label":"Fan",
	"ToleratedFailureCount":1,"End":true,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`

func TestMapRunsAndUpdateMapRun(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(distributedDef))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{"items":[1,2,3,4,5,6]}`))
	require.NoError(t, err)

	runs := ex.MapRuns()
	require.Len(t, runs, 1)
	r := runs[0]
	require.Regexp(t, `^arn:aws:states:us-east-1:123456789012:mapRun:sm/Fan:[0-9a-f-]{36}$`, r.Arn)
	require.Equal(t, MapRunRunning, r.Status)
	require.Equal(t, "Each", r.StateName)
	require.Equal(t, testStart, r.StartTime)
	require.Equal(t, int64(1), r.MaxConcurrency)
	require.Equal(t, int64(1), r.ToleratedFailureCount)
	require.Equal(t, MapRunCounts{Running: 1, Pending: 5, Total: 6}, r.Executions)
	require.Equal(t, r.Executions, r.Items)
	require.Len(t, ex.Pending(), 1)

	// More concurrency starts more child executions at once.
	now := testStart.Add(time.Second)
	three := int64(3)
	_, err = ex.UpdateMapRun(r.Arn, &three, nil, nil, now)
	require.NoError(t, err)
	require.Len(t, ex.Pending(), 3)
	_, err = ex.UpdateMapRun(r.Arn+"x", &three, nil, nil, now)
	require.ErrorIs(t, err, ErrUnknownMapRun)

	// One failure is tolerated; the second ends the Map Run.
	answer := func(fail bool) {
		t.Helper()
		inv := ex.Pending()[0].(*Invoke)
		res := Result{OutputJSON: inv.ParametersJSON}
		if fail {
			res = Result{Error: "Boom"}
		}
		_, err := ex.Complete(inv.ID, res, now)
		require.NoError(t, err)
	}
	answer(false)
	answer(true)
	runs = ex.MapRuns()
	require.Len(t, runs, 1)
	require.Equal(t, MapRunCounts{Succeeded: 1, Failed: 1, Running: 3, Pending: 1, Total: 6}, runs[0].Executions)
	answer(true)
	require.Equal(t, StatusFailed, ex.Status())
	require.Equal(t, "States.ExceedToleratedFailureThreshold", ex.Error())
	runs = ex.MapRuns()
	require.Len(t, runs, 1)
	require.Equal(t, MapRunFailed, runs[0].Status)
	require.Equal(t, now, runs[0].StopTime)
	require.Equal(t, MapRunCounts{Succeeded: 1, Failed: 2, Aborted: 2, Pending: 1, Total: 6}, runs[0].Executions)
	require.Empty(t, ex.MapRuns(), "an ended Map Run is reported once")

	// A redrive reruns the Map Run.
	state, err := ex.MarshalState()
	require.NoError(t, err)
	later := now.Add(time.Minute)
	re, _, err := m.Redrive(state, later)
	require.NoError(t, err)
	runs = re.MapRuns()
	require.Len(t, runs, 1)
	require.Equal(t, MapRunRunning, runs[0].Status)
	require.Equal(t, 1, runs[0].RedriveCount)
	require.Equal(t, later, runs[0].RedriveTime)
	require.Equal(t, int64(3), runs[0].Executions.Running, "the updated concurrency is kept")
	require.Equal(t, int64(1), runs[0].Executions.Succeeded)
	for !re.Done() {
		inv := re.Pending()[0].(*Invoke)
		_, err := re.Complete(inv.ID, Result{OutputJSON: inv.ParametersJSON}, later)
		require.NoError(t, err)
	}
	require.Equal(t, StatusSucceeded, re.Status())
	jsonEq(t, `[1,2,3,4,5,6]`, re.Output())
	runs = re.MapRuns()
	require.Len(t, runs, 1)
	require.Equal(t, MapRunSucceeded, runs[0].Status)
	require.Equal(t, MapRunCounts{Succeeded: 6, Total: 6}, runs[0].Executions)
}

func TestMapRunAbortedWithExecution(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
		"ItemBatcher":{"MaxItemsPerBatch":2},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
			"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{"items":[1,2,3,4,5]}`))
	require.NoError(t, err)
	runs := ex.MapRuns()
	require.Equal(t, MapRunCounts{Running: 3, Total: 3}, runs[0].Executions, "three batches")
	require.Equal(t, MapRunCounts{Running: 5, Total: 5}, runs[0].Items)
	ex.Stop("Stopped", "", testStart.Add(time.Second))
	runs = ex.MapRuns()
	require.Len(t, runs, 1)
	require.Equal(t, MapRunAborted, runs[0].Status)
	require.Equal(t, testStart.Add(time.Second), runs[0].StopTime)
	require.Equal(t, MapRunCounts{Aborted: 5, Total: 5}, runs[0].Items)
}
