package sfnapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sfn"
	"github.com/gureum-dev/gureum/internal/store"
)

func (e *env) createActivity(t *testing.T, name string) string {
	t.Helper()
	out, err := e.client.CreateActivity(t.Context(), &awssfn.CreateActivityInput{Name: aws.String(name)})
	require.NoError(t, err)
	return *out.ActivityArn
}

func TestActivityAPI(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		before := time.Now().Add(-time.Second)
		out, err := e.client.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("work"),
			Tags: []sfntypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
		require.NoError(t, err)
		arn := "arn:aws:states:us-east-1:000000000000:activity:work"
		require.Equal(t, arn, *out.ActivityArn)
		require.True(t, out.CreationDate.After(before))

		// Idempotent on the name; tags of the second call are ignored.
		again, err := e.client.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("work"),
			Tags: []sfntypes.Tag{{Key: aws.String("team"), Value: aws.String("b")}}})
		require.NoError(t, err)
		require.Equal(t, arn, *again.ActivityArn)
		require.Equal(t, out.CreationDate.UnixMilli(), again.CreationDate.UnixMilli())
		tags, err := e.client.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		require.NoError(t, err)
		require.Equal(t, "a", *tags.Tags[0].Value)
		// ... unless the encryption configuration differs.
		_, err = e.client.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("work"),
			EncryptionConfiguration: &sfntypes.EncryptionConfiguration{Type: sfntypes.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("k")}})
		require.Equal(t, "ActivityAlreadyExists", apiCode(t, err))

		_, err = e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: []sfntypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}}})
		require.NoError(t, err)
		_, err = e.client.UntagResource(ctx, &awssfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}})
		require.NoError(t, err)
		tags, err = e.client.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		require.NoError(t, err)
		require.Len(t, tags.Tags, 1)
		require.Equal(t, "env", *tags.Tags[0].Key)

		desc, err := e.client.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
		require.NoError(t, err)
		require.Equal(t, "work", *desc.Name)
		require.Equal(t, sfntypes.EncryptionTypeAwsOwnedKey, desc.EncryptionConfiguration.Type)

		// Pagination, in name order.
		for i := range 5 {
			e.createActivity(t, fmt.Sprintf("page-%d", 4-i))
		}
		var names []string
		var token *string
		for {
			page, err := e.client.ListActivities(ctx, &awssfn.ListActivitiesInput{MaxResults: 2, NextToken: token})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page.Activities), 2)
			for _, a := range page.Activities {
				names = append(names, *a.Name)
			}
			if page.NextToken == nil {
				break
			}
			token = page.NextToken
		}
		require.Equal(t, []string{"page-0", "page-1", "page-2", "page-3", "page-4", "work"}, names)
		_, err = e.client.ListActivities(ctx, &awssfn.ListActivitiesInput{NextToken: aws.String("bogus")})
		require.Equal(t, "InvalidToken", apiCode(t, err))

		// Errors.
		_, err = e.client.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("bad name")})
		require.Equal(t, "InvalidName", apiCode(t, err))
		require.Equal(t, "Invalid Name: 'bad name'", apiMessage(t, err))
		_, err = e.client.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: aws.String(arn + "-nope")})
		require.Equal(t, "ActivityDoesNotExist", apiCode(t, err))
		require.Equal(t, "Activity Does Not Exist: '"+arn+"-nope'", apiMessage(t, err))
		_, err = e.client.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:x")})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		require.Equal(t, "Invalid Arn: 'Resource type not valid in this context: statemachine'", apiMessage(t, err))
		_, err = e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(arn + "-nope")})
		require.Equal(t, "ActivityDoesNotExist", apiCode(t, err))
		_, err = e.client.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: aws.String("not-an-arn")})
		require.Equal(t, "InvalidArn", apiCode(t, err))

		// Delete, twice (the second is no error, as on AWS).
		_, err = e.client.DeleteActivity(ctx, &awssfn.DeleteActivityInput{ActivityArn: aws.String(arn)})
		require.NoError(t, err)
		_, err = e.client.DeleteActivity(ctx, &awssfn.DeleteActivityInput{ActivityArn: aws.String(arn)})
		require.NoError(t, err)
		_, err = e.client.DescribeActivity(ctx, &awssfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
		require.Equal(t, "ActivityDoesNotExist", apiCode(t, err))
	})
}

// worker is an activity worker loop as the AWS docs write one: poll, do the
// work, report, until ctx ends.
func worker(ctx context.Context, t *testing.T, e *env, actArn, name string, work func(input string) (string, error)) {
	for ctx.Err() == nil {
		task, err := e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(actArn), WorkerName: aws.String(name)})
		if err != nil {
			if ctx.Err() == nil {
				t.Errorf("GetActivityTask: %v", err)
			}
			return
		}
		if task.TaskToken == nil {
			continue
		}
		out, werr := work(*task.Input)
		if werr != nil {
			_, err = e.client.SendTaskFailure(ctx, &awssfn.SendTaskFailureInput{TaskToken: task.TaskToken,
				Error: aws.String("WorkFailed"), Cause: aws.String(werr.Error())})
		} else {
			_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(out)})
		}
		if err != nil {
			t.Errorf("report: %v", err)
			return
		}
	}
}

