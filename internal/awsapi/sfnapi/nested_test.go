package sfnapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

// startTask is a machine whose one Task starts an execution with resource
// (states:startExecution plus its pattern), the child's ARN, input and name
// coming from the execution input.
func startTask(t *testing.T, resource string) string {
	t.Helper()
	return definition(t, map[string]any{"StartAt": "Start", "States": map[string]any{
		"Start": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::states:" + resource,
			"Parameters": map[string]any{"StateMachineArn.$": "$.sm", "Input.$": "$.in", "Name.$": "$.name"}, "End": true}}})
}

func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		child := e.createMachine(t, "child", definition(t, map[string]any{"StartAt": "Wait", "States": map[string]any{
			"Wait":   map[string]any{"Type": "Wait", "Seconds": 1, "Next": "Answer"},
			"Answer": map[string]any{"Type": "Pass", "Parameters": map[string]any{"Arg1": "argument1", "got.$": "$"}, "End": true}}}), "")
		failing := e.createMachine(t, "failing", definition(t, map[string]any{"StartAt": "F", "States": map[string]any{
			"F": map[string]any{"Type": "Fail", "Error": "Oops", "Cause": "it broke"}}}), "")
		input := func(sm, name string) string {
			b, err := json.Marshal(map[string]any{"sm": sm, "name": name,
				"in": map[string]any{"hello": "world", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "parent-id"}})
			require.NoError(t, err)
			return string(b)
		}
		childOf := func(name string) string {
			return strings.Replace(child, ":stateMachine:", ":execution:", 1) + ":" + name
		}

		// Fire and forget: StartExecution's response, the child runs on.
		parent := e.createMachine(t, "fire", startTask(t, "startExecution"), "")
		desc := e.waitDone(t, e.startExecution(t, parent, "", input(child, "fired")))
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		var fired map[string]any
		require.NoError(t, json.Unmarshal([]byte(*desc.Output), &fired))
		require.Equal(t, childOf("fired"), fired["ExecutionArn"])
		require.IsType(t, float64(0), fired["StartDate"], "epoch milliseconds")
		require.Contains(t, fired, "SdkHttpMetadata")
		require.Contains(t, fired, "SdkResponseMetadata")
		childDesc := e.waitDone(t, childOf("fired"))
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, childDesc.Status)
		require.JSONEq(t, `{"hello":"world","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"parent-id"}`, *childDesc.Input)

		// .sync: DescribeExecution's shape, Input and Output as JSON text.
		parent = e.createMachine(t, "sync", startTask(t, "startExecution.sync"), "")
		execArn := e.startExecution(t, parent, "", input(child, "synced"))
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		var synced map[string]any
		require.NoError(t, json.Unmarshal([]byte(*desc.Output), &synced))
		require.Equal(t, childOf("synced"), synced["ExecutionArn"])
		require.Equal(t, "synced", synced["Name"])
		require.Equal(t, "SUCCEEDED", synced["Status"])
		require.Equal(t, child, synced["StateMachineArn"])
		require.IsType(t, "", synced["Output"])
		require.JSONEq(t, `{"Arg1":"argument1","got":{"hello":"world","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"parent-id"}}`, synced["Output"].(string))
		require.IsType(t, "", synced["Input"])
		require.Equal(t, map[string]any{"Included": true}, synced["InputDetails"])
		require.Equal(t, map[string]any{"Included": true}, synced["OutputDetails"])
		require.Equal(t, "NOT_REDRIVABLE", synced["RedriveStatus"])
		require.Equal(t, "Execution is SUCCEEDED and cannot be redriven", synced["RedriveStatusReason"])
		require.Equal(t, float64(0), synced["RedriveCount"])
		require.GreaterOrEqual(t, synced["StopDate"].(float64)-synced["StartDate"].(float64), float64(1000), "the child's 1 s Wait")
		events := e.history(t, execArn, 0, false)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
		sub := events[4].TaskSubmittedEventDetails
		require.Equal(t, "states", *sub.ResourceType)
		require.Equal(t, "startExecution.sync", *sub.Resource)
		require.Contains(t, *sub.Output, `"ExecutionArn":"`+childOf("synced")+`"`)

		// .sync:2: Input and Output as JSON values.
		parent = e.createMachine(t, "sync2", startTask(t, "startExecution.sync:2"), "")
		desc = e.waitDone(t, e.startExecution(t, parent, "", input(child, "synced2")))
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		var synced2 map[string]any
		require.NoError(t, json.Unmarshal([]byte(*desc.Output), &synced2))
		require.Equal(t, "argument1", synced2["Output"].(map[string]any)["Arg1"])
		require.Equal(t, "world", synced2["Input"].(map[string]any)["hello"])

		// A child that fails fails the task with States.TaskFailed and the
		// child's description as the cause.
		for _, res := range []string{"startExecution.sync", "startExecution.sync:2"} {
			parent = e.createMachine(t, "fails-"+strings.NewReplacer(".", "-", ":", "-").Replace(res), startTask(t, res), "")
			execArn = e.startExecution(t, parent, "", input(failing, "broken-"+strings.NewReplacer(".", "-", ":", "-").Replace(res)))
			desc = e.waitDone(t, execArn)
			require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
			require.Equal(t, "States.TaskFailed", *desc.Error)
			var cause map[string]any
			require.NoError(t, json.Unmarshal([]byte(*desc.Cause), &cause), *desc.Cause)
			require.Equal(t, "FAILED", cause["Status"])
			require.Equal(t, "Oops", cause["Error"])
			require.Equal(t, "it broke", cause["Cause"])
			require.Equal(t, "REDRIVABLE", cause["RedriveStatus"])
			require.NotContains(t, cause, "Output")
			events = e.history(t, execArn, 0, false)
			require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
				"TaskFailed", "ExecutionFailed"}, eventTypes(events))
			require.Equal(t, "States.TaskFailed", *events[5].TaskFailedEventDetails.Error)
		}

		// StartExecution's own errors, as the SDK reports them.
		parent = e.createMachine(t, "missing", startTask(t, "startExecution.sync"), "")
		desc = e.waitDone(t, e.startExecution(t, parent, "", input(child+"-missing", "x")))
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "StepFunctions.StateMachineDoesNotExistException", *desc.Error)
		require.True(t, strings.HasPrefix(*desc.Cause, "State Machine Does Not Exist: '"+child+"-missing' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: "), *desc.Cause)
		desc = e.waitDone(t, e.startExecution(t, parent, "", input(child, "synced")))
		require.Equal(t, "StepFunctions.ExecutionAlreadyExistsException", *desc.Error, "the name is taken by another parent's child")

		// .waitForTaskToken: the child answers its parent's callback.
		answering := e.createMachine(t, "answering", definition(t, map[string]any{"StartAt": "Answer", "States": map[string]any{
			"Answer": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
				"Parameters": map[string]any{"TaskToken.$": "$.token", "Output.$": "States.JsonToString($.reply)"}, "End": true}}}), "")
		parent = e.createMachine(t, "callback", definition(t, map[string]any{"StartAt": "Ask", "States": map[string]any{
			"Ask": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
				"Parameters": map[string]any{"StateMachineArn": answering,
					"Input": map[string]any{"token.$": "$$.Task.Token", "reply": map[string]any{"from": "child"},
						"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
				"HeartbeatSeconds": 3600, "End": true}}}), "") // 3.6 s at the tests' WaitScale
		execArn = e.startExecution(t, parent, "", `{}`)
		desc = e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		require.JSONEq(t, `{"from":"child"}`, *desc.Output)
		events = e.history(t, execArn, 0, false)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events))
		var submitted map[string]any
		require.NoError(t, json.Unmarshal([]byte(*events[4].TaskSubmittedEventDetails.Output), &submitted))
		childArn := submitted["ExecutionArn"].(string)
		childIn, err := e.client.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(childArn)})
		require.NoError(t, err)
		require.Contains(t, *childIn.Input, `"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"`+execArn+`"`)

		// A child that calls back with a token that is not its parent's.
		badToken := e.createMachine(t, "bad-token", definition(t, map[string]any{"StartAt": "Answer", "States": map[string]any{
			"Answer": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
				"Parameters": map[string]any{"TaskToken": "NoSuchTaskToken", "Output": "ParameterOutput"}, "End": true}}}), "")
		desc = e.waitDone(t, e.startExecution(t, badToken, "", `{}`))
		require.Equal(t, sfntypes.ExecutionStatusFailed, desc.Status)
		require.Equal(t, "Sfn.InvalidTokenException", *desc.Error)
		require.Regexp(t, `^Invalid Token: 'Invalid token' \(Service: Sfn, Status Code: 400, Request ID: [0-9a-f-]+\) \(SDK Attempt Count: 1\)$`, *desc.Cause)
	})
}

