package asl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// redriveRun runs def with tasks until it ends, then snapshots it as a
// durable executor does and redrives it with tasks2 to its end. It returns
// both attempts' events (ids continue) and the redriven execution.
func redriveRun(t *testing.T, def, input string, tasks, tasks2 taskFunc) ([]Event, []Event, *Execution) {
	t.Helper()
	m, err := Compile([]byte(def))
	require.NoError(t, err)
	opts := testOptions(input)
	opts.History = HistoryRetain
	ex, _, err := m.Start(opts)
	require.NoError(t, err)
	now := drive(t, ex, tasks)
	require.NotEqual(t, StatusSucceeded, ex.Status())
	first := ex.History()
	state, err := ex.MarshalState()
	require.NoError(t, err)

	re, events, err := m.Redrive(state, now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, EventExecutionRedriven, events[0].Type)
	require.Equal(t, first[len(first)-1].ID+1, events[0].ID, "ids continue after the first attempt")
	require.Equal(t, first[len(first)-1].ID, events[0].PreviousEventID)
	require.JSONEq(t, `{"redriveCount":1}`, mustJSON(events[0].Details))
	require.Equal(t, 1, re.st.Info.RedriveCount)
	all := events
	// Drive the rest, collecting events through a snapshot/restore per
	// step as the executor does.
	for steps := 0; !re.Done(); steps++ {
		require.Less(t, steps, 1000)
		raw, err := re.MarshalState()
		require.NoError(t, err)
		re, err = m.Restore(raw)
		require.NoError(t, err)
		var evs []Event
		switch eff := re.Pending()[0].(type) {
		case *Sleep:
			evs, err = re.Complete(eff.ID, Result{}, eff.Until)
		case *Invoke:
			evs, err = re.Complete(eff.ID, tasks2(eff), now.Add(time.Hour))
		default:
			t.Fatalf("unexpected effect %T", eff)
		}
		require.NoError(t, err)
		all = append(all, evs...)
	}
	for i := 1; i < len(all); i++ {
		require.Equal(t, all[i-1].ID+1, all[i].ID, "contiguous ids")
	}
	return first, all, re
}

// statesEntered lists the names of the *StateEntered events.
func statesEntered(events []Event) []string {
	var out []string
	for _, e := range events {
		if d, ok := e.Details.(*StateEnteredEventDetails); ok {
			out = append(out, d.Name)
		}
	}
	return out
}

func failing(names ...string) taskFunc {
	return func(inv *Invoke) Result {
		for _, n := range names {
			if inv.StateName == n || string(mustJSON(inv.Parameters)) == n {
				return Result{Error: "Boom", Cause: "it broke"}
			}
		}
		return Result{OutputJSON: inv.ParametersJSON}
	}
}

func TestRedriveTask(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Prep","States":{
		"Prep":{"Type":"Pass","Result":"prepared","ResultPath":"$.prep","Next":"Call"},
		"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":1,"IntervalSeconds":1}],"ResultPath":"$.call","Next":"Done"},
		"Done":{"Type":"Pass","End":true}}}`
	first, events, ex := redriveRun(t, def, `{"n":1}`, failing("Call"), failing())
	require.Equal(t, EventExecutionFailed, first[len(first)-1].Type)
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	jsonEq(t, `{"n":1,"prep":"prepared","call":{"n":1,"prep":"prepared"}}`, ex.Output())
	require.Equal(t, []string{"Call", "Done"}, statesEntered(events), "Prep is not run again")
	require.Equal(t, []string{"ExecutionRedriven", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
		"LambdaFunctionSucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, eventTypes(events))
	require.Equal(t, events[0].ID, events[1].PreviousEventID, "the state is entered after ExecutionRedriven")
	jsonEq(t, `{"n":1,"prep":"prepared"}`, events[1].Details.(*StateEnteredEventDetails).Input)
}

func TestRedriveParallelRerunsOnlyFailedBranches(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A1","States":{"A1":{"Type":"Pass","Result":"a","End":true}}},
		{"StartAt":"B1","States":{"B1":{"Type":"Pass","Result":{"b":1},"Next":"B2"},
			"B2":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}},
		{"StartAt":"C1","States":{"C1":{"Type":"Wait","Seconds":100,"End":true}}}]}}}`
	first, events, ex := redriveRun(t, def, `{}`, failing("B2"), failing())
	require.Contains(t, eventTypes(first), "WaitStateAborted", "C was aborted by B's failure")
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	jsonEq(t, `["a",{"b":1},{}]`, ex.Output())
	require.ElementsMatch(t, []string{"Both", "B2", "C1"}, statesEntered(events), "A is kept, B resumes at B2, C reruns")
}

