package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

// A lambda:invoke.waitForTaskToken task whose function answers the callback
// itself, at the endpoint AWS_ENDPOINT_URL gives it, before it returns.
func TestLambdaCallbackFromFunction(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	cfg := awsConfig(url, "test", "test")
	lc := awslambda.NewFromConfig(cfg)
	// The Step Functions JSON 1.0 protocol by hand (this host's Python has
	// no boto3 to lend the sandbox; AWS's runtime would have it).
	createFn(t, lc, "approver", lambdatypes.RuntimePython312, "handler.handler", map[string]string{"handler.py": `
import json, os, urllib.request

def call(op, body):
    req = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"], data=json.dumps(body).encode(), method="POST",
        headers={"X-Amz-Target": "AWSStepFunctions." + op, "Content-Type": "application/x-amz-json-1.0"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"{}")

def handler(event, context):
    if event.get("approve"):
        call("SendTaskSuccess", {"taskToken": event["token"], "output": json.dumps({"approvedBy": context.function_name})})
    else:
        call("SendTaskFailure", {"taskToken": event["token"], "error": "Rejected", "cause": "by the function"})
    return {"sent": True}
`}, nil)
	sc := awssfn.NewFromConfig(cfg)
	def, err := json.Marshal(map[string]any{"StartAt": "Ask", "States": map[string]any{
		"Ask": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
			"Parameters": map[string]any{"FunctionName": "approver",
				"Payload": map[string]any{"token.$": "$$.Task.Token", "approve.$": "$.approve"}},
			"TimeoutSeconds": 120, "End": true}}})
	require.NoError(t, err)
	sm, err := sc.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String("approval"),
		Definition: aws.String(string(def)), RoleArn: aws.String("arn:aws:iam::000000000000:role/sfn")})
	require.NoError(t, err)

	run := func(input string) *awssfn.DescribeExecutionOutput {
		ex, err := sc.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(input)})
		require.NoError(t, err)
		deadline := time.Now().Add(90 * time.Second)
		for {
			d, err := sc.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
			require.NoError(t, err)
			if d.Status != sfntypes.ExecutionStatusRunning {
				return d
			}
			require.True(t, time.Now().Before(deadline), "still running")
			time.Sleep(50 * time.Millisecond)
		}
	}
	d := run(`{"approve": true}`)
	require.Equal(t, sfntypes.ExecutionStatusSucceeded, d.Status, "%v %v", aws.ToString(d.Error), aws.ToString(d.Cause))
	require.JSONEq(t, `{"approvedBy":"approver"}`, *d.Output)
	d = run(`{"approve": false}`)
	require.Equal(t, sfntypes.ExecutionStatusFailed, d.Status)
	require.Equal(t, "Rejected", *d.Error)
	require.Equal(t, "by the function", *d.Cause)
}
