package sfnapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sfn"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/sfntask"
)

// flakyLambda fails the first call of each function (an unhandled
// "Glitch"), then returns the payload.
type flakyLambda struct {
	mu    sync.Mutex
	calls map[string]int
	after func(fn string) // runs before a first call fails
}

func (f *flakyLambda) InvokeFunction(ctx context.Context, req *sfn.LambdaRequest) (*sfntask.LambdaReply, *sfntask.LambdaAPIError, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[req.Call.FunctionName]++
	n := f.calls[req.Call.FunctionName]
	f.mu.Unlock()
	if n == 1 && f.after != nil {
		f.after(req.Call.FunctionName) // e.g. wait for another task's answer
	}
	if n == 1 {
		return &sfntask.LambdaReply{StatusCode: 200, FunctionError: "Unhandled",
			Payload: []byte(`{"errorType":"Glitch","errorMessage":"first call fails"}`), RequestID: "req-1"}, nil, nil
	}
	return &sfntask.LambdaReply{StatusCode: 200, Payload: req.Call.Payload, RequestID: "req-2"}, nil, nil
}

func (f *flakyLambda) count(fn string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[fn]
}

func redrivable(t *testing.T, desc *awssfn.DescribeExecutionOutput) {
	t.Helper()
	require.Equal(t, sfntypes.ExecutionRedriveStatusRedrivable, desc.RedriveStatus)
	require.Nil(t, desc.RedriveStatusReason)
}

func TestRedriveAfterFailedLambdaTask(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := &flakyLambda{}
		// The branches run concurrently: "shaky" fails only once
		// "steady" has answered, else the Parallel would abort the
		// steady branch and a redrive would rightly run it again.
		steady := "arn:aws:lambda:us-east-1:000000000000:function:steady"
		fl.after = func(fn string) {
			if fn != "shaky" {
				return
			}
			for deadline := time.Now().Add(30 * time.Second); fl.count(steady) < 2 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // and its result reached the run
		}
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl })
		ctx := t.Context()
		smArn := e.createMachine(t, "flaky", definition(t, map[string]any{
			"StartAt": "Prep", "States": map[string]any{
				"Prep": map[string]any{"Type": "Pass", "Result": "ready", "ResultPath": "$.prep", "Next": "Both"},
				"Both": map[string]any{"Type": "Parallel", "ResultPath": "$.both", "Next": "Call", "Branches": []any{
					map[string]any{"StartAt": "Steady", "States": map[string]any{
						"Steady": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:steady", "End": true}}},
					map[string]any{"StartAt": "Shaky", "States": map[string]any{
						"Shaky": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
							"Parameters": map[string]any{"FunctionName": "shaky", "Payload": map[string]any{"b": 2}},
							"OutputPath": "$.Payload", "End": true}}}}},
				"Call": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:last",
					"InputPath": "$.prep", "ResultPath": "$.last", "End": true}}}), "")
		// "steady" fails the first time too: answer it once before.
		_, _, _ = fl.InvokeFunction(ctx, &sfn.LambdaRequest{Call: sfntask.LambdaCall{FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:steady"}})

		execArn := e.startExecution(t, smArn, "first", `{"a":1}`)
		failed := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, failed.Status)
		require.Equal(t, "Glitch", *failed.Error)
		require.Equal(t, int32(0), *failed.RedriveCount)
		require.Nil(t, failed.RedriveDate)
		redrivable(t, failed)
		before := e.history(t, execArn, 0, false)

		// Redrive: the Parallel reruns only its failed branch, then the
		// last task fails once more; a second redrive finishes.
		out, err := e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn), ClientToken: aws.String("tok-1")})
		require.NoError(t, err)
		require.WithinDuration(t, time.Now(), *out.RedriveDate, time.Minute)
		again := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, again.Status)
		require.Equal(t, int32(1), *again.RedriveCount)
		require.Equal(t, out.RedriveDate.UnixMilli(), again.RedriveDate.UnixMilli())
		require.Equal(t, 2, fl.count("shaky"))
		require.Equal(t, 2, fl.count("arn:aws:lambda:us-east-1:000000000000:function:steady"), "the branch that succeeded did not run again")
		require.Equal(t, 1, fl.count("arn:aws:lambda:us-east-1:000000000000:function:last"))

		// The same client token is idempotent; a new one redrives again.
		same, err := e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn), ClientToken: aws.String("tok-1")})
		require.NoError(t, err)
		require.Equal(t, out.RedriveDate.UnixMilli(), same.RedriveDate.UnixMilli())
		_, err = e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn), ClientToken: aws.String("tok-2")})
		require.NoError(t, err)
		done := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, done.Status, "%v", done.Cause)
		require.JSONEq(t, `{"a":1,"prep":"ready","both":[{"a":1,"prep":"ready"},{"b":2}],"last":"ready"}`, *done.Output)
		require.Equal(t, int32(2), *done.RedriveCount)
		require.Equal(t, sfntypes.ExecutionRedriveStatusNotRedrivable, done.RedriveStatus)
		require.Equal(t, "Execution is SUCCEEDED and cannot be redriven.", *done.RedriveStatusReason)

		events := e.history(t, execArn, 0, false)
		requireContiguous(t, events)
		require.Equal(t, before, events[:len(before)], "a redrive appends to the history")
		var redriven []int32
		entered := map[string]int{}
		for _, ev := range events {
			if ev.Type == sfntypes.HistoryEventTypeExecutionRedriven {
				redriven = append(redriven, *ev.ExecutionRedrivenEventDetails.RedriveCount)
			}
			if ev.StateEnteredEventDetails != nil {
				entered[*ev.StateEnteredEventDetails.Name]++
			}
		}
		require.Equal(t, []int32{1, 2}, redriven)
		require.Equal(t, map[string]int{"Prep": 1, "Both": 2, "Steady": 1, "Shaky": 2, "Call": 2}, entered)

		_, err = e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn)})
		require.Equal(t, "ExecutionNotRedrivable", apiCode(t, err))
		require.Equal(t, "Execution is SUCCEEDED and cannot be redriven.", apiMessage(t, err))

		// ListExecutions by redrive.
		other := e.startExecution(t, smArn, "other", `{}`)
		e.waitDone(t, other)
		list := func(f sfntypes.ExecutionRedriveFilter) []string {
			res, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), RedriveFilter: f})
			require.NoError(t, err)
			var names []string
			for _, x := range res.Executions {
				names = append(names, *x.Name)
			}
			return names
		}
		require.Equal(t, []string{"first"}, list(sfntypes.ExecutionRedriveFilterRedriven))
		require.Equal(t, []string{"other"}, list(sfntypes.ExecutionRedriveFilterNotRedriven))
		require.ElementsMatch(t, []string{"first", "other"}, list(""))
		res, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), RedriveFilter: sfntypes.ExecutionRedriveFilterRedriven})
		require.NoError(t, err)
		require.Equal(t, int32(2), *res.Executions[0].RedriveCount)
		require.NotNil(t, res.Executions[0].RedriveDate)
	})
}