func TestRedriveInlineMapRerunsUnsuccessfulIterations(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items","End":true,
		"ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`
	calls := map[string]int{}
	count := func(fn taskFunc) taskFunc {
		return func(inv *Invoke) Result {
			calls[inv.ParametersJSON]++
			return fn(inv)
		}
	}
	_, events, ex := redriveRun(t, def, `{"items":[1,2,3]}`, count(failing("2")), count(failing()))
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	jsonEq(t, `[1,2,3]`, ex.Output())
	require.Equal(t, map[string]int{"1": 1, "2": 2, "3": 1}, calls, "item 1 ran once; 2 failed then ran again; 3 ran after the redrive")
	require.Equal(t, []string{"Each", "Work", "Work"}, statesEntered(events))
	var started []int
	for _, e := range events {
		if e.Type == EventMapIterationStarted {
			started = append(started, e.Details.(*MapIterationEventDetails).Index)
		}
	}
	require.Equal(t, []int{1, 2}, started)
}

func TestRedriveDistributedMap(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,"ToleratedFailureCount":0,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`
	first, events, ex := redriveRun(t, def, `{"items":[1,2,3,4]}`, failing("3"), failing())
	require.Contains(t, eventTypes(first), "MapRunFailed")
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	jsonEq(t, `[1,2,3,4]`, ex.Output())
	types := eventTypes(events)
	require.Equal(t, []string{"ExecutionRedriven", "MapStateEntered", "MapStateStarted", "MapRunRedriven",
		"MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}, types)
	var runArn string
	for _, e := range first {
		if e.Type == EventMapRunStarted {
			runArn = e.Details.(*MapRunStartedEventDetails).MapRunArn
		}
	}
	require.JSONEq(t, mustJSON(map[string]any{"mapRunArn": runArn, "redriveCount": 1}), mustJSON(events[3].Details))
}

func TestRedriveStoppedWait(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"TimeoutSeconds":60,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{"x":1}`))
	require.NoError(t, err)
	ex.Stop("Stopped", "by test", testStart.Add(time.Second))
	require.Equal(t, StatusAborted, ex.Status())
	state, err := ex.MarshalState()
	require.NoError(t, err)

	later := testStart.Add(time.Hour) // long after the original TimeoutSeconds
	re, events, err := m.Redrive(state, later)
	require.NoError(t, err)
	require.Equal(t, []string{"ExecutionRedriven", "WaitStateEntered"}, eventTypes(events))
	until, ok := re.NextDeadline()
	require.True(t, ok)
	require.Equal(t, later.Add(30*time.Second), until, "the Wait starts over")
	require.Equal(t, later.Add(60*time.Second), re.Deadline(), "TimeoutSeconds counts from the redrive")
	evs := re.Expire(until)
	require.Equal(t, StatusSucceeded, re.Status())
	require.Equal(t, "ExecutionSucceeded", string(evs[len(evs)-1].Type))
	jsonEq(t, `{"x":1}`, re.Output())

	// A succeeded execution cannot be redriven; nor can a redriven one
	// while it runs.
	done, err := re.MarshalState()
	require.NoError(t, err)
	_, _, err = m.Redrive(done, later)
	require.ErrorIs(t, err, ErrNotRedrivable)
}

func TestRedriveKeepsVariables(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Set","States":{
		"Set":{"Type":"Pass","Assign":{"who":"gureum"},"Next":"Call"},
		"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Parameters":{"who.$":"$who"},"End":true}}}`
	_, _, ex := redriveRun(t, def, `{}`, failing("Call"), failing())
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(ex.Output()), &out))
	require.Equal(t, "gureum", out["who"])
}
