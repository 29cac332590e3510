package asl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chain renders events as "id:type<-prev" for compact comparisons.
func chain(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = itoaTest(int(e.ID)) + ":" + string(e.Type) + "<-" + itoaTest(int(e.PreviousEventID))
	}
	return out
}

// The expected chains below are those of histories recorded on AWS
// (LocalStack's test_base_scenarios snapshots of test_map_state,
// test_map_state_catch, test_map_state_retry and test_parallel_state).
func TestPreviousEventIDs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		def   string
		input string
		want  []string
	}{
		{
			name: "map",
			def: `{"StartAt":"Start","States":{"Start":{"Type":"Pass","Result":[1,"Hello"],"ResultPath":"$.arr","Next":"MapState"},
				"MapState":{"Type":"Map","ResultPath":null,"InputPath":"$.arr","MaxConcurrency":1,
					"ItemProcessor":{"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},"Next":"Final"},
				"Final":{"Type":"Pass","End":true}}}`,
			want: []string{"1:ExecutionStarted<-0", "2:PassStateEntered<-0", "3:PassStateExited<-2", "4:MapStateEntered<-3",
				"5:MapStateStarted<-4", "6:MapIterationStarted<-5", "7:PassStateEntered<-6", "8:PassStateExited<-7",
				"9:MapIterationSucceeded<-8", "10:MapIterationStarted<-8", "11:PassStateEntered<-10", "12:PassStateExited<-11",
				"13:MapIterationSucceeded<-12", "14:MapStateSucceeded<-13", "15:MapStateExited<-13", "16:PassStateEntered<-15",
				"17:PassStateExited<-16", "18:ExecutionSucceeded<-17"},
		},
		{
			name: "map catch",
			def: `{"StartAt":"Start","States":{"Start":{"Type":"Pass","Result":[1],"ResultPath":"$.arr","Next":"MapState"},
				"MapState":{"Type":"Map","ResultPath":null,"InputPath":"$.arr","MaxConcurrency":1,
					"ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}},
					"Catch":[{"ErrorEquals":["E"],"Next":"Caught"}],"Next":"Final"},
				"Caught":{"Type":"Pass","End":true},"Final":{"Type":"Pass","End":true}}}`,
			want: []string{"1:ExecutionStarted<-0", "2:PassStateEntered<-0", "3:PassStateExited<-2", "4:MapStateEntered<-3",
				"5:MapStateStarted<-4", "6:MapIterationStarted<-5", "7:FailStateEntered<-6", "8:MapIterationFailed<-7",
				"9:MapStateFailed<-7", "10:MapStateExited<-9", "11:PassStateEntered<-10", "12:PassStateExited<-11",
				"13:ExecutionSucceeded<-12"},
		},
		{
			name: "map retry",
			def: `{"StartAt":"Start","States":{"Start":{"Type":"Pass","Result":[1],"ResultPath":"$.arr","Next":"MapState"},
				"MapState":{"Type":"Map","ResultPath":null,"InputPath":"$.arr","MaxConcurrency":1,
					"ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}},
					"Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}],"Next":"Final"},
				"Final":{"Type":"Pass","End":true}}}`,
			want: []string{"1:ExecutionStarted<-0", "2:PassStateEntered<-0", "3:PassStateExited<-2", "4:MapStateEntered<-3",
				"5:MapStateStarted<-4", "6:MapIterationStarted<-5", "7:FailStateEntered<-6", "8:MapIterationFailed<-7",
				"9:MapStateStarted<-7", "10:MapIterationStarted<-9", "11:FailStateEntered<-10", "12:MapIterationFailed<-11",
				"13:MapStateFailed<-11", "14:ExecutionFailed<-13"},
		},
		{
			name: "parallel",
			def: `{"StartAt":"Load","States":{"Load":{"Type":"Pass","Result":[1,2],"Next":"P"},
				"P":{"Type":"Parallel","End":true,"Branches":[
					{"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}},
					{"StartAt":"B2","States":{"B2":{"Type":"Pass","End":true}}}]}}}`,
			want: []string{"1:ExecutionStarted<-0", "2:PassStateEntered<-0", "3:PassStateExited<-2", "4:ParallelStateEntered<-3",
				"5:ParallelStateStarted<-4", "6:PassStateEntered<-5", "7:PassStateExited<-6", "8:PassStateEntered<-5",
				"9:PassStateExited<-8", "10:ParallelStateSucceeded<-9", "11:ParallelStateExited<-9", "12:ExecutionSucceeded<-11"},
		},
		{
			name: "task retry and catch",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",
				"Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},
				"C":{"Type":"Pass","End":true}}}`,
			want: []string{"1:ExecutionStarted<-0", "2:TaskStateEntered<-0", "3:TaskScheduled<-2", "4:TaskStarted<-3",
				"5:TaskFailed<-4", "6:TaskScheduled<-5", "7:TaskStarted<-6", "8:TaskFailed<-7", "9:TaskStateExited<-8",
				"10:PassStateEntered<-9", "11:PassStateExited<-10", "12:ExecutionSucceeded<-11"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			input := tc.input
			if input == "" {
				input = "{}"
			}
			ex := runDef(t, tc.def, input, func(*Invoke) Result { return Result{Error: "E", Cause: "C"} })
			require.Equal(t, tc.want, chain(ex.History()))
		})
	}
}

func TestEventJSONShape(t *testing.T) {
	t.Parallel()
	ex := runDef(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"Parameters":{"FunctionName":"f"},"TimeoutSeconds":30,"End":true}}}`, `{"a":"b"}`, echo)
	h := ex.History()
	want := []string{
		`{"timestamp":1735787045,"type":"ExecutionStarted","id":1,"previousEventId":0,"executionStartedEventDetails":{"input":"{\"a\":\"b\"}","inputDetails":{"truncated":false},"roleArn":"arn:aws:iam::123456789012:role/sfn"}}`,
		`{"timestamp":1735787045,"type":"TaskStateEntered","id":2,"previousEventId":0,"stateEnteredEventDetails":{"name":"T","input":"{\"a\":\"b\"}","inputDetails":{"truncated":false}}}`,
		`{"timestamp":1735787045,"type":"TaskScheduled","id":3,"previousEventId":2,"taskScheduledEventDetails":{"resourceType":"lambda","resource":"invoke","region":"us-east-1","parameters":"{\"FunctionName\":\"f\"}","timeoutInSeconds":30}}`,
		`{"timestamp":1735787045,"type":"TaskStarted","id":4,"previousEventId":3,"taskStartedEventDetails":{"resourceType":"lambda","resource":"invoke"}}`,
		`{"timestamp":1735787045,"type":"TaskSucceeded","id":5,"previousEventId":4,"taskSucceededEventDetails":{"resourceType":"lambda","resource":"invoke","output":"{\"FunctionName\":\"f\"}","outputDetails":{"truncated":false}}}`,
		`{"timestamp":1735787045,"type":"TaskStateExited","id":6,"previousEventId":5,"stateExitedEventDetails":{"name":"T","output":"{\"FunctionName\":\"f\"}","outputDetails":{"truncated":false}}}`,
		`{"timestamp":1735787045,"type":"ExecutionSucceeded","id":7,"previousEventId":6,"executionSucceededEventDetails":{"output":"{\"FunctionName\":\"f\"}","outputDetails":{"truncated":false}}}`,
	}
	require.Len(t, h, len(want))
	for i, e := range h {
		data, err := json.Marshal(e)
		require.NoError(t, err)
		require.JSONEq(t, want[i], string(data))
		var back Event
		require.NoError(t, json.Unmarshal(data, &back))
		require.Equal(t, e.Type, back.Type)
		require.Equal(t, e.ID, back.ID)
		require.True(t, e.Timestamp.Equal(back.Timestamp))
		require.Equal(t, e.Details, back.Details)
	}
}

