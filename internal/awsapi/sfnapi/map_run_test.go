package sfnapi_test

import (
	"context"
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
)

// gateLambda holds every call until release is closed, then returns the
// payload; payloads listed in fail raise a "Bad" error.
type gateLambda struct {
	release chan struct{}
	fail    map[string]bool
	mu      sync.Mutex
	calls   int
}

func (g *gateLambda) InvokeFunction(ctx context.Context, req *sfn.LambdaRequest) (*sfntask.LambdaReply, *sfntask.LambdaAPIError, error) {
	g.mu.Lock()
	g.calls++
	g.mu.Unlock()
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	if g.fail[string(req.Call.Payload)] {
		return &sfntask.LambdaReply{StatusCode: 200, FunctionError: "Unhandled",
			Payload: []byte(`{"errorType":"Bad","errorMessage":"bad item"}`)}, nil, nil
	}
	return &sfntask.LambdaReply{StatusCode: 200, Payload: req.Call.Payload}, nil, nil
}

// waitCalls waits until the function has been called n times.
func (g *gateLambda) waitCalls(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		g.mu.Lock()
		c := g.calls
		g.mu.Unlock()
		if c >= n {
			require.Equal(t, n, c)
			return
		}
		require.True(t, time.Now().Before(deadline), "%d calls, want %d", c, n)
		time.Sleep(5 * time.Millisecond)
	}
}

func distributedMachine(t *testing.T, extra map[string]any) string {
	m := map[string]any{"Type": "Map", "ItemsPath": "$.items", "Label": "Fan", "End": true,
		"ItemProcessor": map[string]any{
			"ProcessorConfig": map[string]any{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
			"StartAt":         "Work", "States": map[string]any{
				"Work": map[string]any{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:work", "End": true}}}}
	for k, v := range extra {
		m[k] = v
	}
	return definition(t, map[string]any{"StartAt": "Each", "States": map[string]any{"Each": m}})
}

func TestMapRuns(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		gl := &gateLambda{release: make(chan struct{}), fail: map[string]bool{"5": true}}
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = gl })
		ctx := t.Context()
		smArn := e.createMachine(t, "fan", distributedMachine(t, map[string]any{"MaxConcurrency": 1}), "")
		execArn := e.startExecution(t, smArn, "fan-1", `{"items":[1,2,3,4,5,6]}`)
		gl.waitCalls(t, 1)

		runs, err := e.client.ListMapRuns(ctx, &awssfn.ListMapRunsInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		require.Len(t, runs.MapRuns, 1)
		run := runs.MapRuns[0]
		runArn := *run.MapRunArn
		require.True(t, strings.HasPrefix(runArn, "arn:aws:states:us-east-1:000000000000:mapRun:fan/Fan:"), runArn)
		require.Equal(t, execArn, *run.ExecutionArn)
		require.Equal(t, smArn, *run.StateMachineArn)
		require.Nil(t, run.StopDate)

		desc, err := e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: aws.String(runArn)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.MapRunStatusRunning, desc.Status)
		require.Equal(t, execArn, *desc.ExecutionArn)
		require.Equal(t, int32(1), desc.MaxConcurrency)
		require.Equal(t, int64(6), desc.ExecutionCounts.Total)
		require.Equal(t, int64(1), desc.ExecutionCounts.Running)
		require.Equal(t, int64(5), desc.ExecutionCounts.Pending)
		require.Equal(t, int64(6), desc.ItemCounts.Total)
		require.Equal(t, int32(0), *desc.RedriveCount)

		// More concurrency starts more child executions; tolerating one
		// failure lets the Map Run succeed despite item 5.
		_, err = e.client.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: aws.String(runArn),
			MaxConcurrency: aws.Int32(3), ToleratedFailureCount: aws.Int64(1)})
		require.NoError(t, err)
		gl.waitCalls(t, 3)
		desc, err = e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: aws.String(runArn)})
		require.NoError(t, err)
		require.Equal(t, int32(3), desc.MaxConcurrency)
		require.Equal(t, int64(1), desc.ToleratedFailureCount)
		require.Equal(t, int64(3), desc.ExecutionCounts.Running)
		require.Equal(t, int64(3), desc.ExecutionCounts.Pending)

		close(gl.release)
		done := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, done.Status, "%v", done.Cause)
		require.JSONEq(t, `[1,2,3,4,{"Error":"Bad","Cause":"{\"errorType\":\"Bad\",\"errorMessage\":\"bad item\"}"},6]`, *done.Output)
		desc, err = e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: aws.String(runArn)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.MapRunStatusSucceeded, desc.Status)
		require.NotNil(t, desc.StopDate)
		require.Equal(t, int64(5), desc.ExecutionCounts.Succeeded)
		require.Equal(t, int64(1), desc.ExecutionCounts.Failed)
		require.Zero(t, desc.ExecutionCounts.Running)
		require.Zero(t, desc.ExecutionCounts.Pending)

		var types []string
		for _, ev := range e.history(t, execArn, 0, false) {
			types = append(types, string(ev.Type))
			if ev.Type == sfntypes.HistoryEventTypeMapRunStarted {
				require.Equal(t, runArn, *ev.MapRunStartedEventDetails.MapRunArn)
			}
		}
		require.Equal(t, []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
			"MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}, types)

		// Errors.
		_, err = e.client.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: aws.String(runArn), MaxConcurrency: aws.Int32(5)})
		require.Equal(t, "ValidationException", apiCode(t, err), "the Map Run has ended")
		_, err = e.client.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: aws.String(runArn)})
		require.Equal(t, "ValidationException", apiCode(t, err))
		_, err = e.client.UpdateMapRun(ctx, &awssfn.UpdateMapRunInput{MapRunArn: aws.String(runArn), ToleratedFailurePercentage: aws.Float32(101)})
		require.Equal(t, "ValidationException", apiCode(t, err))
		_, err = e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: aws.String(runArn + "x")})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		_, err = e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: aws.String(smArn)})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		_, err = e.client.ListMapRuns(ctx, &awssfn.ListMapRunsInput{ExecutionArn: aws.String(execArn + "x")})
		require.Equal(t, "ExecutionDoesNotExist", apiCode(t, err))

		// ListExecutions by Map Run: the child executions run inside the
		// parent and are not listed.
		children, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{MapRunArn: aws.String(runArn)})
		require.NoError(t, err)
		require.Empty(t, children.Executions)
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{MapRunArn: aws.String(runArn + "x")})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		_, err = e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{MapRunArn: aws.String(runArn), StateMachineArn: aws.String(smArn)})
		require.Equal(t, "ValidationException", apiCode(t, err))
	})
}

