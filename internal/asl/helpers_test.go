package asl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var testStart = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func testOptions(input string) StartOptions {
	return StartOptions{
		Input:           input,
		ExecutionArn:    "arn:aws:states:us-east-1:123456789012:execution:sm:run-1",
		StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
		RoleArn:         "arn:aws:iam::123456789012:role/sfn",
		StartTime:       testStart,
		Seed:            1,
	}
}

// taskFunc answers Invoke effects in tests.
type taskFunc func(inv *Invoke) Result

// drive runs ex to the end with a fake clock: Sleeps complete at their
// time, Invokes are answered by tasks (or fail the test when nil), Callbacks
// by callbacks.
func drive(t testing.TB, ex *Execution, tasks taskFunc) time.Time {
	t.Helper()
	now := testStart
	for steps := 0; !ex.Done(); steps++ {
		require.Less(t, steps, 100000, "execution does not finish")
		pending := ex.Pending()
		require.NotEmpty(t, pending, "execution is stuck")
		switch eff := pending[0].(type) {
		case *Sleep:
			if eff.Until.After(now) {
				now = eff.Until
			}
			_, err := ex.Complete(eff.ID, Result{}, now)
			require.NoError(t, err)
		case *Invoke:
			require.NotNil(t, tasks, "unexpected task %s", eff.StateName)
			r := tasks(eff)
			if r.Error == string(ErrTimeout) && !eff.Deadline.IsZero() {
				now = eff.Deadline
				ex.Expire(now)
				continue
			}
			_, err := ex.Complete(eff.ID, r, now)
			require.NoError(t, err)
		case *Callback:
			require.NotNil(t, tasks, "unexpected callback %s", eff.StateName)
			r := tasks(&Invoke{ID: eff.ID, StateName: eff.StateName, TaskToken: eff.Token})
			_, err := ex.CompleteToken(eff.Token, r, now)
			require.NoError(t, err)
		}
	}
	return now
}

// runDef compiles def and runs it with input.
func runDef(t testing.TB, def, input string, tasks taskFunc) *Execution {
	t.Helper()
	m, err := Compile([]byte(def))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(input))
	require.NoError(t, err)
	drive(t, ex, tasks)
	return ex
}

// eventTypes lists the types of events.
func eventTypes(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = string(e.Type)
	}
	return out
}

// jsonEq asserts two JSON texts are equal as values.
func jsonEq(t testing.TB, want, got string) {
	t.Helper()
	require.JSONEq(t, want, got)
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// echo answers every task with its parameters.
func echo(inv *Invoke) Result { return Result{OutputJSON: inv.ParametersJSON} }
