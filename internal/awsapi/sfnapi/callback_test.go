package sfnapi_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sfn"
	"github.com/gureum-dev/gureum/internal/sfntask"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

// callbackLambda answers lambda:invoke.waitForTaskToken tasks the way a
// function that hands its token on does: "notify" publishes the token it got
// in its payload and returns; "answer-first" calls SendTaskSuccess itself
// before it returns.
type callbackLambda struct {
	tokens chan string
	client func() *awssfn.Client
}

func newCallbackLambda() *callbackLambda { return &callbackLambda{tokens: make(chan string, 16)} }

func (f *callbackLambda) InvokeFunction(ctx context.Context, req *sfn.LambdaRequest) (*sfntask.LambdaReply, *sfntask.LambdaAPIError, error) {
	var payload struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(req.Call.Payload, &payload); err != nil {
		return nil, nil, err
	}
	switch req.Call.FunctionName {
	case "notify":
		f.tokens <- payload.Token
	case "answer-first":
		if _, err := f.client().SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{
			TaskToken: aws.String(payload.Token), Output: aws.String(`{"answered":"before returning"}`)}); err != nil {
			return nil, nil, err
		}
	default:
		return nil, &sfntask.LambdaAPIError{StatusCode: 404, Code: "ResourceNotFoundException", Message: "Function not found: " + req.Call.FunctionName}, nil
	}
	return &sfntask.LambdaReply{StatusCode: 200, Payload: []byte(`null`), RequestID: "req-1"}, nil, nil
}

// callbackMachine is a lambda:invoke.waitForTaskToken task calling fn with
// the token, caught into Caught for errors named in catch.
func callbackMachine(t *testing.T, fn string, extra map[string]any) string {
	t.Helper()
	task := map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters": map[string]any{"FunctionName": fn, "Payload": map[string]any{"token.$": "$$.Task.Token"}},
		"Catch":      []any{map[string]any{"ErrorEquals": []any{"Rejected"}, "ResultPath": "$.caught", "Next": "Caught"}},
		"End":        true}
	for k, v := range extra {
		task[k] = v
	}
	return definition(t, map[string]any{"StartAt": "Wait", "States": map[string]any{
		"Wait": task, "Caught": map[string]any{"Type": "Pass", "End": true}}})
}

func (f *callbackLambda) token(t *testing.T) string {
	t.Helper()
	select {
	case tok := <-f.tokens:
		return tok
	case <-time.After(30 * time.Second):
		t.Fatal("the function got no token")
		return ""
	}
}

func TestCallbackTasks(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := newCallbackLambda()
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl; o.WaitScale = 1 })
		fl.client = func() *awssfn.Client { return e.client }
		ctx := t.Context()

		// Success: the output becomes the task's result.
		smArn := e.createMachine(t, "callback", callbackMachine(t, "notify", nil), "")
		execArn := e.startExecution(t, smArn, "", `{"n":1}`)
		token := fl.token(t)
		require.NotEmpty(t, token)
		require.LessOrEqual(t, len(token), 1024)
		_, err := e.client.SendTaskHeartbeat(ctx, &awssfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)})
		require.NoError(t, err)
		_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"ok":true}`)})
		require.NoError(t, err)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		require.JSONEq(t, `{"ok":true}`, *desc.Output)
		events := e.history(t, execArn, 0, false)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
		requireContiguous(t, events)
		scheduled := events[2].TaskScheduledEventDetails
		require.Equal(t, "lambda", *scheduled.ResourceType)
		require.Equal(t, "invoke.waitForTaskToken", *scheduled.Resource)
		require.Contains(t, *scheduled.Parameters, token, "the token is in the parameters, as $$.Task.Token")
		submitted := events[4].TaskSubmittedEventDetails
		require.Equal(t, "invoke.waitForTaskToken", *submitted.Resource)
		require.Contains(t, *submitted.Output, `"StatusCode":200`, "the submission is the Invoke response")
		succeeded := events[5].TaskSucceededEventDetails
		require.JSONEq(t, `{"ok":true}`, *succeeded.Output)
		require.Equal(t, "lambda", *succeeded.ResourceType)

		// The token is spent: sending it again is TaskTimedOut.
		_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
		require.Equal(t, "TaskTimedOut", apiCode(t, err))
		require.Equal(t, "Task Timed Out: 'Provided task does not exist anymore'", apiMessage(t, err))
		_, err = e.client.SendTaskHeartbeat(ctx, &awssfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)})
		require.Equal(t, "TaskTimedOut", apiCode(t, err))

		// Failure: error and cause, caught by Catch.
		execArn = e.startExecution(t, smArn, "", `{"n":2}`)
		token = fl.token(t)
		_, err = e.client.SendTaskFailure(ctx, &awssfn.SendTaskFailureInput{TaskToken: aws.String(token),
			Error: aws.String("Rejected"), Cause: aws.String("not today")})
		require.NoError(t, err)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"n":2,"caught":{"Error":"Rejected","Cause":"not today"}}`, *desc.Output)
		events = e.history(t, execArn, 0, false)
		require.Equal(t, "TaskFailed", string(events[5].Type))
		require.Equal(t, "Rejected", *events[5].TaskFailedEventDetails.Error)
		require.Equal(t, "not today", *events[5].TaskFailedEventDetails.Cause)

		// A function that calls back before it returns: the callback waits
		// for the submission, as on AWS.
		smArn = e.createMachine(t, "answer-first", callbackMachine(t, "answer-first", nil), "")
		execArn = e.startExecution(t, smArn, "", `{}`)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		require.JSONEq(t, `{"answered":"before returning"}`, *desc.Output)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(e.history(t, execArn, 0, false)))
	})
}