func TestRedriveMockedTaskAndStoppedExecution(t *testing.T) {
	t.Parallel()
	cfg, err := sfnmock.Parse([]byte(`{
		"StateMachines": {"mocked-redrive": {"TestCases": {"FailOnce": {"Call": "FailThenOk"}}}},
		"MockedResponses": {"FailThenOk": {
			"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}},
			"1": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}}}}`))
	require.NoError(t, err)
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.MockConfig = cfg })
		ctx := t.Context()
		smArn := e.createMachine(t, "mocked-redrive", definition(t, map[string]any{
			"StartAt": "Call", "States": map[string]any{
				"Call": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
					"Parameters": map[string]any{"FunctionName": "f"}, "OutputPath": "$.Payload", "End": true}}}), "")
		execArn := e.startExecution(t, smArn+"#FailOnce", "", `{}`)
		require.Equal(t, sfntypes.ExecutionStatusFailed, e.waitDone(t, execArn).Status)
		_, err := e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"ok": true}`, *desc.Output)

		// A stopped execution resumes its Wait; a running one is refused.
		waitArn := e.createMachine(t, "waits", definition(t, map[string]any{
			"StartAt": "W", "States": map[string]any{"W": map[string]any{"Type": "Wait", "Seconds": 3000, "End": true}}}), "")
		stopped := e.startExecution(t, waitArn, "stopped", `{"k":"v"}`)
		_, err = e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(stopped)})
		require.Equal(t, "ExecutionNotRedrivable", apiCode(t, err))
		require.Equal(t, "Execution is RUNNING and cannot be redriven.", apiMessage(t, err))
		running, err := e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(stopped)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.ExecutionRedriveStatusNotRedrivable, running.RedriveStatus)
		_, err = e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(stopped)})
		require.NoError(t, err)
		redrivable(t, e.waitDone(t, stopped))
		_, err = e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(stopped)})
		require.NoError(t, err)
		desc = e.waitDone(t, stopped)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"k":"v"}`, *desc.Output)
		events := e.history(t, stopped, 0, false)
		requireContiguous(t, events)
		require.Equal(t, []string{"ExecutionStarted", "WaitStateEntered", "ExecutionAborted", "ExecutionRedriven",
			"WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"}, eventTypes(events))

		// Errors.
		for _, c := range []struct{ arn, code string }{
			{smArn, "InvalidArn"},
			{"arn:aws:states:us-east-1:000000000000:execution:waits:nope", "ExecutionDoesNotExist"},
			{"not-an-arn", "InvalidArn"},
		} {
			_, err := e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(c.arn)})
			require.Equal(t, c.code, apiCode(t, err), c.arn)
		}
		status, body := e.call(t, "RedriveExecution", `{"executionArn": "`+stopped+`", "clientToken": "has space"}`)
		require.Equal(t, 400, status)
		require.Equal(t, "ValidationException", body["__type"])
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(waitArn), StatusFilter: sfntypes.ExecutionStatusPendingRedrive})
		require.Equal(t, "ValidationException", apiCode(t, err))
	})
}
