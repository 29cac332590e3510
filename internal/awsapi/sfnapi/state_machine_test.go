package sfnapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

func TestStateMachineLifecycle(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		def := passChain(t, 2)

		created, err := e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("flow"), Definition: aws.String(def), RoleArn: aws.String(roleArn),
			Tags: []sfntypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		})
		require.NoError(t, err)
		smArn := "arn:aws:states:us-east-1:000000000000:stateMachine:flow"
		require.Equal(t, smArn, *created.StateMachineArn)

		// Idempotent: same name, definition, type and configuration (a
		// different role is ignored, as on AWS).
		again, err := e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("flow"), Definition: aws.String(def), RoleArn: aws.String(roleArn + "-other")})
		require.NoError(t, err)
		require.Equal(t, smArn, *again.StateMachineArn)
		require.Equal(t, created.CreationDate.UnixMilli(), again.CreationDate.UnixMilli())

		_, err = e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("flow"), Definition: aws.String(passChain(t, 3)), RoleArn: aws.String(roleArn)})
		var exists *sfntypes.StateMachineAlreadyExists
		require.ErrorAs(t, err, &exists)
		require.Equal(t, "State Machine Already Exists: '"+smArn+"'", *exists.Message)
		_, err = e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("flow"), Definition: aws.String(def), RoleArn: aws.String(roleArn), Type: sfntypes.StateMachineTypeExpress})
		require.ErrorAs(t, err, &exists)

		desc, err := e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Equal(t, "flow", *desc.Name)
		require.Equal(t, def, *desc.Definition)
		require.Equal(t, roleArn, *desc.RoleArn)
		require.Equal(t, sfntypes.StateMachineTypeStandard, desc.Type)
		require.Equal(t, sfntypes.StateMachineStatusActive, desc.Status)
		require.Equal(t, sfntypes.LogLevelOff, desc.LoggingConfiguration.Level)
		require.False(t, desc.TracingConfiguration.Enabled)

		newDef := passChain(t, 4)
		upd, err := e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{
			StateMachineArn: aws.String(smArn), Definition: aws.String(newDef),
			TracingConfiguration: &sfntypes.TracingConfiguration{Enabled: true}})
		require.NoError(t, err)
		require.NotEmpty(t, *upd.RevisionId)
		desc, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Equal(t, newDef, *desc.Definition)
		require.True(t, desc.TracingConfiguration.Enabled)
		require.Equal(t, *upd.RevisionId, *desc.RevisionId)

		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.Equal(t, "MissingRequiredParameter", apiCode(t, err))
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn), Definition: aws.String("{}")})
		require.Equal(t, "InvalidDefinition", apiCode(t, err))
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn + "-nope"), RoleArn: aws.String(roleArn)})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn), RoleArn: aws.String("role")})
		require.Equal(t, "InvalidArn", apiCode(t, err))

		list, err := e.client.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
		require.NoError(t, err)
		require.Len(t, list.StateMachines, 1)
		require.Equal(t, smArn, *list.StateMachines[0].StateMachineArn)

		_, err = e.client.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		_, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		_, err = e.client.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err, "deleting what does not exist succeeds, as on AWS")
		_, err = e.client.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:000000000000:activity:a")})
		require.Equal(t, "InvalidArn", apiCode(t, err))

		// The name is free again, with another definition.
		require.Equal(t, smArn, e.createMachine(t, "flow", newDef, sfntypes.StateMachineTypeExpress))
	})
}

func TestCreateStateMachineErrors(t *testing.T) {
	t.Parallel()
	e := start(t, "sqlite", nil)
	ctx := t.Context()
	def := passChain(t, 1)
	create := func(name, def, role string, mutate func(*awssfn.CreateStateMachineInput)) error {
		in := &awssfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String(role)}
		if mutate != nil {
			mutate(in)
		}
		_, err := e.client.CreateStateMachine(ctx, in)
		return err
	}

	err := create("ok", `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}`, roleArn, nil)
	require.Equal(t, "InvalidDefinition", apiCode(t, err))
	require.Equal(t, "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, "+
		"MISSING_END_STATE: Workflow has no terminal state'", apiMessage(t, err))

	err = create("ok", `not json`, roleArn, nil)
	require.Equal(t, "InvalidDefinition", apiCode(t, err))

	for _, name := range []string{"has space", "a/b", "a:b", "", "x#y"} {
		err := create(name, def, roleArn, nil)
		if name == "" {
			require.Error(t, err)
			continue
		}
		require.Equal(t, "InvalidName", apiCode(t, err), "name %q", name)
		require.Equal(t, "Invalid Name: '"+name+"'", apiMessage(t, err))
	}
	err = create(strings.Repeat("n", 81), def, roleArn, nil)
	require.Equal(t, "ValidationException", apiCode(t, err))

	err = create("ok", def, "not-a-role", nil)
	require.Equal(t, "InvalidArn", apiCode(t, err))
	require.Equal(t, "Invalid Arn: 'not-a-role'", apiMessage(t, err))

	status, body := e.call(t, "CreateStateMachine", `{"name": "ok", "definition": "{}"}`)
	require.Equal(t, 400, status)
	require.Equal(t, "ValidationException", body["__type"])
	require.Contains(t, body["message"], "Value null at 'roleArn'")

	err = create("ok", def, roleArn, func(in *awssfn.CreateStateMachineInput) { in.Type = "BATCH" })
	require.Equal(t, "ValidationException", apiCode(t, err))
	require.Contains(t, apiMessage(t, err), "Member must satisfy enum value set: [STANDARD, EXPRESS]")

	err = create("ok", def, roleArn, func(in *awssfn.CreateStateMachineInput) {
		in.LoggingConfiguration = &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelAll}
	})
	require.Equal(t, "InvalidLoggingConfiguration", apiCode(t, err))

	// loggingConfiguration with one destination is accepted and reported.
	logging := &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelError, IncludeExecutionData: true,
		Destinations: []sfntypes.LogDestination{{CloudWatchLogsLogGroup: &sfntypes.CloudWatchLogsLogGroup{
			LogGroupArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:*")}}}}
	require.NoError(t, create("logged", def, roleArn, func(in *awssfn.CreateStateMachineInput) { in.LoggingConfiguration = logging }))
	desc, err := e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:logged")})
	require.NoError(t, err)
	require.Equal(t, sfntypes.LogLevelError, desc.LoggingConfiguration.Level)
	require.True(t, desc.LoggingConfiguration.IncludeExecutionData)
	require.Equal(t, "arn:aws:logs:us-east-1:000000000000:log-group:g:*", *desc.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn)

	// Describe: bad ARNs.
	_, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String("nope")})
	require.Equal(t, "InvalidArn", apiCode(t, err))
	_, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:000000000000:execution:m:e")})
	require.Equal(t, "InvalidArn", apiCode(t, err))
	require.Equal(t, "Invalid Arn: 'Resource type not valid in this context: execution'", apiMessage(t, err))
}

