package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// apiError asserts an AWS error's code and message.
func apiError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want an AWS API error, got %v", err)
	require.Equal(t, code, ae.ErrorCode())
	require.Equal(t, message, ae.ErrorMessage())
}

// TestEventInvokeConfigAPI follows AWS's recorded behaviour of the event
// invoke configuration operations (messages, shapes, put versus update).
func TestEventInvokeConfigAPI(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	code := map[string]string{"index.js": "exports.handler = async () => 1;"}
	createFn(t, lc, "fn", lambdatypes.RuntimeNodejs20x, "index.handler", code, nil)
	createFn(t, lc, "other", lambdatypes.RuntimeNodejs20x, "index.handler", code, nil)
	_, err := lc.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	_, err = lc.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("fn"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	require.NoError(t, err)
	const prefix = "arn:aws:lambda:us-east-1:000000000000:function:"
	put := func(name, qualifier string, mutate func(*awslambda.PutFunctionEventInvokeConfigInput)) (*awslambda.PutFunctionEventInvokeConfigOutput, error) {
		in := &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(name)}
		if qualifier != "" {
			in.Qualifier = aws.String(qualifier)
		}
		if mutate != nil {
			mutate(in)
		}
		return lc.PutFunctionEventInvokeConfig(ctx, in)
	}
	retries := func(n int32) func(*awslambda.PutFunctionEventInvokeConfigInput) {
		return func(in *awslambda.PutFunctionEventInvokeConfigInput) { in.MaximumRetryAttempts = aws.Int32(n) }
	}
	onSuccess := func(dest string) func(*awslambda.PutFunctionEventInvokeConfigInput) {
		return func(in *awslambda.PutFunctionEventInvokeConfigInput) {
			in.DestinationConfig = &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String(dest)}}
		}
	}

	// The function, and what must be given.
	_, err = put("doesnotexist", "", retries(1))
	apiError(t, err, "ResourceNotFoundException", "The function doesn't exist.")
	_, err = put(prefix+"doesnotexist", "", retries(1))
	apiError(t, err, "ResourceNotFoundException", "The function doesn't exist.")
	_, err = put("doesnotexist", "", nil)
	apiError(t, err, "InvalidParameterValueException", "You must specify at least one of error handling or destination setting.")

	// Limits.
	_, err = put("fn", "", retries(3))
	apiError(t, err, "ValidationException", "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")
	_, err = put("fn", "", retries(-1))
	apiError(t, err, "ValidationException", "1 validation error detected: Value '-1' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0")
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) { in.MaximumEventAgeInSeconds = aws.Int32(59) })
	apiError(t, err, "ValidationException", "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60")
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) { in.MaximumEventAgeInSeconds = aws.Int32(21601) })
	apiError(t, err, "ValidationException", "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600")

	// Destinations.
	_, err = put("fn", "", onSuccess(prefix+"doesnotexist"))
	apiError(t, err, "InvalidParameterValueException", "The destination ARN "+prefix+"doesnotexist is invalid.")
	_, err = put("fn", "", onSuccess(prefix+"fn"))
	apiError(t, err, "InvalidParameterValueException", "You can't specify the function as a destination for itself.")
	iam := "arn:aws:iam:us-east-1:000000000000:function:fn"
	_, err = put("fn", "", onSuccess(iam))
	apiError(t, err, "InvalidParameterValueException", "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="+iam+"), onFailure=null) is invalid.")
	sqs := "arn:aws:sqs:us-east-1:000000000000:dlq"
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) {
		in.DestinationConfig = &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String(sqs)}}
	})
	apiError(t, err, "InvalidParameterValueException", "The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination="+sqs+")) is invalid. gureum delivers invocation records to Lambda functions only; it has no sqs service to send them to.")
	bad := "arn:aws:_-/!lambda:us-east-1:000000000000:function:fn"
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) {
		in.DestinationConfig = &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String(bad)}}
	})
	apiError(t, err, "ValidationException", "1 validation error detected: Value '"+bad+"' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)")

	before := time.Now().Add(-time.Second)
	out, err := put("fn", "", onSuccess(prefix+"other"))
	require.NoError(t, err)
	require.Equal(t, prefix+"fn:$LATEST", *out.FunctionArn)
	require.Equal(t, prefix+"other", *out.DestinationConfig.OnSuccess.Destination)
	require.Nil(t, out.DestinationConfig.OnFailure.Destination)
	require.Nil(t, out.MaximumRetryAttempts)
	require.Nil(t, out.MaximumEventAgeInSeconds)
	require.True(t, out.LastModified.After(before), "LastModified %v", out.LastModified)
	out, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) {
		in.DestinationConfig = &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{}}
	})
	require.NoError(t, err)
	require.Nil(t, out.DestinationConfig.OnSuccess.Destination)

	// Qualifiers: explicit, in the name, in an ARN; and their conflicts.
	for _, c := range []struct{ name, qualifier, arn string }{
		{"fn", "$LATEST", prefix + "fn:$LATEST"},
		{"fn", "1", prefix + "fn:1"},
		{"fn", "live", prefix + "fn:live"},
		{prefix + "fn:live", "", prefix + "fn:live"},
		{prefix + "fn:live", "live", prefix + "fn:live"},
		{"fn:live", "", prefix + "fn:live"},
		{"fn:1", "", prefix + "fn:1"},
		{"fn:$LATEST", "$LATEST", prefix + "fn:$LATEST"},
	} {
		out, err := put(c.name, c.qualifier, retries(1))
		require.NoError(t, err, "%s %s", c.name, c.qualifier)
		require.Equal(t, c.arn, *out.FunctionArn)
		require.Equal(t, int32(1), *out.MaximumRetryAttempts)
	}
	_, err = put("fn", "livedoesnotexist", retries(1))
	apiError(t, err, "ResourceNotFoundException", "The function doesn't exist.")
	for _, c := range [][2]string{{prefix + "fn:live", "livedoesnotexist"}, {"fn:1", "$LATEST"}, {"fn:$LATEST", "1"}, {"fn:1", "live"}} {
		_, err = put(c[0], c[1], retries(1))
		apiError(t, err, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")
	}

	// Put replaces, Update merges.
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) {
		in.MaximumRetryAttempts, in.MaximumEventAgeInSeconds = aws.Int32(2), aws.Int32(60)
	})
	require.NoError(t, err)
	_, err = put("fn", "", retries(0))
	require.NoError(t, err)
	got, err := lc.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	require.Equal(t, int32(0), *got.MaximumRetryAttempts)
	require.Nil(t, got.MaximumEventAgeInSeconds)
	_, err = put("fn", "", func(in *awslambda.PutFunctionEventInvokeConfigInput) {
		in.MaximumRetryAttempts, in.MaximumEventAgeInSeconds = aws.Int32(2), aws.Int32(60)
	})
	require.NoError(t, err)
	upd, err := lc.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("fn"),
		MaximumRetryAttempts: aws.Int32(0)})
	require.NoError(t, err)
	require.Equal(t, int32(0), *upd.MaximumRetryAttempts)
	require.Equal(t, int32(60), *upd.MaximumEventAgeInSeconds)
	_, err = lc.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	apiError(t, err, "InvalidParameterValueException", "You must specify at least one of error handling or destination setting.")
	_, err = lc.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("doesnotexist"),
		MaximumRetryAttempts: aws.Int32(0)})
	apiError(t, err, "ResourceNotFoundException", "The function doesn't exist.")
	_, err = lc.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("other"),
		MaximumRetryAttempts: aws.Int32(0)})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"other:$LATEST doesn't have an EventInvokeConfig")

	// List, in qualifier order, paged.
	list, err := lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	var arns []string
	for _, c := range list.FunctionEventInvokeConfigs {
		arns = append(arns, *c.FunctionArn)
	}
	require.Equal(t, []string{prefix + "fn:$LATEST", prefix + "fn:1", prefix + "fn:live"}, arns)
	require.Nil(t, list.NextMarker)
	page, err := lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("fn"), MaxItems: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, page.FunctionEventInvokeConfigs, 2)
	require.NotNil(t, page.NextMarker)
	page, err = lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("fn"),
		MaxItems: aws.Int32(2), Marker: page.NextMarker})
	require.NoError(t, err)
	require.Len(t, page.FunctionEventInvokeConfigs, 1)
	require.Equal(t, prefix+"fn:live", *page.FunctionEventInvokeConfigs[0].FunctionArn)
	_, err = lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("fn"), MaxItems: aws.Int32(51)})
	apiError(t, err, "ValidationException", "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50")
	_, err = lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("doesnotexist")})
	apiError(t, err, "ResourceNotFoundException", "The function doesn't exist.")

	// Get and Delete name the qualified ARN they looked for.
	_, err = lc.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("doesnotexist")})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"doesnotexist:$LATEST doesn't have an EventInvokeConfig")
	_, err = lc.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("fn"), Qualifier: aws.String("doesnotexist")})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"fn:doesnotexist doesn't have an EventInvokeConfig")
	_, err = lc.DeleteFunctionEventInvokeConfig(ctx, &awslambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("fn"), Qualifier: aws.String("$LATEST")})
	require.NoError(t, err)
	_, err = lc.DeleteFunctionEventInvokeConfig(ctx, &awslambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"fn:$LATEST doesn't have an EventInvokeConfig")
	_, err = lc.DeleteFunctionEventInvokeConfig(ctx, &awslambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("doesnotexist")})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"doesnotexist:$LATEST doesn't have an EventInvokeConfig")

	// Deleting an alias takes its configuration along.
	_, err = lc.DeleteAlias(ctx, &awslambda.DeleteAliasInput{FunctionName: aws.String("fn"), Name: aws.String("live")})
	require.NoError(t, err)
	_, err = lc.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(prefix + "fn:live")})
	apiError(t, err, "ResourceNotFoundException", "The function "+prefix+"fn:live doesn't have an EventInvokeConfig")
	list, err = lc.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	require.Len(t, list.FunctionEventInvokeConfigs, 1)
	require.Equal(t, prefix+"fn:1", *list.FunctionEventInvokeConfigs[0].FunctionArn)
}
