package sfnapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

// resultMachine is a one-Pass machine whose output is result.
func resultMachine(t *testing.T, result string) string {
	return definition(t, map[string]any{"StartAt": "P", "States": map[string]any{
		"P": map[string]any{"Type": "Pass", "Result": result, "End": true}}})
}

func TestStateMachineVersions(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()

		created, err := e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("versioned"), Definition: aws.String(resultMachine(t, "one")), RoleArn: aws.String(roleArn),
			Publish: true, VersionDescription: aws.String("first")})
		require.NoError(t, err)
		smArn := *created.StateMachineArn
		require.Equal(t, smArn+":1", *created.StateMachineVersionArn)

		// Create is idempotent, version included.
		again, err := e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("versioned"), Definition: aws.String(resultMachine(t, "one")), RoleArn: aws.String(roleArn),
			Publish: true, VersionDescription: aws.String("first")})
		require.NoError(t, err)
		require.Equal(t, smArn+":1", *again.StateMachineVersionArn)

		// Publishing an unchanged state machine returns its version.
		pub, err := e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Equal(t, smArn+":1", *pub.StateMachineVersionArn)
		_, err = e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(smArn), RevisionId: aws.String("INITIAL")})
		require.NoError(t, err, "INITIAL names the revision of a never-updated state machine")

		// Update and publish in one call; the revision is checked.
		upd, err := e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
			Definition: aws.String(resultMachine(t, "two")), Publish: true, VersionDescription: aws.String("second")})
		require.NoError(t, err)
		require.Equal(t, smArn+":2", *upd.StateMachineVersionArn)
		_, err = e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(smArn), RevisionId: aws.String("INITIAL")})
		require.Equal(t, "ConflictException", apiCode(t, err))
		// An update that changes nothing keeps the revision.
		same, err := e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
			Definition: aws.String(resultMachine(t, "two"))})
		require.NoError(t, err)
		require.Equal(t, *upd.RevisionId, *same.RevisionId)
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
			Definition: aws.String(resultMachine(t, "three"))})
		require.NoError(t, err)
		_, err = e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(smArn), RevisionId: upd.RevisionId})
		require.Equal(t, "ConflictException", apiCode(t, err), "the state machine changed since that revision")
		third, err := e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(smArn), Description: aws.String("third")})
		require.NoError(t, err)
		require.Equal(t, smArn+":3", *third.StateMachineVersionArn)

		// A version describes as it was published.
		v1, err := e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn + ":1")})
		require.NoError(t, err)
		require.Equal(t, smArn+":1", *v1.StateMachineArn)
		require.Equal(t, "versioned", *v1.Name)
		require.Equal(t, "first", *v1.Description)
		require.Equal(t, resultMachine(t, "one"), *v1.Definition)
		require.Equal(t, sfntypes.StateMachineTypeStandard, v1.Type)
		v2, err := e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn + ":2")})
		require.NoError(t, err)
		require.Equal(t, *upd.RevisionId, *v2.RevisionId)
		_, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn + ":9")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))

		// Newest first, in pages.
		var listed []string
		var token *string
		for {
			page, err := e.client.ListStateMachineVersions(ctx, &awssfn.ListStateMachineVersionsInput{
				StateMachineArn: aws.String(smArn), MaxResults: 2, NextToken: token})
			require.NoError(t, err)
			for _, v := range page.StateMachineVersions {
				listed = append(listed, *v.StateMachineVersionArn)
			}
			if token = page.NextToken; token == nil {
				break
			}
		}
		require.Equal(t, []string{smArn + ":3", smArn + ":2", smArn + ":1"}, listed)

		// Executions of a version run its definition and record it.
		execArn := e.startExecution(t, smArn+":1", "v1-run", `{}`)
		desc := e.waitDone(t, execArn)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.Equal(t, `"one"`, *desc.Output)
		require.Equal(t, smArn+":1", *desc.StateMachineVersionArn)
		require.Nil(t, desc.StateMachineAliasArn)
		require.Equal(t, smArn, *desc.StateMachineArn)
		events := e.history(t, execArn, 0, false)
		require.Equal(t, smArn+":1", *events[0].ExecutionStartedEventDetails.StateMachineVersionArn)
		latest := e.waitDone(t, e.startExecution(t, smArn, "latest-run", `{}`))
		require.Equal(t, `"three"`, *latest.Output)
		require.Nil(t, latest.StateMachineVersionArn)
		byVersion, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn + ":1")})
		require.NoError(t, err)
		require.Len(t, byVersion.Executions, 1)
		require.Equal(t, execArn, *byVersion.Executions[0].ExecutionArn)
		require.Equal(t, smArn+":1", *byVersion.Executions[0].StateMachineVersionArn)
		all, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Len(t, all.Executions, 2)

		// Deleting versions; numbers are never reused.
		_, err = e.client.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(smArn + ":3")})
		require.NoError(t, err)
		_, err = e.client.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(smArn + ":3")})
		require.NoError(t, err, "deleting a missing version succeeds")
		_, err = e.client.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(smArn)})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		_, err = e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
			Definition: aws.String(resultMachine(t, "four")), Publish: true})
		require.NoError(t, err)
		v4, err := e.client.ListStateMachineVersions(ctx, &awssfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Equal(t, smArn+":4", *v4.StateMachineVersions[0].StateMachineVersionArn)
		_, err = e.client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn + ":3")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))

		// Bad input.
		_, err = e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(smArn), Description: aws.String(strings.Repeat("d", 257))})
		require.Equal(t, "ValidationException", apiCode(t, err))
		_, err = e.client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn + "-nope")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		_, err = e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String("x"),
			Definition: aws.String(resultMachine(t, "x")), RoleArn: aws.String(roleArn), VersionDescription: aws.String("no publish")})
		require.Equal(t, "ValidationException", apiCode(t, err))

		// Deleting the state machine deletes its versions.
		_, err = e.client.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		_, err = e.client.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn + ":1")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))
		gone, err := e.client.ListStateMachineVersions(ctx, &awssfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Empty(t, gone.StateMachineVersions)
	})
}

