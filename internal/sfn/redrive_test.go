package sfn

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/store"
)

// gateInvoker holds every task until release is closed, then echoes its
// parameters; it fails tasks whose parameters are listed in fail the first
// time it sees them.
type gateInvoker struct {
	release chan struct{}
	mu      sync.Mutex
	calls   int
	fail    map[string]bool
}

func (g *gateInvoker) Invoke(ctx context.Context, task *Task) (asl.Result, error) {
	g.mu.Lock()
	g.calls++
	failNow := g.fail[task.ParametersJSON]
	delete(g.fail, task.ParametersJSON)
	g.mu.Unlock()
	select {
	case <-g.release:
	case <-ctx.Done():
		return asl.Result{}, ctx.Err()
	}
	if failNow {
		return asl.Result{Error: "Boom", Cause: "first time"}, nil
	}
	return asl.Result{OutputJSON: task.ParametersJSON}, nil
}

func (g *gateInvoker) waitCalls(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		g.mu.Lock()
		c := g.calls
		g.mu.Unlock()
		if c >= n {
			return
		}
		require.True(t, time.Now().Before(deadline), "%d calls, want %d", c, n)
		time.Sleep(5 * time.Millisecond)
	}
}

const fanDef = `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"End":true,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"n.$":"$"},"End":true}}}}}}`

// TestUpdateMapRunFromAnotherNode: UpdateMapRun on a node that does not run
// the execution goes through the store; the execution carries on with the
// new concurrency wherever it is claimed.
func TestUpdateMapRunFromAnotherNode(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			gate := &gateInvoker{release: make(chan struct{})}
			opts := Options{Invoker: gate, LeaseTTL: time.Hour, PollInterval: 10 * time.Millisecond}
			stA, stB := open(), open()
			a, b := New(stA, opts), New(stB, opts)
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			defer func() { require.NoError(t, a.Close(context.Background())) }()
			ctx := t.Context()
			smArn, _, err := a.CreateStateMachine(ctx, scope, CreateStateMachineInput{Name: "fan", Definition: fanDef, RoleArn: testRole, Type: "STANDARD"})
			require.NoError(t, err)
			arn, _, err := a.StartExecution(ctx, StartExecutionInput{StateMachineArn: smArn, Input: `{"items":[1,2,3,4]}`})
			require.NoError(t, err)
			gate.waitCalls(t, 1)
			runs, _, err := b.ListMapRuns(ctx, arn, "", 0)
			require.NoError(t, err)
			require.Len(t, runs, 1)

			four := int64(4)
			require.NoError(t, b.UpdateMapRun(ctx, runs[0].MapRunArn, &four, nil, nil))
			gate.waitCalls(t, 4) // the three others start (the first is invoked again where it was in flight)
			mr, err := b.DescribeMapRun(ctx, runs[0].MapRunArn)
			require.NoError(t, err)
			require.Equal(t, int64(4), mr.MaxConcurrency)
			close(gate.release)
			waitAll(t, stB, []string{arn}, 30*time.Second)
			row, err := stB.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: arn})
			require.NoError(t, err)
			require.Equal(t, store.ExecutionSucceeded, row.Status, row.Cause)
			require.JSONEq(t, `[{"n":1},{"n":2},{"n":3},{"n":4}]`, row.Output)
			mr, err = b.DescribeMapRun(ctx, runs[0].MapRunArn)
			require.NoError(t, err)
			require.Equal(t, "SUCCEEDED", mr.Status)
			require.Equal(t, MapRunCounts{Succeeded: 4, Total: 4}, mr.ExecutionCounts)
		})
	}
}

// TestRedriveResumesOnAnotherNode: a redriven execution is durable like any
// other: the node that redrove it dies, another finishes it.
func TestRedriveResumesOnAnotherNode(t *testing.T) {
	t.Parallel()
	open := newStoreFactory(t, store.DriverSQLite)
	st1 := open()
	gate := &gateInvoker{release: make(chan struct{}), fail: map[string]bool{`{"n":1}`: true}}
	close(gate.release)
	a := New(st1, Options{Invoker: gate, WaitScale: 0.001, LeaseTTL: time.Hour, PollInterval: 10 * time.Millisecond})
	ctx := t.Context()
	smArn, _, err := a.CreateStateMachine(ctx, scope, CreateStateMachineInput{Name: "redrive", RoleArn: testRole, Type: "STANDARD",
		Definition: `{"StartAt":"Call","States":{
			"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"n":1},"Next":"Nap"},
			"Nap":{"Type":"Wait","Seconds":2000,"End":true}}}`})
	require.NoError(t, err)
	arn, _, err := a.StartExecution(ctx, StartExecutionInput{StateMachineArn: smArn})
	require.NoError(t, err)
	waitAll(t, st1, []string{arn}, 10*time.Second)
	desc, err := a.DescribeExecution(ctx, arn)
	require.NoError(t, err)
	require.Equal(t, "FAILED", desc.Status)
	require.Equal(t, RedriveStatusRedrivable, desc.RedriveStatus)

	date, err := a.RedriveExecution(ctx, arn, "")
	require.NoError(t, err)
	require.False(t, date.IsZero())
	a.abandon() // dies during the Wait (2 s at scale 0.001)
	require.NoError(t, st1.Close())

	st2 := open()
	b := New(st2, Options{Invoker: gate, WaitScale: 0.001, TakeOver: true, PollInterval: 10 * time.Millisecond})
	defer func() { require.NoError(t, b.Close(context.Background())) }()
	waitAll(t, st2, []string{arn}, 30*time.Second)
	desc, err = b.DescribeExecution(ctx, arn)
	require.NoError(t, err)
	require.Equal(t, "SUCCEEDED", desc.Status, desc.Cause)
	require.Equal(t, 1, desc.RedriveCount)
	require.Equal(t, date, desc.RedriveDate)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(desc.Output), &out))
	require.Equal(t, float64(1), out["n"])
	checkContiguous(t, st2, arn)
}

func checkContiguous(t *testing.T, st store.Store, arn string) {
	t.Helper()
	res, err := st.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: arn, Limit: store.MaxListLimit})
	require.NoError(t, err)
	var types []string
	for i, ev := range res.Events {
		require.Equal(t, int64(i+1), ev.ID)
		var e struct {
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(ev.Body, &e))
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed",
		"ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
		"WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"}, types)
}