func TestMapRunFailsAndIsRedriven(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		fl := &flakyLambda{}
		e := start(t, driver, func(o *sfn.Options) { o.Lambda = fl })
		ctx := t.Context()
		smArn := e.createMachine(t, "fan-fail", distributedMachine(t, map[string]any{
			"ItemSelector": map[string]any{"v.$": "$$.Map.Item.Value"}, "MaxConcurrency": 1}), "")
		execArn := e.startExecution(t, smArn, "", `{"items":[1,2,3]}`)
		failed := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusFailed, failed.Status)
		require.Equal(t, "States.ExceedToleratedFailureThreshold", *failed.Error)
		runs, err := e.client.ListMapRuns(ctx, &awssfn.ListMapRunsInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		require.Len(t, runs.MapRuns, 1)
		runArn := runs.MapRuns[0].MapRunArn
		desc, err := e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: runArn})
		require.NoError(t, err)
		require.Equal(t, sfntypes.MapRunStatusFailed, desc.Status)
		require.Equal(t, int64(1), desc.ExecutionCounts.Failed)
		require.Equal(t, int64(2), desc.ExecutionCounts.Pending)

		_, err = e.client.RedriveExecution(ctx, &awssfn.RedriveExecutionInput{ExecutionArn: aws.String(execArn)})
		require.NoError(t, err)
		done := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, done.Status, "%v", done.Cause)
		require.JSONEq(t, `[{"v":1},{"v":2},{"v":3}]`, *done.Output)
		desc, err = e.client.DescribeMapRun(ctx, &awssfn.DescribeMapRunInput{MapRunArn: runArn})
		require.NoError(t, err)
		require.Equal(t, sfntypes.MapRunStatusSucceeded, desc.Status)
		require.Equal(t, int32(1), *desc.RedriveCount)
		require.NotNil(t, desc.RedriveDate)
		require.Equal(t, int64(3), desc.ExecutionCounts.Succeeded)
		var redriven int
		for _, ev := range e.history(t, execArn, 0, false) {
			if ev.Type == sfntypes.HistoryEventTypeMapRunRedriven {
				redriven++
				require.Equal(t, *runArn, *ev.MapRunRedrivenEventDetails.MapRunArn)
				require.Equal(t, int32(1), *ev.MapRunRedrivenEventDetails.RedriveCount)
			}
		}
		require.Equal(t, 1, redriven)
	})
}