func TestActivityWorkers(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1 })
		actArn := e.createActivity(t, "square")
		smArn := e.createMachine(t, "squares", definition(t, map[string]any{"StartAt": "Sq", "States": map[string]any{
			"Sq": map[string]any{"Type": "Task", "Resource": actArn, "TimeoutSeconds": 300, "HeartbeatSeconds": 60,
				"Parameters": map[string]any{"n.$": "$.n"},
				"Catch":      []any{map[string]any{"ErrorEquals": []any{"WorkFailed"}, "ResultPath": "$.err", "Next": "Failed"}},
				"End":        true},
			"Failed": map[string]any{"Type": "Pass", "End": true}}}), "")

		wctx, stop := context.WithCancel(t.Context())
		var (
			workers sync.WaitGroup
			mu      sync.Mutex
			seen    = map[string]int{}
		)
		for w := range 3 {
			name := fmt.Sprintf("worker-%d", w)
			workers.Go(func() {
				worker(wctx, t, e, actArn, name, func(input string) (string, error) {
					var in struct{ N int }
					if err := json.Unmarshal([]byte(input), &in); err != nil {
						return "", err
					}
					mu.Lock()
					seen[input]++
					mu.Unlock()
					if in.N < 0 {
						return "", fmt.Errorf("negative %d", in.N)
					}
					return fmt.Sprintf(`{"square":%d}`, in.N*in.N), nil
				})
			})
		}
		const n = 12
		arns := make([]string, n)
		for i := range n {
			arns[i] = e.startExecution(t, smArn, "", fmt.Sprintf(`{"n":%d}`, i-1))
		}
		for i, execArn := range arns {
			desc := e.waitDone(t, execArn)
			require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
			if i == 0 {
				require.JSONEq(t, `{"n":-1,"err":{"Error":"WorkFailed","Cause":"negative -1"}}`, *desc.Output)
				continue
			}
			require.JSONEq(t, fmt.Sprintf(`{"square":%d}`, (i-1)*(i-1)), *desc.Output)
			events := e.history(t, execArn, 0, false)
			requireContiguous(t, events)
			require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
				"ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
			sch := events[2].ActivityScheduledEventDetails
			require.Equal(t, actArn, *sch.Resource)
			require.JSONEq(t, fmt.Sprintf(`{"n":%d}`, i-1), *sch.Input)
			require.Equal(t, int64(300), *sch.TimeoutInSeconds)
			require.Equal(t, int64(60), *sch.HeartbeatInSeconds)
			require.Regexp(t, `^worker-\d$`, *events[3].ActivityStartedEventDetails.WorkerName)
		}
		stop()
		workers.Wait()
		// Each task went to exactly one worker.
		mu.Lock()
		var counts []int
		for _, c := range seen {
			counts = append(counts, c)
		}
		mu.Unlock()
		sort.Ints(counts)
		require.Len(t, counts, n)
		require.Equal(t, 1, counts[len(counts)-1])

		// The failed one: ActivityFailed with the worker's error and cause.
		events := e.history(t, arns[0], 0, false)
		require.Equal(t, "ActivityFailed", string(events[4].Type))
		require.Equal(t, "WorkFailed", *events[4].ActivityFailedEventDetails.Error)
		require.Equal(t, "negative -1", *events[4].ActivityFailedEventDetails.Cause)
	})
}

func TestActivityTimeouts(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, func(o *sfn.Options) { o.WaitScale = 1 })
		ctx := t.Context()
		actArn := e.createActivity(t, "slow")

		// Nobody polls: TimeoutSeconds counts from ActivityScheduled.
		smArn := e.createMachine(t, "unpolled", definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
			"A": map[string]any{"Type": "Task", "Resource": actArn, "TimeoutSeconds": 1, "End": true}}}), "")
		execArn := e.startExecution(t, smArn, "", `{}`)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "States.Timeout", *desc.Error)
		events := e.history(t, execArn, 0, false)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityTimedOut", "ExecutionFailed"}, eventTypes(events))
		require.Equal(t, "States.Timeout", *events[3].ActivityTimedOutEventDetails.Error)
		// The task left the queue with it.
		_, err := e.store.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: actArn, Now: time.Now()})
		require.ErrorIs(t, err, store.ErrNotFound)

		// A worker that stops heartbeating: States.Timeout after
		// HeartbeatSeconds, counted from ActivityStarted.
		smArn = e.createMachine(t, "silent", definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
			"A": map[string]any{"Type": "Task", "Resource": actArn, "HeartbeatSeconds": 1, "End": true}}}), "")
		execArn = e.startExecution(t, smArn, "", `{}`)
		got, err := e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(actArn), WorkerName: aws.String("quiet")})
		require.NoError(t, err)
		require.NotNil(t, got.TaskToken)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "States.Timeout", *desc.Error)
		events = e.history(t, execArn, 0, false)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed"}, eventTypes(events))
		_, err = e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: got.TaskToken, Output: aws.String(`{}`)})
		require.Equal(t, "TaskTimedOut", apiCode(t, err))

		// An activity deleted before the state runs: States.Runtime, no
		// ActivityScheduled.
		gone := e.createActivity(t, "gone")
		smArn = e.createMachine(t, "deleted", definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
			"A": map[string]any{"Type": "Task", "Resource": gone, "End": true}}}), "")
		_, err = e.client.DeleteActivity(ctx, &awssfn.DeleteActivityInput{ActivityArn: aws.String(gone)})
		require.NoError(t, err)
		desc = e.waitDone(t, e.startExecution(t, smArn, "", `{}`))
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "States.Runtime", *desc.Error)
		require.Equal(t, "An error occurred while executing the state 'A' (entered at the event id #2). The activity "+gone+" does not exist.", *desc.Cause)
	})
}