func TestCallbackTimeouts(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := newCallbackLambda()
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl; o.WaitScale = 1 })
		ctx := t.Context()

		// Heartbeats keep the task alive; once they stop, it times out with
		// States.Timeout (AWS's name for a missed heartbeat in history),
		// which a States.HeartbeatTimeout catcher catches.
		smArn := e.createMachine(t, "heartbeat", callbackMachine(t, "notify", map[string]any{
			"HeartbeatSeconds": 2, "TimeoutSeconds": 600,
			"Catch": []any{map[string]any{"ErrorEquals": []any{"States.HeartbeatTimeout"}, "ResultPath": "$.caught", "Next": "Caught"}}}), "")
		execArn := e.startExecution(t, smArn, "", `{}`)
		token := fl.token(t)
		for range 6 { // 1.5 s of heartbeats, each well inside the 2 s
			time.Sleep(250 * time.Millisecond)
			_, err := e.client.SendTaskHeartbeat(ctx, &awssfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)})
			require.NoError(t, err)
		}
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"caught":{"Error":"States.Timeout","Cause":""}}`, *desc.Output)
		events := e.history(t, execArn, 0, false)
		timedOut := events[5]
		require.Equal(t, "TaskTimedOut", string(timedOut.Type))
		require.Equal(t, "States.Timeout", *timedOut.TaskTimedOutEventDetails.Error)
		require.Nil(t, timedOut.TaskTimedOutEventDetails.Cause)
		require.Equal(t, "invoke.waitForTaskToken", *timedOut.TaskTimedOutEventDetails.Resource)
		require.Equal(t, int64(2), *events[2].TaskScheduledEventDetails.HeartbeatInSeconds)
		require.GreaterOrEqual(t, timedOut.Timestamp.Sub(*events[4].Timestamp), 3*time.Second, "heartbeats moved the deadline")
		_, err := e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
		require.Equal(t, "TaskTimedOut", apiCode(t, err))

		// TimeoutSeconds without a callback: States.Timeout, uncaught.
		smArn = e.createMachine(t, "timeout", callbackMachine(t, "notify", map[string]any{"TimeoutSeconds": 1}), "")
		execArn = e.startExecution(t, smArn, "", `{}`)
		fl.token(t)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "States.Timeout", *desc.Error)
	})
}

// forgedToken builds a token in gureum's format (asl/tasktoken.go) naming
// executionArn, signed with nothing.
func forgedToken(executionArn string) string {
	b := []byte{1}
	b = binary.AppendUvarint(b, uint64(len(executionArn)))
	b = append(b, executionArn...)
	b = binary.AppendUvarint(b, 1)
	b = append(b, make([]byte, 24)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// altered changes the last characters of a token (its signature).
func altered(token string) string {
	if strings.HasSuffix(token, "AA") {
		return token[:len(token)-2] + "BB"
	}
	return token[:len(token)-2] + "AA"
}

func TestTaskTokenErrors(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := newCallbackLambda()
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl })
		ctx := t.Context()
		smArn := e.createMachine(t, "errors", callbackMachine(t, "notify", nil), "")
		execArn := e.startExecution(t, smArn, "", `{}`)
		token := fl.token(t)

		for _, tc := range []struct {
			name, token, code, message string
		}{
			{"garbage", "NoSuchTaskToken", "InvalidToken", "Invalid Token: 'Invalid token'"},
			{"forged for a real execution", forgedToken(execArn), "InvalidToken", "Invalid Token: 'Invalid token'"},
			{"altered", altered(token), "InvalidToken", "Invalid Token: 'Invalid token'"},
			{"unknown execution", forgedToken(execArn + "-gone"), "TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'"},
		} {
			_, err := e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(tc.token), Output: aws.String(`{}`)})
			require.Equal(t, tc.code, apiCode(t, err), tc.name)
			require.Equal(t, tc.message, apiMessage(t, err), tc.name)
			_, err = e.client.SendTaskFailure(ctx, &awssfn.SendTaskFailureInput{TaskToken: aws.String(tc.token)})
			require.Equal(t, tc.code, apiCode(t, err), tc.name)
			_, err = e.client.SendTaskHeartbeat(ctx, &awssfn.SendTaskHeartbeatInput{TaskToken: aws.String(tc.token)})
			require.Equal(t, tc.code, apiCode(t, err), tc.name)
		}

		_, err := e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"unterminated"`)})
		require.Equal(t, "InvalidOutput", apiCode(t, err))
		require.Equal(t, "Invalid Output: 'Output is not valid JSON'", apiMessage(t, err))
		status, body := e.call(t, "SendTaskSuccess", `{"taskToken":"`+token+`"}`)
		require.Equal(t, 400, status)
		require.Equal(t, "ValidationException", body["__type"])
		require.Equal(t, "1 validation error detected: Value null at 'output' failed to satisfy constraint: Member must not be null", body["message"])
		status, body = e.call(t, "SendTaskSuccess", `{"taskToken":"`+token+`","output":"`+strings.Repeat(" ", 262145)+`"}`)
		require.Equal(t, 400, status)
		require.Equal(t, "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144", body["message"])
		status, body = e.call(t, "SendTaskHeartbeat", `{}`)
		require.Equal(t, 400, status)
		require.Equal(t, "1 validation error detected: Value null at 'taskToken' failed to satisfy constraint: Member must not be null", body["message"])
		status, body = e.call(t, "SendTaskFailure", `{"taskToken":"`+token+`","error":"`+strings.Repeat("e", 257)+`"}`)
		require.Equal(t, 400, status)
		require.Equal(t, "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256", body["message"])

		// None of that touched the task.
		_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"fine"`)})
		require.NoError(t, err)
		desc := e.waitDone(t, execArn)
		require.Equal(t, `"fine"`, *desc.Output)
	})
}

// reopenableStore returns a function opening a store on one database: each
// call is a new process's view of the same data.
func reopenableStore(t *testing.T, driver string) func() store.Store {
	t.Helper()
	if driver == store.DriverPostgres {
		schema := testSchema(t)
		return func() store.Store {
			st, err := pgstore.Open(t.Context(), os.Getenv("GUREUM_TEST_POSTGRES"), &pgstore.Options{Schema: schema, MaxConns: 8})
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
	}
	path := filepath.Join(t.TempDir(), "gureum.db")
	return func() store.Store {
		st, err := sqlitestore.Open(t.Context(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
}

// restart stops e's service and store and serves the same data anew.
func (e *env) restart(t *testing.T, open func() store.Store, mutate func(*sfn.Options)) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.svc.Close(ctx))
	require.NoError(t, e.store.Close())
	return startOn(t, open(), mutate)
}

func TestCallbackSurvivesRestart(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		open := reopenableStore(t, driver)
		fl := newCallbackLambda()
		opts := func(o *sfn.Options) { o.Lambda = fl; o.WaitScale = 1 }
		e := startOn(t, open(), opts)
		ctx := t.Context()
		smArn := e.createMachine(t, "durable", callbackMachine(t, "notify", map[string]any{"TimeoutSeconds": 3600}), "")
		execArn := e.startExecution(t, smArn, "", `{"kept":true}`)
		token := fl.token(t)
		actArn := e.createActivity(t, "durable-work")
		actMachine := e.createMachine(t, "durable-activity", definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
			"A": map[string]any{"Type": "Task", "Resource": actArn, "HeartbeatSeconds": 3600, "End": true}}}), "")
		actExec := e.startExecution(t, actMachine, "", `{"work":1}`)
		require.Eventually(t, func() bool { return len(e.history(t, actExec, 0, false)) >= 3 }, 30*time.Second, 10*time.Millisecond)

		e = e.restart(t, open, opts)

		_, err := e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"after":"restart"}`)})
		require.NoError(t, err)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		require.JSONEq(t, `{"after":"restart"}`, *desc.Output)
		requireContiguous(t, e.history(t, execArn, 0, false))

		task, err := e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(actArn), WorkerName: aws.String("w")})
		require.NoError(t, err)
		require.NotNil(t, task.TaskToken)
		require.JSONEq(t, `{"work":1}`, *task.Input)
		_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"worked":true}`)})
		require.NoError(t, err)
		desc = e.waitDone(t, actExec)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		events := e.history(t, actExec, 0, false)
		requireContiguous(t, events)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded",
			"TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
	})
}

// concurrentCallbacks checks many callbacks on one execution's Parallel
// branches at once: each lands exactly once.
func TestConcurrentCallbacks(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := newCallbackLambda()
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl })
		const n = 8
		branches := make([]any, n)
		for i := range branches {
			w := fmt.Sprintf("W%d", i)
			branches[i] = map[string]any{"StartAt": w, "States": map[string]any{w: map[string]any{
				"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
				"Parameters": map[string]any{"FunctionName": "notify", "Payload": map[string]any{"token.$": "$$.Task.Token"}},
				"End":        true}}}
		}
		smArn := e.createMachine(t, "fan-out", definition(t, map[string]any{"StartAt": "P", "States": map[string]any{
			"P": map[string]any{"Type": "Parallel", "Branches": branches, "End": true}}}), "")
		execArn := e.startExecution(t, smArn, "", `{}`)
		var wg sync.WaitGroup
		for i := range n {
			token := fl.token(t)
			wg.Go(func() {
				_, err := e.client.SendTaskSuccess(t.Context(), &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"done"`)})
				if err != nil {
					t.Errorf("callback %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		require.JSONEq(t, `["done","done","done","done","done","done","done","done"]`, *desc.Output)
		requireContiguous(t, e.history(t, execArn, 0, false))
	})
}