func TestListStateMachinesPagination(t *testing.T) {
	t.Parallel()
	e := start(t, "sqlite", nil)
	ctx := t.Context()
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("m-%d", i)
		e.createMachine(t, name, passChain(t, 1), "")
		want = append(want, name)
	}
	var (
		got   []string
		token *string
	)
	for {
		out, err := e.client.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{MaxResults: 3, NextToken: token})
		require.NoError(t, err)
		for _, sm := range out.StateMachines {
			got = append(got, *sm.Name)
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	require.Equal(t, want, got)
	_, err := e.client.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{NextToken: aws.String("garbage")})
	require.Equal(t, "InvalidToken", apiCode(t, err))
	_, err = e.client.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{MaxResults: 1001})
	require.Equal(t, "ValidationException", apiCode(t, err))
}

func TestTags(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		smArn := e.createMachine(t, "tagged", passChain(t, 1), "")
		tags := func() map[string]string {
			out, err := e.client.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(smArn)})
			require.NoError(t, err)
			m := map[string]string{}
			for _, tg := range out.Tags {
				m[*tg.Key] = *tg.Value
			}
			return m
		}
		require.Empty(t, tags())
		_, err := e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(smArn), Tags: []sfntypes.Tag{
			{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}})
		require.NoError(t, err)
		_, err = e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(smArn), Tags: []sfntypes.Tag{
			{Key: aws.String("a"), Value: aws.String("3")}}})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"a": "3", "b": "2"}, tags())
		_, err = e.client.UntagResource(ctx, &awssfn.UntagResourceInput{ResourceArn: aws.String(smArn), TagKeys: []string{"b", "zzz"}})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"a": "3"}, tags())

		var many []sfntypes.Tag
		for i := range 50 {
			many = append(many, sfntypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
		}
		_, err = e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(smArn), Tags: many})
		require.Equal(t, "TooManyTags", apiCode(t, err))
		require.Equal(t, map[string]string{"a": "3"}, tags(), "a refused tagging changes nothing")

		_, err = e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(smArn), Tags: []sfntypes.Tag{
			{Key: aws.String(""), Value: aws.String("1")}}})
		require.Equal(t, "ValidationException", apiCode(t, err))

		missing := smArn + "-missing"
		_, err = e.client.ListTagsForResource(ctx, &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		require.Equal(t, "Resource not found: '"+missing+"'", apiMessage(t, err))
		_, err = e.client.TagResource(ctx, &awssfn.TagResourceInput{ResourceArn: aws.String(missing), Tags: []sfntypes.Tag{}})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		_, err = e.client.UntagResource(ctx, &awssfn.UntagResourceInput{ResourceArn: aws.String("garbage"), TagKeys: []string{}})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
	})
}

func TestValidateStateMachineDefinition(t *testing.T) {
	t.Parallel()
	e := start(t, "sqlite", nil)
	ctx := t.Context()
	out, err := e.client.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passChain(t, 3))})
	require.NoError(t, err)
	require.Equal(t, sfntypes.ValidateStateMachineDefinitionResultCodeOk, out.Result)
	require.Empty(t, out.Diagnostics)

	out, err = e.client.ValidateStateMachineDefinition(ctx, &awssfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}`)})
	require.NoError(t, err)
	require.Equal(t, sfntypes.ValidateStateMachineDefinitionResultCodeFail, out.Result)
	require.Len(t, out.Diagnostics, 2)
	require.Equal(t, "MISSING_TRANSITION_TARGET", *out.Diagnostics[0].Code)
	require.Equal(t, "MISSING_END_STATE", *out.Diagnostics[1].Code)
	require.Equal(t, sfntypes.ValidateStateMachineDefinitionSeverityError, out.Diagnostics[0].Severity)
	require.Equal(t, "/States/A/Next", *out.Diagnostics[0].Location)

	status, body := e.call(t, "ValidateStateMachineDefinition", `{}`)
	require.Equal(t, 400, status)
	require.Equal(t, "ValidationException", body["__type"])
}