func TestEventTimestampMillis(t *testing.T) {
	t.Parallel()
	e := Event{Timestamp: time.UnixMilli(1700000000123), Type: EventParallelStateStarted, ID: 3, PreviousEventID: 2}
	data, err := json.Marshal(e)
	require.NoError(t, err)
	require.JSONEq(t, `{"timestamp":1700000000.123,"type":"ParallelStateStarted","id":3,"previousEventId":2}`, string(data))
}

func TestHistoryModes(t *testing.T) {
	t.Parallel()
	def := []byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	m, err := Compile(def)
	require.NoError(t, err)
	for _, mode := range []HistoryMode{HistoryRetain, HistoryStream, HistoryOff} {
		opts := testOptions(`{}`)
		opts.History = mode
		ex, first, err := m.Start(opts)
		require.NoError(t, err)
		sl := ex.Pending()[0].(*Sleep)
		rest, err := ex.Complete(sl.ID, Result{}, sl.Until)
		require.NoError(t, err)
		require.Equal(t, StatusSucceeded, ex.Status())
		require.EqualValues(t, 6, ex.EventCount())
		switch mode {
		case HistoryOff:
			require.Empty(t, first)
			require.Empty(t, rest)
			require.Empty(t, ex.History())
		case HistoryStream:
			require.Len(t, append(first, rest...), 6)
			require.Empty(t, ex.History())
		default:
			require.Equal(t, []string{"ExecutionStarted", "WaitStateEntered"}, eventTypes(first))
			require.Equal(t, []string{"WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, eventTypes(rest))
			require.Len(t, ex.History(), 6)
		}
	}
}

func TestHistoryLimit(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(countingLoop))
	require.NoError(t, err)
	opts := testOptions(`{"limit": 100000}`)
	opts.MaxEvents = 50
	opts.History = HistoryStream
	ex, events, err := m.Start(opts)
	require.NoError(t, err)
	require.Equal(t, StatusFailed, ex.Status())
	require.Equal(t, "States.Runtime", ex.Error())
	require.Contains(t, ex.Cause(), "maximum number of history events (50)")
	require.Len(t, events, 50)
	require.Equal(t, EventExecutionFailed, events[49].Type)
}

func TestStopAndTimeout(t *testing.T) {
	t.Parallel()
	m, err := Compile([]byte(`{"TimeoutSeconds":10,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`))
	require.NoError(t, err)
	ex, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	d, ok := ex.NextDeadline()
	require.True(t, ok)
	require.Equal(t, testStart.Add(10*time.Second), d)
	events := ex.Expire(d)
	require.Equal(t, []string{"ExecutionTimedOut"}, eventTypes(events))
	require.Equal(t, StatusTimedOut, ex.Status())

	ex2, _, err := m.Start(testOptions(`{}`))
	require.NoError(t, err)
	events = ex2.Stop("Stopped", "by test", testStart.Add(time.Second))
	require.Equal(t, []string{"ExecutionAborted"}, eventTypes(events))
	require.Equal(t, StatusAborted, ex2.Status())
	_, err = ex2.Complete("e1", Result{}, testStart)
	require.ErrorIs(t, err, ErrExecutionDone)
}
