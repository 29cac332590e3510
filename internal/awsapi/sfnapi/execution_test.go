package sfnapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

func TestExecutionRunsAndRecordsHistory(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		def := passChain(t, 5)
		smArn := e.createMachine(t, "chain", def, "")

		out, err := e.client.StartExecution(ctx, &awssfn.StartExecutionInput{
			StateMachineArn: aws.String(smArn), Name: aws.String("첫-실행"), Input: aws.String(`{"who": "gureum"}`),
			TraceHeader: aws.String("Root=1-abc")})
		require.NoError(t, err)
		execArn := "arn:aws:states:us-east-1:000000000000:execution:chain:첫-실행"
		require.Equal(t, execArn, *out.ExecutionArn)

		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"who": "gureum", "last": 4}`, *desc.Output)
		require.Equal(t, `{"who": "gureum"}`, *desc.Input)
		require.Equal(t, "첫-실행", *desc.Name)
		require.Equal(t, smArn, *desc.StateMachineArn)
		require.Equal(t, "Root=1-abc", *desc.TraceHeader)
		require.Equal(t, out.StartDate.UnixMilli(), desc.StartDate.UnixMilli())
		require.False(t, desc.StopDate.Before(*desc.StartDate))
		require.True(t, desc.InputDetails.Included)
		require.Nil(t, desc.Error)

		events := e.history(t, execArn, 0, false)
		requireContiguous(t, events)
		want := []string{"ExecutionStarted"}
		for range 5 {
			want = append(want, "PassStateEntered", "PassStateExited")
		}
		want = append(want, "ExecutionSucceeded")
		require.Equal(t, want, eventTypes(events))
		require.JSONEq(t, `{"who": "gureum"}`, *events[0].ExecutionStartedEventDetails.Input)
		require.Equal(t, roleArn, *events[0].ExecutionStartedEventDetails.RoleArn)
		require.Equal(t, "SAa", *events[1].StateEnteredEventDetails.Name)
		require.JSONEq(t, `{"who": "gureum", "last": 4}`, *events[11].ExecutionSucceededEventDetails.Output)

		// Pages of every size, both orders.
		for _, n := range []int32{1, 2, 5, 11, 12, 1000} {
			require.Equal(t, events, e.history(t, execArn, n, false), "page size %d", n)
			rev := e.history(t, execArn, n, true)
			require.Len(t, rev, len(events))
			for i := range rev {
				require.Equal(t, events[len(events)-1-i].Id, rev[i].Id)
			}
		}

		// Without execution data.
		bare, err := e.client.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{
			ExecutionArn: aws.String(execArn), IncludeExecutionData: aws.Bool(false)})
		require.NoError(t, err)
		require.Len(t, bare.Events, len(events))
		require.Nil(t, bare.Events[0].ExecutionStartedEventDetails.Input)
		require.Equal(t, roleArn, *bare.Events[0].ExecutionStartedEventDetails.RoleArn)
		require.Nil(t, bare.Events[1].StateEnteredEventDetails.Input)
		require.Equal(t, "SAa", *bare.Events[1].StateEnteredEventDetails.Name)

		// The machine changes; the execution keeps what it ran.
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn), Definition: aws.String(passChain(t, 2))})
		require.NoError(t, err)
		forExec, err := e.client.DescribeStateMachineForExecution(ctx, &awssfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		require.Equal(t, def, *forExec.Definition)
		require.Equal(t, "chain", *forExec.Name)
		require.Equal(t, smArn, *forExec.StateMachineArn)
		require.Equal(t, roleArn, *forExec.RoleArn)

		// Errors.
		missing := "arn:aws:states:us-east-1:000000000000:execution:chain:nope"
		_, err = e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(missing)})
		require.Equal(t, "ExecutionDoesNotExist", apiCode(t, err))
		require.Equal(t, "Execution Does Not Exist: '"+missing+"'", apiMessage(t, err))
		_, err = e.client.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(missing)})
		require.Equal(t, "ExecutionDoesNotExist", apiCode(t, err))
		_, err = e.client.DescribeStateMachineForExecution(ctx, &awssfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(missing)})
		require.Equal(t, "ExecutionDoesNotExist", apiCode(t, err))
		_, err = e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(smArn)})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		_, err = e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String("garbage")})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		_, err = e.client.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execArn), NextToken: aws.String("garbage")})
		require.Equal(t, "InvalidToken", apiCode(t, err))
		_, err = e.client.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execArn), MaxResults: 1001})
		require.Equal(t, "ValidationException", apiCode(t, err))
	})
}

func TestStartExecutionErrors(t *testing.T) {
	t.Parallel()
	e := start(t, "sqlite", nil)
	ctx := t.Context()
	smArn := e.createMachine(t, "m", passChain(t, 1), "")
	start := func(smArn, name, input string) error {
		in := &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)}
		if name != "" {
			in.Name = aws.String(name)
		}
		if input != "" {
			in.Input = aws.String(input)
		}
		_, err := e.client.StartExecution(ctx, in)
		return err
	}
	err := start(smArn+"-nope", "", "")
	require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
	require.Equal(t, "State Machine Does Not Exist: '"+smArn+"-nope'", apiMessage(t, err))
	require.Equal(t, "InvalidArn", apiCode(t, start("not-an-arn", "", "")))
	require.Equal(t, "InvalidExecutionInput", apiCode(t, start(smArn, "", `{"a":`)))
	require.Equal(t, "InvalidName", apiCode(t, start(smArn, "a b", "")))
	require.Equal(t, "ValidationException", apiCode(t, start(smArn, strings.Repeat("x", 81), "")))
	err = start(smArn, "", `"`+strings.Repeat("x", 256*1024)+`"`)
	require.Equal(t, "ValidationException", apiCode(t, err))
	require.Contains(t, apiMessage(t, err), "Member must have length less than or equal to 262144")
	require.NoError(t, start(smArn, "", `"`+strings.Repeat("x", 256*1024-2)+`"`), "exactly 256 KiB is allowed")

	// A test case without a mock configuration.
	err = start(smArn+"#HappyPath", "", "")
	require.Equal(t, "InvalidName", apiCode(t, err))
}

func TestStartExecutionIdempotency(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1 })
		ctx := t.Context()
		smArn := e.createMachine(t, "waits", definition(t, map[string]any{
			"StartAt": "W", "States": map[string]any{"W": map[string]any{"Type": "Wait", "SecondsPath": "$.s", "End": true}}}), "")

		first := e.startExecution(t, smArn, "same", `{"s": 3600}`)
		again := e.startExecution(t, smArn, "same", `{"s": 3600}`)
		require.Equal(t, first, again, "same name and input while running: the same execution")

		_, err := e.client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("same"), Input: aws.String(`{"s": 1}`)})
		require.Equal(t, "ExecutionAlreadyExists", apiCode(t, err))
		require.Equal(t, "Execution Already Exists: '"+first+"'", apiMessage(t, err))

		stop, err := e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(first)})
		require.NoError(t, err)
		require.False(t, stop.StopDate.IsZero())
		_, err = e.client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("same"), Input: aws.String(`{"s": 3600}`)})
		require.Equal(t, "ExecutionAlreadyExists", apiCode(t, err), "a closed execution's name stays taken")
	})
}

func TestStopExecution(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1 })
		ctx := t.Context()
		smArn := e.createMachine(t, "long", definition(t, map[string]any{
			"StartAt": "P", "States": map[string]any{
				"P": map[string]any{"Type": "Pass", "Next": "W"},
				"W": map[string]any{"Type": "Wait", "Seconds": 3600, "End": true}}}), "")
		execArn := e.startExecution(t, smArn, "", `{}`)
		require.Eventually(t, func() bool { return len(e.history(t, execArn, 0, false)) >= 4 }, 10*time.Second, 5*time.Millisecond)

		stop, err := e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(execArn),
			Error: aws.String("Operator.Stopped"), Cause: aws.String("no longer needed")})
		require.NoError(t, err)
		desc, err := e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.ExecutionStatusAborted, desc.Status)
		require.Equal(t, "Operator.Stopped", *desc.Error)
		require.Equal(t, "no longer needed", *desc.Cause)
		require.Equal(t, stop.StopDate.UnixMilli(), desc.StopDate.UnixMilli())
		require.Nil(t, desc.Output)

		events := e.history(t, execArn, 0, false)
		requireContiguous(t, events)
		require.Equal(t, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "ExecutionAborted"}, eventTypes(events))
		aborted := events[len(events)-1].ExecutionAbortedEventDetails
		require.Equal(t, "Operator.Stopped", *aborted.Error)
		require.Equal(t, "no longer needed", *aborted.Cause)

		again, err := e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err, "stopping a stopped execution changes nothing")
		require.Equal(t, stop.StopDate.UnixMilli(), again.StopDate.UnixMilli())
		require.Len(t, e.history(t, execArn, 0, false), len(events))

		_, err = e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(execArn + "-nope")})
		require.Equal(t, "ExecutionDoesNotExist", apiCode(t, err))
		_, err = e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(execArn), Error: aws.String(strings.Repeat("e", 257))})
		require.Equal(t, "ValidationException", apiCode(t, err))

		// An execution no run holds (released to the store because its wait is
		// long) is stopped through the store.
		e2 := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1; o.MaxHotWait = time.Millisecond })
		smArn2 := e2.createMachine(t, "long", definition(t, map[string]any{
			"StartAt": "W", "States": map[string]any{"W": map[string]any{"Type": "Wait", "Seconds": 3600, "End": true}}}), "")
		cold := e2.startExecution(t, smArn2, "", `{}`)
		require.Eventually(t, func() bool { return len(e2.history(t, cold, 0, false)) >= 2 }, 10*time.Second, 5*time.Millisecond)
		_, err = e2.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: aws.String(cold), Cause: aws.String("cold")})
		require.NoError(t, err)
		events = e2.history(t, cold, 0, false)
		requireContiguous(t, events)
		require.Equal(t, []string{"ExecutionStarted", "WaitStateEntered", "ExecutionAborted"}, eventTypes(events))
		require.Equal(t, sfntypes.ExecutionStatusAborted, e2.waitDone(t, cold).Status)
	})
}

func TestListExecutions(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1 })
		ctx := t.Context()
		smArn := e.createMachine(t, "lister", definition(t, map[string]any{
			"StartAt": "C", "States": map[string]any{
				"C": map[string]any{"Type": "Choice", "Choices": []any{
					map[string]any{"Variable": "$.fail", "BooleanEquals": true, "Next": "F"},
					map[string]any{"Variable": "$.wait", "BooleanEquals": true, "Next": "W"},
				}, "Default": "P"},
				"F": map[string]any{"Type": "Fail", "Error": "Boom", "Cause": "asked to"},
				"W": map[string]any{"Type": "Wait", "Seconds": 3600, "End": true},
				"P": map[string]any{"Type": "Pass", "End": true}}}), "")
		var names []string
		for i := range 9 {
			input := `{"fail": false, "wait": false}`
			switch i % 3 {
			case 1:
				input = `{"fail": true, "wait": false}`
			case 2:
				input = `{"fail": false, "wait": true}`
			}
			name := fmt.Sprintf("e%d", i)
			arn := e.startExecution(t, smArn, name, input)
			if i%3 != 2 {
				e.waitDone(t, arn)
			}
			names = append([]string{name}, names...) // newest first
			time.Sleep(2 * time.Millisecond)         // distinct start dates
		}
		list := func(status sfntypes.ExecutionStatus, page int32) []string {
			var (
				got   []string
				token *string
			)
			for {
				out, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{
					StateMachineArn: aws.String(smArn), StatusFilter: status, MaxResults: page, NextToken: token})
				require.NoError(t, err)
				for _, it := range out.Executions {
					got = append(got, *it.Name)
					require.Equal(t, smArn, *it.StateMachineArn)
					require.Equal(t, it.Status == sfntypes.ExecutionStatusRunning, it.StopDate == nil)
				}
				if out.NextToken == nil {
					return got
				}
				token = out.NextToken
			}
		}
		require.Equal(t, names, list("", 0))
		require.Equal(t, names, list("", 2))
		require.Equal(t, []string{"e6", "e3", "e0"}, list(sfntypes.ExecutionStatusSucceeded, 1))
		require.Equal(t, []string{"e7", "e4", "e1"}, list(sfntypes.ExecutionStatusFailed, 0))
		require.Equal(t, []string{"e8", "e5", "e2"}, list(sfntypes.ExecutionStatusRunning, 2))
		require.Empty(t, list(sfntypes.ExecutionStatusTimedOut, 0))
		// As AWS documents: PENDING_REDRIVE is for the children of a Map Run.
		_, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{
			StateMachineArn: aws.String(smArn), StatusFilter: sfntypes.ExecutionStatusPendingRedrive})
		require.Equal(t, "ValidationException", apiCode(t, err))

		failed := e.waitDone(t, "arn:aws:states:us-east-1:000000000000:execution:lister:e1")
		require.Equal(t, "Boom", *failed.Error)
		require.Equal(t, "asked to", *failed.Cause)

		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn + "-nope")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), NextToken: aws.String("garbage")})
		require.Equal(t, "InvalidToken", apiCode(t, err))
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), StatusFilter: "DONE"})
		require.Equal(t, "ValidationException", apiCode(t, err))
		expressArn := e.createMachine(t, "express", passChain(t, 1), sfntypes.StateMachineTypeExpress)
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(expressArn)})
		require.Equal(t, "StateMachineTypeNotSupported", apiCode(t, err))
	})
}

func TestWaitAndRetryAreScaledAndDurable(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 0.01 })
		smArn := e.createMachine(t, "waiter", definition(t, map[string]any{
			"StartAt": "W", "States": map[string]any{
				"W": map[string]any{"Type": "Wait", "Seconds": 10, "Next": "T"},
				"T": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:missing",
					"Retry": []any{map[string]any{"ErrorEquals": []any{"States.ALL"}, "IntervalSeconds": 5, "MaxAttempts": 2, "BackoffRate": 2}},
					"Catch": []any{map[string]any{"ErrorEquals": []any{"States.ALL"}, "Next": "Caught"}}, "End": true},
				"Caught": map[string]any{"Type": "Pass", "End": true}}}), "")
		began := time.Now()
		execArn := e.startExecution(t, smArn, "", `{}`)
		desc := e.waitDone(t, execArn)
		require.Less(t, time.Since(began), 5*time.Second, "10 s of Wait and 15 s of backoff at scale 0.01")
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)

		events := e.history(t, execArn, 0, false)
		requireContiguous(t, events)
		var waitEntered, waitExited time.Time
		scheduled := 0
		for _, ev := range events {
			switch ev.Type {
			case sfntypes.HistoryEventTypeWaitStateEntered:
				waitEntered = *ev.Timestamp
			case sfntypes.HistoryEventTypeWaitStateExited:
				waitExited = *ev.Timestamp
			case sfntypes.HistoryEventTypeLambdaFunctionScheduled:
				scheduled++
			case sfntypes.HistoryEventTypeLambdaFunctionFailed:
				require.Equal(t, "Lambda.ResourceNotFoundException", *ev.LambdaFunctionFailedEventDetails.Error)
				require.Contains(t, *ev.LambdaFunctionFailedEventDetails.Cause,
					"Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException")
			}
		}
		require.GreaterOrEqual(t, waitExited.Sub(waitEntered), 10*time.Second, "history shows the full wait")
		require.Equal(t, 3, scheduled, "one attempt and two retries")
		require.GreaterOrEqual(t, desc.StopDate.Sub(*desc.StartDate), 25*time.Second, "virtual time: 10 s wait + 5 s + 10 s backoff")
	})
}

// fakeLambda answers Lambda tasks: Echo returns the payload; Fail raises.
type fakeLambda struct {
	mu    sync.Mutex
	calls map[string]int
}

func (f *fakeLambda) InvokeFunction(ctx context.Context, req *sfn.LambdaRequest) (*sfntask.LambdaReply, *sfntask.LambdaAPIError, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[req.Call.FunctionName]++
	f.mu.Unlock()
	switch {
	case strings.HasSuffix(req.Call.FunctionName, "echo"):
		return &sfntask.LambdaReply{StatusCode: 200, Payload: req.Call.Payload, RequestID: "req-1"}, nil, nil
	case strings.HasSuffix(req.Call.FunctionName, "fail"):
		return &sfntask.LambdaReply{StatusCode: 200, FunctionError: "Unhandled",
			Payload: []byte(`{"errorType":"ValueError","errorMessage":"bad"}`), RequestID: "req-2"}, nil, nil
	case strings.HasSuffix(req.Call.FunctionName, "slow"):
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return &sfntask.LambdaReply{StatusCode: 200, Payload: []byte(`"late"`)}, nil, nil
		}
	}
	return nil, &sfntask.LambdaAPIError{StatusCode: 404, Code: "ResourceNotFoundException", Message: "Function not found: " + req.Call.FunctionName}, nil
}

func TestLambdaTasks(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := &fakeLambda{}
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl; o.WaitScale = 1 })
		smArn := e.createMachine(t, "tasks", definition(t, map[string]any{
			"StartAt": "Echo", "States": map[string]any{
				"Echo": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
					"Parameters": map[string]any{"FunctionName": "echo", "Payload.$": "$"}, "OutputPath": "$.Payload", "Next": "Legacy"},
				"Legacy": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:echo", "Next": "Fail"},
				"Fail": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:fail",
					"Catch": []any{map[string]any{"ErrorEquals": []any{"ValueError"}, "ResultPath": "$.err", "Next": "Done"}}, "End": true},
				"Done": map[string]any{"Type": "Pass", "End": true}}}), "")
		execArn := e.startExecution(t, smArn, "", `{"n": 7}`)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(*desc.Output), &out))
		require.Equal(t, float64(7), out["n"])
		require.Equal(t, "ValueError", out["err"].(map[string]any)["Error"])
		requireContiguous(t, e.history(t, execArn, 0, false))

		// A task's timeout fires while the function runs; the call is
		// canceled.
		smArn = e.createMachine(t, "slow", definition(t, map[string]any{
			"StartAt": "Slow", "States": map[string]any{
				"Slow": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:slow",
					"TimeoutSeconds": 1, "End": true}}}), "")
		execArn = e.startExecution(t, smArn, "", `{}`)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "States.Timeout", *desc.Error)
	})
}

func TestMockConfig(t *testing.T) {
	t.Parallel()
	cfg, err := sfnmock.Parse([]byte(`{
		"StateMachines": {"mocked": {"TestCases": {
			"HappyPath": {"Call": "Ok"},
			"Retries": {"Call": "FailThenOk"}}}},
		"MockedResponses": {
			"Ok": {"0": {"Return": {"StatusCode": 200, "Payload": {"greeting": "hi"}}}},
			"FailThenOk": {
				"0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
				"2": {"Return": {"StatusCode": 200, "Payload": {"greeting": "finally"}}}}}}`))
	require.NoError(t, err)
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.MockConfig = cfg })
		smArn := e.createMachine(t, "mocked", definition(t, map[string]any{
			"StartAt": "Call", "States": map[string]any{
				"Call": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
					"Parameters": map[string]any{"FunctionName": "greeter", "Payload.$": "$"},
					"Retry":      []any{map[string]any{"ErrorEquals": []any{"Lambda.TooManyRequestsException"}, "IntervalSeconds": 1, "MaxAttempts": 3}},
					"OutputPath": "$.Payload", "End": true}}}), "")

		happy := e.waitDone(t, e.startExecution(t, smArn+"#HappyPath", "", `{}`))
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, happy.Status)
		require.JSONEq(t, `{"greeting": "hi"}`, *happy.Output)
		require.Equal(t, smArn, *happy.StateMachineArn)

		retried := e.startExecution(t, smArn+"#Retries", "", `{}`)
		desc := e.waitDone(t, retried)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"greeting": "finally"}`, *desc.Output)
		events := e.history(t, retried, 0, false)
		requireContiguous(t, events)
		failures := 0
		for _, ev := range events {
			if ev.Type == sfntypes.HistoryEventTypeTaskFailed {
				failures++
			}
		}
		require.Equal(t, 2, failures)

		// Without a test case the task goes to Lambda (none here).
		plain := e.waitDone(t, e.startExecution(t, smArn, "", `{}`))
		require.Equal(t, sfntypes.ExecutionStatusFailed, plain.Status)
		require.Equal(t, "Lambda.ResourceNotFoundException", *plain.Error)

		_, err := e.client.StartExecution(t.Context(), &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn + "#Nope")})
		require.Equal(t, "InvalidName", apiCode(t, err))

		// Express machines and StartSyncExecution take test cases too.
		exArn := e.createMachine(t, "mocked-express", definition(t, map[string]any{
			"StartAt": "Call", "States": map[string]any{
				"Call": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
					"Parameters": map[string]any{"FunctionName": "greeter"}, "End": true}}}), sfntypes.StateMachineTypeExpress)
		_, err = e.client.StartSyncExecution(t.Context(), &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(exArn + "#HappyPath")})
		require.Equal(t, "InvalidName", apiCode(t, err), "the test case belongs to another machine")
	})
}