func TestNestedSyncSurvivesRestart(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		open := reopenableStore(t, driver)
		e := startOn(t, open(), nil)
		slow := e.createMachine(t, "slow-child", definition(t, map[string]any{"StartAt": "Wait", "States": map[string]any{
			"Wait": map[string]any{"Type": "Wait", "Seconds": 2000, "Next": "Done"},
			"Done": map[string]any{"Type": "Pass", "Result": "finished", "End": true}}}), "")
		parent := e.createMachine(t, "waits", definition(t, map[string]any{"StartAt": "Start", "States": map[string]any{
			"Start": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
				"Parameters": map[string]any{"StateMachineArn": slow}, "End": true}}}), "")
		execArn := e.startExecution(t, parent, "", `{}`)
		var events []sfntypes.HistoryEvent
		require.Eventually(t, func() bool {
			events = e.history(t, execArn, 0, false)
			return len(events) >= 5
		}, 30*time.Second, 10*time.Millisecond)
		require.Equal(t, "TaskSubmitted", string(events[4].Type))

		e = e.restart(t, open, nil)

		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%v %v", desc.Error, desc.Cause)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(*desc.Output), &out))
		require.Equal(t, "finished", out["Output"])
		events = e.history(t, execArn, 0, false)
		requireContiguous(t, events)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, eventTypes(events), "one submission, one child")
		children, err := e.client.ListExecutions(t.Context(), &awssfn.ListExecutionsInput{StateMachineArn: aws.String(slow)})
		require.NoError(t, err)
		require.Len(t, children.Executions, 1, "the restarted task found its child instead of starting another")
	})
}
