package asl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var testTokenKey = []byte("0123456789abcdef0123456789abcdef")

func signedOptions(input string) StartOptions {
	o := testOptions(input)
	o.TaskTokenKey = testTokenKey
	return o
}

func TestSignedTaskTokens(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"f","Payload":{"token.$":"$$.Task.Token"}},
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":1}],"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(signedOptions(`{}`))
	require.NoError(t, err)
	inv := ex.Pending()[0].(*Invoke)
	token := inv.TaskToken
	require.Equal(t, token, inv.Parameters.(map[string]any)["Payload"].(map[string]any)["token"])
	arn, ok := TaskTokenExecution(token)
	require.True(t, ok)
	require.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:sm:run-1", arn)
	require.True(t, VerifyTaskToken(testTokenKey, token))
	require.False(t, VerifyTaskToken([]byte("another key"), token))
	require.LessOrEqual(t, len(token), 1024, "SendTaskFailure accepts tokens up to 1024 characters")

	// Any change to the token breaks the signature or the format.
	for i := range token {
		b := []byte(token)
		b[i] = 'A' + (b[i]+1)%26
		if string(b) == token {
			continue
		}
		require.False(t, VerifyTaskToken(testTokenKey, string(b)), "flipped byte %d", i)
	}
	for _, bad := range []string{"", "NoSuchTaskToken", "AQ", token[:len(token)-4]} {
		_, ok := TaskTokenExecution(bad)
		require.False(t, ok, bad)
		require.False(t, VerifyTaskToken(testTokenKey, bad), bad)
	}

	// A retry gets a new token; the old one no longer names a pending task.
	_, err = ex.Complete(inv.ID, Result{Error: "Boom"}, testStart)
	require.NoError(t, err)
	ex.Expire(testStart.Add(time.Second))
	inv2 := ex.Pending()[0].(*Invoke)
	require.NotEqual(t, token, inv2.TaskToken)
	require.False(t, ex.HasToken(token))
	require.True(t, ex.HasToken(inv2.TaskToken))

	// The key and the token counter survive MarshalState/Restore.
	state, err := ex.MarshalState()
	require.NoError(t, err)
	ex2, err := m.Restore(state)
	require.NoError(t, err)
	require.True(t, ex2.HasToken(inv2.TaskToken))
	_, err = ex2.Complete(inv2.ID, Result{Error: "Boom"}, testStart.Add(2*time.Second))
	require.NoError(t, err)
	ex2.Expire(testStart.Add(4 * time.Second))
	inv3 := ex2.Pending()[0].(*Invoke)
	require.NotEqual(t, inv2.TaskToken, inv3.TaskToken)
	require.True(t, VerifyTaskToken(testTokenKey, inv3.TaskToken))
}

func TestHeartbeatTimeoutIsStatesTimeout(t *testing.T) {
	t.Parallel()
	def := func(errorEquals string) string {
		return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"HeartbeatSeconds":5,"Parameters":{"t.$":"$$.Task.Token"},
			"Catch":[{"ErrorEquals":["` + errorEquals + `"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`
	}
	for _, tc := range []struct {
		catch  string
		caught bool
	}{
		{"States.HeartbeatTimeout", true},
		{"States.Timeout", true},
		{"States.ALL", true},
		{"States.TaskFailed", false},
	} {
		t.Run(tc.catch, func(t *testing.T) {
			t.Parallel()
			m, err := Compile([]byte(def(tc.catch)))
			require.NoError(t, err)
			ex, _, err := m.Start(testOptions(`{}`))
			require.NoError(t, err)
			inv := ex.Pending()[0].(*Invoke)
			events, err := ex.Complete(inv.ID, Result{OutputJSON: `{"MessageId":"m"}`, Submitted: true}, testStart)
			require.NoError(t, err)
			require.Equal(t, []string{"TaskSubmitted"}, eventTypes(events))
			require.NoError(t, ex.Heartbeat(inv.TaskToken, testStart.Add(4*time.Second)))
			require.Empty(t, ex.Expire(testStart.Add(8*time.Second)), "the heartbeat moved the deadline")
			events = ex.Expire(testStart.Add(9 * time.Second))
			require.Equal(t, "TaskTimedOut", string(events[0].Type))
			d := events[0].Details.(*TaskErrorEventDetails)
			require.Equal(t, "States.Timeout", d.Error)
			require.Empty(t, d.Cause)
			if tc.caught {
				require.Equal(t, StatusSucceeded, ex.Status())
				jsonEq(t, `{"Error":"States.Timeout","Cause":""}`, ex.Output())
			} else {
				require.Equal(t, StatusFailed, ex.Status())
				require.Equal(t, "States.Timeout", ex.Error())
			}
		})
	}
}

func TestCallbackBeforeSubmission(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"f","Payload":{"t.$":"$$.Task.Token"}},"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(signedOptions(`{}`))
	require.NoError(t, err)
	inv := ex.Pending()[0].(*Invoke)
	// The function reports success before its invocation returns.
	events, err := ex.CompleteToken(inv.TaskToken, Result{OutputJSON: `{"ok":1}`}, testStart)
	require.NoError(t, err)
	require.Empty(t, events)
	state, err := ex.MarshalState()
	require.NoError(t, err)
	ex, err = m.Restore(state)
	require.NoError(t, err)
	events, err = ex.Complete(inv.ID, Result{OutputJSON: `{"Payload":null}`, Submitted: true}, testStart)
	require.NoError(t, err)
	require.Equal(t, []string{"TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
	jsonEq(t, `{"ok":1}`, ex.Output())
}

func TestActivityThatDoesNotExist(t *testing.T) {
	t.Parallel()
	const act = "arn:aws:states:us-east-1:123456789012:activity:gone"
	m, err := Compile([]byte(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + act + `",
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`))
	require.NoError(t, err)
	opts := testOptions(`{}`)
	var asked []string
	opts.ActivityExists = func(a string) bool { asked = append(asked, a); return false }
	ex, events, err := m.Start(opts)
	require.NoError(t, err)
	require.Equal(t, []string{act}, asked)
	require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "ExecutionFailed"}, eventTypes(events))
	require.Equal(t, "States.Runtime", ex.Error())
	require.Equal(t, "An error occurred while executing the state 'A' (entered at the event id #2). The activity "+act+" does not exist.", ex.Cause())
}