func TestExpressExecutions(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := &fakeLambda{}
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl })
		ctx := t.Context()
		smArn := e.createMachine(t, "fast", passChain(t, 5), sfntypes.StateMachineTypeExpress)

		out, err := e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn),
			Name: aws.String("sync-1"), Input: aws.String(`{"a": 1}`), TraceHeader: aws.String("Root=x")})
		require.NoError(t, err)
		require.Equal(t, sfntypes.SyncExecutionStatusSucceeded, out.Status)
		require.JSONEq(t, `{"a": 1, "last": 4}`, *out.Output)
		require.Equal(t, `{"a": 1}`, *out.Input)
		require.True(t, strings.HasPrefix(*out.ExecutionArn, "arn:aws:states:us-east-1:000000000000:express:fast:sync-1:"), *out.ExecutionArn)
		require.Equal(t, smArn, *out.StateMachineArn)
		require.Equal(t, "sync-1", *out.Name)
		require.Equal(t, "Root=x", *out.TraceHeader)
		require.Equal(t, int64(64), out.BillingDetails.BilledMemoryUsedInMB)
		require.Equal(t, int64(100), out.BillingDetails.BilledDurationInMilliseconds)
		require.False(t, out.StopDate.Before(*out.StartDate))

		// Failures are results, not errors.
		failArn := e.createMachine(t, "fails", definition(t, map[string]any{
			"StartAt": "W", "States": map[string]any{
				"W": map[string]any{"Type": "Wait", "Seconds": 1, "Next": "T"},
				"T": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:fail", "End": true}}}),
			sfntypes.StateMachineTypeExpress)
		out, err = e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(failArn)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.SyncExecutionStatusFailed, out.Status)
		require.Equal(t, "ValueError", *out.Error)
		require.Nil(t, out.Output)

		// METADATA_ONLY leaves out input and output.
		out, err = e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn),
			IncludedData: sfntypes.IncludedDataMetadataOnly})
		require.NoError(t, err)
		require.Nil(t, out.Input)
		require.Nil(t, out.Output)

		// Asynchronous Express executions run in the background; their
		// ARNs are not for DescribeExecution.
		started, err := e.client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Contains(t, *started.ExecutionArn, ":express:fast:")
		_, err = e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		require.Equal(t, "Invalid Arn: 'Resource type not valid in this context: express'", apiMessage(t, err))
		_, err = e.client.StopExecution(ctx, &awssfn.StopExecutionInput{ExecutionArn: started.ExecutionArn})
		require.Equal(t, "InvalidArn", apiCode(t, err))

		// StartSyncExecution is for Express machines only.
		stdArn := e.createMachine(t, "standard", passChain(t, 1), "")
		_, err = e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(stdArn)})
		require.Equal(t, "StateMachineTypeNotSupported", apiCode(t, err))
		_, err = e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn + "x")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		_, err = e.client.StartSyncExecution(ctx, &awssfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String("[")})
		require.Equal(t, "InvalidExecutionInput", apiCode(t, err))
	})
}