func TestGetActivityTaskWaits(t *testing.T) {
	t.Parallel()
	e := start(t, drivers()[0], nil)
	ctx := t.Context()
	actArn := e.createActivity(t, "later")
	smArn := e.createMachine(t, "later", definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
		"A": map[string]any{"Type": "Task", "Resource": actArn, "End": true}}}), "")
	type result struct {
		out *awssfn.GetActivityTaskOutput
		err error
	}
	polled := make(chan result, 1)
	go func() {
		out, err := e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(actArn)})
		polled <- result{out, err}
	}()
	time.Sleep(100 * time.Millisecond) // the poll is waiting
	execArn := e.startExecution(t, smArn, "", `{"late":true}`)
	r := <-polled
	require.NoError(t, r.err)
	require.NotNil(t, r.out.TaskToken, "the waiting poll got the task scheduled after it began")
	require.JSONEq(t, `{"late":true}`, *r.out.Input)
	_, err := e.client.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: r.out.TaskToken, Output: aws.String(`1`)})
	require.NoError(t, err)
	require.Equal(t, "1", *e.waitDone(t, execArn).Output)
	events := e.history(t, execArn, 0, false)
	require.Nil(t, events[3].ActivityStartedEventDetails.WorkerName, "no workerName: {} as on AWS")

	// A server shutting down ends the waiting polls with no task (rather
	// than holding its shutdown for up to 60 s).
	go func() {
		out, err := e.client.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: aws.String(actArn)})
		polled <- result{out, err}
	}()
	time.Sleep(100 * time.Millisecond)
	e.svc.StopLongPolls()
	select {
	case r = <-polled:
		require.NoError(t, r.err)
		require.Nil(t, r.out.TaskToken)
	case <-time.After(30 * time.Second):
		t.Fatal("the poll did not end")
	}
}

func TestExpressRefusesWaiting(t *testing.T) {
	t.Parallel()
	e := start(t, drivers()[0], nil)
	for _, tc := range []struct{ resource, message string }{
		{"arn:aws:states:us-east-1:000000000000:activity:work", "Express state machine does not support Activity ARN"},
		{"arn:aws:states:::lambda:invoke.waitForTaskToken", "Express state machine does not support '.waitForTaskToken' service integration"},
		{"arn:aws:states:::states:startExecution.sync:2", "Express state machine does not support '.sync' service integration"},
	} {
		def := definition(t, map[string]any{"StartAt": "P", "States": map[string]any{
			"P": map[string]any{"Type": "Parallel", "End": true, "Branches": []any{map[string]any{"StartAt": "T", "States": map[string]any{
				"T": map[string]any{"Type": "Task", "Resource": tc.resource, "End": true}}}}}}})
		_, err := e.client.CreateStateMachine(t.Context(), &awssfn.CreateStateMachineInput{Name: aws.String("express"),
			Definition: aws.String(def), RoleArn: aws.String(roleArn), Type: sfntypes.StateMachineTypeExpress})
		require.Equal(t, "InvalidDefinition", apiCode(t, err), tc.resource)
		require.Equal(t, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "+tc.message+" at /States/P/Branches[0]/States/T/Resource'", apiMessage(t, err))
		// A Standard machine may.
		e.createMachine(t, "standard-"+strings.NewReplacer(":", "-", ".", "-").Replace(tc.resource[len(tc.resource)-12:]), def, "")
	}
	// Updating an Express machine to wait is refused as well.
	smArn := e.createMachine(t, "express-ok", definition(t, map[string]any{"StartAt": "P", "States": map[string]any{
		"P": map[string]any{"Type": "Pass", "End": true}}}), sfntypes.StateMachineTypeExpress)
	_, err := e.client.UpdateStateMachine(t.Context(), &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
		Definition: aws.String(definition(t, map[string]any{"StartAt": "A", "States": map[string]any{
			"A": map[string]any{"Type": "Task", "Resource": "arn:aws:states:us-east-1:000000000000:activity:work", "End": true}}}))})
	require.Equal(t, "InvalidDefinition", apiCode(t, err))
}
