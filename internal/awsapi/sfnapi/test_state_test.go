package sfnapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sfn"
)

func TestTestState(t *testing.T) {
	t.Parallel()
	fl := &fakeLambda{}
	e := start(t, "sqlite", func(o *sfn.Options) { o.Lambda = fl })
	ctx := t.Context()
	var run func(in *awssfn.TestStateInput) *awssfn.TestStateOutput
	bind := func(t *testing.T) {
		run = func(in *awssfn.TestStateInput) *awssfn.TestStateOutput {
			t.Helper()
			out, err := e.client.TestState(ctx, in)
			require.NoError(t, err)
			return out
		}
	}
	_ = func(in *awssfn.TestStateInput) *awssfn.TestStateOutput {
		out, err := e.client.TestState(ctx, in)
		require.NoError(t, err)
		return out
	}
	debug := sfntypes.InspectionLevelDebug

	t.Run("PassDataFlow", func(t *testing.T) {
		bind(t)
		input := `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234}}`
		out := run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(input), Definition: aws.String(`{
			"Type":"Pass","InputPath":"$.initialData","Next":"After",
			"Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"ResultPath":"$.modifiedData"}`)})
		require.Equal(t, sfntypes.TestExecutionStatusSucceeded, out.Status)
		require.Equal(t, "After", *out.NextState)
		want := `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234},
			"modifiedData":{"staticValue":"some value","inputValue":"value from input"}}`
		require.JSONEq(t, want, *out.Output)
		in := out.InspectionData
		require.JSONEq(t, input, *in.Input)
		require.JSONEq(t, `{"fieldFromInput":"value from input","otherField":"other"}`, *in.AfterInputPath)
		require.JSONEq(t, `{"staticValue":"some value","inputValue":"value from input"}`, *in.AfterParameters)
		require.JSONEq(t, `{"staticValue":"some value","inputValue":"value from input"}`, *in.AfterResultSelector)
		require.JSONEq(t, want, *in.AfterResultPath)
		require.Nil(t, in.Result)

		// A Result replaces the input: no InputPath or Parameters stage.
		out = run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(`{"Value":"HelloWorld"}`),
			Definition: aws.String(`{"Type":"Pass","Result":{"resultKey":"result value"},"End":true}`)})
		require.JSONEq(t, `{"resultKey":"result value"}`, *out.Output)
		require.Nil(t, out.NextState)
		require.JSONEq(t, `{"resultKey":"result value"}`, *out.InspectionData.Result)
		require.Nil(t, out.InspectionData.AfterInputPath)
		require.Nil(t, out.InspectionData.AfterParameters)
		require.JSONEq(t, `{"resultKey":"result value"}`, *out.InspectionData.AfterResultPath)

		// INFO shows no inspection data.
		out = run(&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String(`{"a":1}`)})
		require.Nil(t, out.InspectionData)
		require.JSONEq(t, `{"a":1}`, *out.Output)
	})

	t.Run("ChoiceSucceedFailWait", func(t *testing.T) {
		bind(t)
		out := run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(`{"type":"Private","value":22}`),
			Definition: aws.String(`{"Type":"Choice","Default":"Other","Choices":[
				{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"}]}`)})
		require.Equal(t, "ValueInTwenties", *out.NextState)
		require.JSONEq(t, `{"type":"Private","value":22}`, *out.Output)
		require.JSONEq(t, `{"type":"Private","value":22}`, *out.InspectionData.AfterInputPath)
		require.Nil(t, out.InspectionData.AfterParameters)

		out = run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(`{"Value":"HelloWorld"}`),
			Definition: aws.String(`{"Type":"Fail","Error":"SomeFailure","Cause":"This state machines raises a 'SomeFailure' failure."}`)})
		require.Equal(t, sfntypes.TestExecutionStatusFailed, out.Status)
		require.Equal(t, "SomeFailure", *out.Error)
		require.Equal(t, "This state machines raises a 'SomeFailure' failure.", *out.Cause)
		require.Nil(t, out.Output)
		require.JSONEq(t, `{"Value":"HelloWorld"}`, *out.InspectionData.AfterInputPath)

		out = run(&awssfn.TestStateInput{Input: aws.String(`{"x":1}`), Definition: aws.String(`{"Type":"Succeed","OutputPath":"$.x"}`)})
		require.Equal(t, "1", *out.Output)

		out = run(&awssfn.TestStateInput{Input: aws.String(`{"x":1}`), Definition: aws.String(`{"Type":"Wait","Seconds":86400,"Next":"Later"}`)})
		require.Equal(t, sfntypes.TestExecutionStatusSucceeded, out.Status, "a Wait state does not wait")
		require.Equal(t, "Later", *out.NextState)
	})

	t.Run("LambdaTask", func(t *testing.T) {
		bind(t)
		out := run(&awssfn.TestStateInput{InspectionLevel: debug, RoleArn: aws.String(roleArn), Input: aws.String(`{"inputData":"HelloWorld"}`),
			Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:000000000000:function:echo",
				"ResultSelector":{"echoed.$":"$.inputData"},"ResultPath":"$.r","End":true}`)})
		require.Equal(t, sfntypes.TestExecutionStatusSucceeded, out.Status)
		in := out.InspectionData
		require.JSONEq(t, `{"inputData":"HelloWorld"}`, *in.AfterParameters)
		require.JSONEq(t, `{"inputData":"HelloWorld"}`, *in.Result, "the function's answer")
		require.JSONEq(t, `{"echoed":"HelloWorld"}`, *in.AfterResultSelector)
		require.JSONEq(t, `{"inputData":"HelloWorld","r":{"echoed":"HelloWorld"}}`, *in.AfterResultPath)
		require.JSONEq(t, *in.AfterResultPath, *out.Output)

		// The optimized integration: the Lambda response shape.
		out = run(&awssfn.TestStateInput{RoleArn: aws.String(roleArn), Definition: aws.String(`{"Type":"Task",
			"Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload":{"n":1}},"End":true}`)})
		require.Contains(t, *out.Output, `"StatusCode":200`)
		require.Contains(t, *out.Output, `"Payload":{"n":1}`)

		// A function error that no Catch handles fails the state.
		out = run(&awssfn.TestStateInput{RoleArn: aws.String(roleArn), Definition: aws.String(`{"Type":"Task",
			"Resource":"arn:aws:lambda:us-east-1:000000000000:function:fail","End":true}`)})
		require.Equal(t, sfntypes.TestExecutionStatusFailed, out.Status)
		require.Equal(t, "ValueError", *out.Error)
	})

	t.Run("MocksCatchRetry", func(t *testing.T) {
		bind(t)
		def := `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke",
			"Arguments":{"FunctionName":"foo","Payload":"bar"},
			"Retry":[{"ErrorEquals":["Retryable"],"IntervalSeconds":3,"MaxAttempts":2}],
			"Catch":[{"ErrorEquals":["MockException"],"Next":"HandleMockError","Output":{"input":"{% $states.input %}","errorOutput":"{% $states.errorOutput %}"}},
				{"ErrorEquals":["States.ALL"],"Next":"HandleThreshold"}],
			"Output":{"input":"{% $states.input %}"},"End":true}`
		out := run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(`{"Value":"HelloWorld"}`), Definition: aws.String(def),
			Mock: &sfntypes.MockInput{ErrorOutput: &sfntypes.MockErrorOutput{Error: aws.String("MockException"), Cause: aws.String("Mock the cause of the error.")}}})
		require.Equal(t, sfntypes.TestExecutionStatusCaughtError, out.Status)
		require.Equal(t, "MockException", *out.Error)
		require.Equal(t, "Mock the cause of the error.", *out.Cause)
		require.Equal(t, "HandleMockError", *out.NextState)
		require.JSONEq(t, `{"Value":"HelloWorld"}`, *out.InspectionData.Input)
		require.JSONEq(t, `{"FunctionName":"foo","Payload":"bar"}`, *out.InspectionData.AfterArguments)
		require.Equal(t, int32(0), *out.InspectionData.ErrorDetails.CatchIndex)
		require.JSONEq(t, `{"input":{"Value":"HelloWorld"},"errorOutput":{"Error":"MockException","Cause":"Mock the cause of the error."}}`, *out.Output)

		out = run(&awssfn.TestStateInput{InspectionLevel: debug, Definition: aws.String(def),
			Mock: &sfntypes.MockInput{ErrorOutput: &sfntypes.MockErrorOutput{Error: aws.String("States.TaskFailed"), Cause: aws.String("The task failed.")}}})
		require.Equal(t, "HandleThreshold", *out.NextState)
		require.Equal(t, int32(1), *out.InspectionData.ErrorDetails.CatchIndex)

		out = run(&awssfn.TestStateInput{InspectionLevel: debug, Definition: aws.String(def),
			Mock: &sfntypes.MockInput{ErrorOutput: &sfntypes.MockErrorOutput{Error: aws.String("Retryable")}}})
		require.Equal(t, sfntypes.TestExecutionStatusRetriable, out.Status)
		require.Equal(t, "Retryable", *out.Error)
		require.Nil(t, out.Output)
		require.Equal(t, int32(0), *out.InspectionData.ErrorDetails.RetryIndex)
		require.Equal(t, int32(3), *out.InspectionData.ErrorDetails.RetryBackoffIntervalSeconds)

		out = run(&awssfn.TestStateInput{InspectionLevel: debug, Definition: aws.String(def),
			Mock: &sfntypes.MockInput{Result: aws.String(`{"Payload":{"ok":true}}`)}})
		require.Equal(t, sfntypes.TestExecutionStatusSucceeded, out.Status)
		require.JSONEq(t, `{"Payload":{"ok":true}}`, *out.InspectionData.Result)
		require.JSONEq(t, `{"input":{}}`, *out.Output)
	})

	t.Run("JSONataVariables", func(t *testing.T) {
		bind(t)
		out := run(&awssfn.TestStateInput{InspectionLevel: debug, Input: aws.String(`{"input_values":[1,2,3]}`),
			Variables: aws.String(`{"var_input_value":"test_value","var_constant_1":10}`),
			Definition: aws.String(`{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"total":"{% $sum($states.input.input_values) %}"},
				"Output":{"ja_var_access":"{% $var_input_value %}","ja_expr":"{% $sum($states.input.input_values) + $var_constant_1 %}"},"End":true}`)})
		require.JSONEq(t, `{"ja_var_access":"test_value","ja_expr":16}`, *out.Output)
		require.JSONEq(t, `{"var_input_value":"test_value","var_constant_1":10,"total":6}`, *out.InspectionData.Variables)
		require.Nil(t, out.InspectionData.AfterInputPath, "JSONata states have no JSONPath stages")
	})

	t.Run("StateOfAMachine", func(t *testing.T) {
		bind(t)
		out := run(&awssfn.TestStateInput{StateName: aws.String("Second"), Input: aws.String(`{}`),
			Definition: aws.String(`{"StartAt":"First","States":{"First":{"Type":"Pass","Next":"Second"},
				"Second":{"Type":"Pass","Result":2,"Next":"Third"},"Third":{"Type":"Succeed"}}}`)})
		require.Equal(t, "2", *out.Output)
		require.Equal(t, "Third", *out.NextState)
		_, err := e.client.TestState(ctx, &awssfn.TestStateInput{StateName: aws.String("Nope"),
			Definition: aws.String(`{"StartAt":"First","States":{"First":{"Type":"Pass","End":true}}}`)})
		require.Equal(t, "ValidationException", apiCode(t, err))
	})

	t.Run("Errors", func(t *testing.T) {
		bind(t)
		for _, c := range []struct {
			in   *awssfn.TestStateInput
			code string
			msg  string
		}{
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`)},
				"InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:000000000000:function:echo","End":true}`)},
				"ValidationException", "RoleArn must be specified when testing a Task state"},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Mock: &sfntypes.MockInput{Result: aws.String(`{}`)}},
				"ValidationException", "State type 'Pass' is not supported when a mock is specified"},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`),
				Mock: &sfntypes.MockInput{Result: aws.String(`{`)}}, "ValidationException", "Mocked result must be valid JSON"},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`),
				Mock: &sfntypes.MockInput{Result: aws.String(`{}`), ErrorOutput: &sfntypes.MockErrorOutput{Error: aws.String("E")}}},
				"ValidationException", "A test mock should have only one of the following fields: [result, errorOutput]."},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Next":1}`)}, "InvalidDefinition", ""},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String(`{`)}, "InvalidExecutionInput", ""},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), InspectionLevel: "LOUD"}, "ValidationException", ""},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Variables: aws.String(`[1]`)}, "ValidationException", ""},
			{&awssfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), RoleArn: aws.String("nope")}, "InvalidArn", ""},
		} {
			_, err := e.client.TestState(ctx, c.in)
			require.Equal(t, c.code, apiCode(t, err), *c.in.Definition)
			if c.msg != "" {
				require.Equal(t, c.msg, apiMessage(t, err))
			}
		}
	})
}