func TestManyConcurrentExecutions(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 0.001 })
		smArn := e.createMachine(t, "loop", loopDefinition(t), "")
		const n = 100
		arns := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				out, err := e.client.StartExecution(t.Context(), &awssfn.StartExecutionInput{
					StateMachineArn: aws.String(smArn), Input: aws.String(`{"limit": 5}`)})
				if err == nil {
					arns[i] = *out.ExecutionArn
				} else {
					t.Errorf("start: %v", err)
				}
			})
		}
		wg.Wait()
		for _, a := range arns {
			desc := e.waitDone(t, a)
			require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
			require.JSONEq(t, `{"i": 5, "limit": 5}`, *desc.Output)
			events := e.history(t, a, 1000, false)
			requireContiguous(t, events)
			require.Equal(t, loopEventCount(5), len(events))
		}
	})
}

// loopDefinition counts $.i up to $.limit through a Wait of one second per
// round.
func loopDefinition(t testing.TB) string {
	return definition(t, map[string]any{
		"StartAt": "Init", "States": map[string]any{
			"Init":  map[string]any{"Type": "Pass", "Parameters": map[string]any{"i": 0, "limit.$": "$.limit"}, "Next": "Check"},
			"Check": map[string]any{"Type": "Choice", "Choices": []any{map[string]any{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Wait"}}, "Default": "Done"},
			"Wait":  map[string]any{"Type": "Wait", "Seconds": 1, "Next": "Inc"},
			"Inc":   map[string]any{"Type": "Pass", "Parameters": map[string]any{"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"}, "Next": "Check"},
			"Done":  map[string]any{"Type": "Succeed"}}})
}

// loopEventCount is the history length of loopDefinition's execution.
func loopEventCount(limit int) int {
	// ExecutionStarted, Init (2), limit × (Check, Wait, Inc: 6), final Check
	// (2), Done (2), ExecutionSucceeded.
	return 1 + 2 + 6*limit + 2 + 2 + 1
}
