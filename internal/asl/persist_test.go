package asl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

const persistDef = `{"StartAt":"Init","States":{
	"Init":{"Type":"Pass","Assign":{"base":100},"Result":{"items":[1,2,3],"wait":2},"Next":"Each"},
	"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"StartAt":"Work","States":{
			"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"n.$":"$.v","b.$":"$base"},
				"Retry":[{"ErrorEquals":["Flaky"],"MaxAttempts":2,"IntervalSeconds":3}],"ResultSelector":{"n.$":"$.n"},"Next":"Nap"},
			"Nap":{"Type":"Wait","Seconds":5,"End":true}}},
		"ResultPath":"$.done","Next":"Both"},
	"Both":{"Type":"Parallel","Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token"},"End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Wait","SecondsPath":"$.wait","End":true}}}],
	 "ResultPath":"$.both","End":true}}}`

// persistTasks answers the tasks of persistDef deterministically, failing
// each Work item's first attempt.
func persistTasks() taskFunc {
	attempts := map[string]int{}
	return func(inv *Invoke) Result {
		if inv.ResourceType == "sqs" {
			return Result{OutputJSON: `{"MessageId":"m"}`, Submitted: true}
		}
		if inv.StateName == "A" {
			return Result{OutputJSON: `"callback"`}
		}
		key := inv.ParametersJSON
		attempts[key]++
		if attempts[key] == 1 {
			return Result{Error: "Flaky", Cause: "first attempt"}
		}
		return Result{OutputJSON: inv.ParametersJSON}
	}
}

func TestMarshalStateRestore(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(persistDef))
	require.NoError(t, err)

	// Uninterrupted run.
	ref, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	drive(t, ref, persistTasks())
	require.Equal(t, StatusSucceeded, ref.Status(), ref.Cause())
	jsonEq(t, `{"items":[1,2,3],"wait":2,"done":[{"n":1},{"n":2},{"n":3}],"both":["callback",{"items":[1,2,3],"wait":2,"done":[{"n":1},{"n":2},{"n":3}]}]}`, ref.Output())

	// The same run, snapshotting and restoring before every step.
	opts := testOptions(`{}`)
	opts.History = HistoryStream
	ex, events, err := m.Start(opts)
	require.NoError(t, err)
	tasks := persistTasks()
	now := testStart
	for steps := 0; !ex.Done(); steps++ {
		require.Less(t, steps, 1000)
		state, err := ex.MarshalState()
		require.NoError(t, err)
		ex, err = m.Restore(state)
		require.NoError(t, err)
		var more []Event
		switch eff := ex.Pending()[0].(type) {
		case *Sleep:
			if eff.Until.After(now) {
				now = eff.Until
			}
			more, err = ex.Complete(eff.ID, Result{}, now)
		case *Invoke:
			more, err = ex.Complete(eff.ID, tasks(eff), now)
		case *Callback:
			more, err = ex.CompleteToken(eff.Token, tasks(&Invoke{StateName: eff.StateName}), now)
		}
		require.NoError(t, err)
		events = append(events, more...)
	}
	require.Equal(t, ref.Output(), ex.Output())
	want, got := ref.History(), events
	require.Equal(t, len(want), len(got))
	for i := range want {
		wj, _ := json.Marshal(want[i])
		gj, _ := json.Marshal(got[i])
		require.JSONEq(t, string(wj), string(gj), "event %d", i)
	}
}

func TestRestoreRejectsForeignState(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(persistDef))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	state, err := ex.MarshalState()
	require.NoError(t, err)
	other, err := Compile([]byte(`{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}`))
	require.NoError(t, err)
	_, err = other.Restore(state)
	require.Error(t, err)
	_, err = m.Restore([]byte(`{"v":99}`))
	require.Error(t, err)
}