func TestStateMachineAliases(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, driver string) {
		e := start(t, driver, nil)
		ctx := t.Context()
		created, err := e.client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name: aws.String("aliased"), Definition: aws.String(resultMachine(t, "blue")), RoleArn: aws.String(roleArn), Publish: true})
		require.NoError(t, err)
		smArn, v1 := *created.StateMachineArn, *created.StateMachineVersionArn
		upd, err := e.client.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn),
			Definition: aws.String(resultMachine(t, "green")), Publish: true})
		require.NoError(t, err)
		v2 := *upd.StateMachineVersionArn
		route := func(arn string, w int32) sfntypes.RoutingConfigurationListItem {
			return sfntypes.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(arn), Weight: w}
		}

		al, err := e.client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
			Description: aws.String("production"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 100)}})
		require.NoError(t, err)
		aliasArn := smArn + ":PROD"
		require.Equal(t, aliasArn, *al.StateMachineAliasArn)
		same, err := e.client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
			Description: aws.String("production"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 100)}})
		require.NoError(t, err, "create is idempotent")
		require.Equal(t, al.CreationDate.UnixMilli(), same.CreationDate.UnixMilli())
		_, err = e.client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
			RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v2, 100)}})
		require.Equal(t, "ConflictException", apiCode(t, err))

		d, err := e.client.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn)})
		require.NoError(t, err)
		require.Equal(t, "PROD", *d.Name)
		require.Equal(t, "production", *d.Description)
		require.Len(t, d.RoutingConfiguration, 1)
		require.Equal(t, v1, *d.RoutingConfiguration[0].StateMachineVersionArn)
		require.Equal(t, int32(100), d.RoutingConfiguration[0].Weight)

		// Executions through the alias run its version and record both.
		execArn := e.startExecution(t, aliasArn, "via-alias", `{}`)
		desc := e.waitDone(t, execArn)
		require.Equal(t, `"blue"`, *desc.Output)
		require.Equal(t, aliasArn, *desc.StateMachineAliasArn)
		require.Equal(t, v1, *desc.StateMachineVersionArn)
		first := e.history(t, execArn, 0, false)[0].ExecutionStartedEventDetails
		require.Equal(t, aliasArn, *first.StateMachineAliasArn)
		require.Equal(t, v1, *first.StateMachineVersionArn)
		viaAlias, err := e.client.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: aws.String(aliasArn)})
		require.NoError(t, err)
		require.Len(t, viaAlias.Executions, 1)
		require.Equal(t, aliasArn, *viaAlias.Executions[0].StateMachineAliasArn)

		// A version an alias routes to cannot be deleted.
		_, err = e.client.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		require.Equal(t, "ConflictException", apiCode(t, err))
		require.Contains(t, apiMessage(t, err), aliasArn)

		// Weighted routing between two versions.
		_, err = e.client.UpdateStateMachineAlias(ctx, &awssfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn),
			RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 30), route(v2, 70)}})
		require.NoError(t, err)
		counts := map[string]int{}
		for i := range 60 {
			desc := e.waitDone(t, e.startExecution(t, aliasArn, fmt.Sprintf("split-%d", i), `{}`))
			var out string
			require.NoError(t, json.Unmarshal([]byte(*desc.Output), &out))
			counts[out]++
			require.Equal(t, map[string]string{"blue": v1, "green": v2}[out], *desc.StateMachineVersionArn)
		}
		require.Greater(t, counts["blue"], 0, "both versions get executions: %v", counts)
		require.Greater(t, counts["green"], counts["blue"], "70%% beats 30%%: %v", counts)

		// Listing: newest first; by version.
		_, err = e.client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("beta.1"),
			RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v2, 100)}})
		require.NoError(t, err)
		list, err := e.client.ListStateMachineAliases(ctx, &awssfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		require.Len(t, list.StateMachineAliases, 2)
		require.Equal(t, smArn+":beta.1", *list.StateMachineAliases[0].StateMachineAliasArn)
		byV1, err := e.client.ListStateMachineAliases(ctx, &awssfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(v1)})
		require.NoError(t, err)
		require.Len(t, byV1.StateMachineAliases, 1)
		require.Equal(t, aliasArn, *byV1.StateMachineAliases[0].StateMachineAliasArn)
		page, err := e.client.ListStateMachineAliases(ctx, &awssfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(v2), MaxResults: 1})
		require.NoError(t, err)
		require.Len(t, page.StateMachineAliases, 1)
		require.NotNil(t, page.NextToken)
		page2, err := e.client.ListStateMachineAliases(ctx, &awssfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(v2), MaxResults: 1, NextToken: page.NextToken})
		require.NoError(t, err)
		require.Len(t, page2.StateMachineAliases, 1)
		require.NotEqual(t, *page.StateMachineAliases[0].StateMachineAliasArn, *page2.StateMachineAliases[0].StateMachineAliasArn)

		// Validation.
		for _, c := range []struct {
			in   *awssfn.CreateStateMachineAliasInput
			code string
		}{
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("123"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 100)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("a b"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 100)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 50)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 101)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 50), route(v1, 50)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(v1, 20), route(v2, 20), route(v2, 60)}}, "ValidationException"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(smArn+":77", 100)}}, "ResourceNotFound"},
			{&awssfn.CreateStateMachineAliasInput{Name: aws.String("w"), RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{route(smArn, 100)}}, "InvalidArn"},
		} {
			_, err := e.client.CreateStateMachineAlias(ctx, c.in)
			require.Equal(t, c.code, apiCode(t, err), "%s %v", *c.in.Name, c.in.RoutingConfiguration)
		}
		_, err = e.client.UpdateStateMachineAlias(ctx, &awssfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn)})
		require.Equal(t, "ValidationException", apiCode(t, err), "nothing to update")
		_, err = e.client.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(smArn + ":nope")})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		_, err = e.client.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(smArn)})
		require.Equal(t, "InvalidArn", apiCode(t, err))
		_, err = e.client.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn + ":nope")})
		require.Equal(t, "StateMachineDoesNotExist", apiCode(t, err))

		// Deleting an alias frees its versions; deleting the state machine
		// deletes what is left.
		_, err = e.client.DeleteStateMachineAlias(ctx, &awssfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn)})
		require.NoError(t, err)
		_, err = e.client.DeleteStateMachineAlias(ctx, &awssfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn)})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
		_, err = e.client.DeleteStateMachineVersion(ctx, &awssfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		require.NoError(t, err)
		_, err = e.client.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: aws.String(smArn)})
		require.NoError(t, err)
		_, err = e.client.DescribeStateMachineAlias(ctx, &awssfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(smArn + ":beta.1")})
		require.Equal(t, "ResourceNotFound", apiCode(t, err))
	})
}
