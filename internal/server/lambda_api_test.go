package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

const role = "arn:aws:iam::000000000000:role/lambda"

func TestLambdaFunctionLifecycle(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	code := zipOf(t, map[string]string{"index.js": "exports.handler = async (e) => e;"})
	sum := sha256.Sum256(code)

	created, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{
		FunctionName: aws.String("team-picker"), Runtime: lambdatypes.RuntimeNodejs20x, Role: aws.String(role),
		Handler: aws.String("index.handler"), Code: &lambdatypes.FunctionCode{ZipFile: code},
		Environment: &lambdatypes.Environment{Variables: map[string]string{"TEAMS": "4"}},
		Tags:        map[string]string{"project": "진격의 거인"},
	})
	require.NoError(t, err)
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:team-picker", *created.FunctionArn)
	require.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), *created.CodeSha256)
	require.Equal(t, int64(len(code)), created.CodeSize)
	require.Equal(t, int32(3), *created.Timeout)
	require.Equal(t, int32(128), *created.MemorySize)
	require.Equal(t, lambdatypes.StatePending, created.State)

	// The waiter the aws CLI uses sees it Active.
	require.NoError(t, awslambda.NewFunctionActiveV2Waiter(lc).Wait(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("team-picker")}, 5e9))

	got, err := lc.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Equal(t, lambdatypes.StateActive, got.Configuration.State)
	require.Equal(t, "진격의 거인", got.Tags["project"])
	resp, err := http.Get(*got.Code.Location)
	require.NoError(t, err)
	downloaded, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, code, downloaded, "Code.Location serves the zip")

	_, err = lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("team-picker"),
		Runtime: lambdatypes.RuntimeNodejs20x, Role: aws.String(role), Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: code}})
	var conflict *lambdatypes.ResourceConflictException
	require.ErrorAs(t, err, &conflict)

	upd, err := lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("team-picker"), MemorySize: aws.Int32(256), Timeout: aws.Int32(10),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"TEAMS": "5"}}})
	require.NoError(t, err)
	require.Equal(t, lambdatypes.LastUpdateStatusInProgress, upd.LastUpdateStatus)
	require.NoError(t, awslambda.NewFunctionUpdatedV2Waiter(lc).Wait(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("team-picker")}, 5e9))
	cfg, err := lc.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Equal(t, int32(256), *cfg.MemorySize)
	require.Equal(t, "5", cfg.Environment.Variables["TEAMS"])

	v1, err := lc.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Equal(t, "1", *v1.Version)
	again, err := lc.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Equal(t, "1", *again.Version, "nothing changed: same version")

	code2 := zipOf(t, map[string]string{"index.js": "exports.handler = async () => 2;"})
	_, err = lc.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("team-picker"), ZipFile: code2, Publish: true})
	require.NoError(t, err)
	versions, err := lc.ListVersionsByFunction(ctx, &awslambda.ListVersionsByFunctionInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 3) // $LATEST, 1, 2

	alias, err := lc.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("team-picker"), Name: aws.String("prod"),
		FunctionVersion: aws.String("2"), RoutingConfig: &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0.1}}})
	require.NoError(t, err)
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:team-picker:prod", *alias.AliasArn)
	_, err = lc.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("team-picker"), Name: aws.String("prod"), FunctionVersion: aws.String("9")})
	var nf *lambdatypes.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	aliases, err := lc.ListAliases(ctx, &awslambda.ListAliasesInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Len(t, aliases.Aliases, 1)
	viaAlias, err := lc.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("team-picker"), Qualifier: aws.String("prod")})
	require.NoError(t, err)
	require.Equal(t, "2", *viaAlias.Version)
	_, err = lc.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("team-picker"), Qualifier: aws.String("2")})
	require.ErrorAs(t, err, &conflict, "an alias still points at version 2")

	_, err = lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("team-picker"), ReservedConcurrentExecutions: aws.Int32(5)})
	require.NoError(t, err)
	conc, err := lc.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	require.Equal(t, int32(5), *conc.ReservedConcurrentExecutions)
	_, err = lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("team-picker"), ReservedConcurrentExecutions: aws.Int32(950)})
	var badParam *lambdatypes.InvalidParameterValueException
	require.ErrorAs(t, err, &badParam)
	settings, err := lc.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	require.NoError(t, err)
	require.Equal(t, int64(1), settings.AccountUsage.FunctionCount)
	require.Equal(t, int32(995), *settings.AccountLimit.UnreservedConcurrentExecutions)

	perm, err := lc.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("team-picker"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::photos")})
	require.NoError(t, err)
	require.Contains(t, *perm.Statement, `"Sid":"s3"`)
	pol, err := lc.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(*pol.Policy), &doc))
	require.Len(t, doc["Statement"], 1)
	_, err = lc.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("team-picker"), StatementId: aws.String("s3")})
	require.NoError(t, err)
	_, err = lc.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("team-picker")})
	require.ErrorAs(t, err, &nf)

	_, err = lc.TagResource(ctx, &awslambda.TagResourceInput{Resource: created.FunctionArn, Tags: map[string]string{"team": "조사병단"}})
	require.NoError(t, err)
	_, err = lc.UntagResource(ctx, &awslambda.UntagResourceInput{Resource: created.FunctionArn, TagKeys: []string{"project"}})
	require.NoError(t, err)
	tags, err := lc.ListTags(ctx, &awslambda.ListTagsInput{Resource: created.FunctionArn})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"team": "조사병단"}, tags.Tags)

	_, err = lc.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("team-picker")})
	require.NoError(t, err)
	_, err = lc.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("team-picker")})
	require.ErrorAs(t, err, &nf)
}

func TestLambdaCreateValidation(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	code := zipOf(t, map[string]string{"h.py": "def h(e, c): return e"})
	base := func() *awslambda.CreateFunctionInput {
		return &awslambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: lambdatypes.RuntimePython312,
			Role: aws.String(role), Handler: aws.String("h.h"), Code: &lambdatypes.FunctionCode{ZipFile: code}}
	}
	for name, tc := range map[string]struct {
		mutate func(*awslambda.CreateFunctionInput)
		code   string
	}{
		"memory too small":   {func(in *awslambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }, "ValidationException"},
		"memory too large":   {func(in *awslambda.CreateFunctionInput) { in.MemorySize = aws.Int32(10241) }, "ValidationException"},
		"timeout too long":   {func(in *awslambda.CreateFunctionInput) { in.Timeout = aws.Int32(901) }, "ValidationException"},
		"bad name":           {func(in *awslambda.CreateFunctionInput) { in.FunctionName = aws.String("has space") }, "ValidationException"},
		"long name":          {func(in *awslambda.CreateFunctionInput) { in.FunctionName = aws.String(strings.Repeat("a", 65)) }, "ValidationException"},
		"bad role":           {func(in *awslambda.CreateFunctionInput) { in.Role = aws.String("role") }, "ValidationException"},
		"unknown runtime":    {func(in *awslambda.CreateFunctionInput) { in.Runtime = "cobol1.0" }, "ValidationException"},
		"deprecated runtime": {func(in *awslambda.CreateFunctionInput) { in.Runtime = lambdatypes.RuntimePython27 }, "InvalidParameterValueException"},
		"image":              {func(in *awslambda.CreateFunctionInput) { in.PackageType = lambdatypes.PackageTypeImage }, "InvalidParameterValueException"},
		"not a zip":          {func(in *awslambda.CreateFunctionInput) { in.Code.ZipFile = []byte("not a zip") }, "InvalidParameterValueException"},
		"no code":            {func(in *awslambda.CreateFunctionInput) { in.Code.ZipFile = nil }, "InvalidParameterValueException"},
		"env too big": {func(in *awslambda.CreateFunctionInput) {
			in.Environment = &lambdatypes.Environment{Variables: map[string]string{"BIG": strings.Repeat("x", 4100)}}
		}, "InvalidParameterValueException"},
		"reserved env": {func(in *awslambda.CreateFunctionInput) {
			in.Environment = &lambdatypes.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
		}, "InvalidParameterValueException"},
		"tmp too big": {func(in *awslambda.CreateFunctionInput) {
			in.EphemeralStorage = &lambdatypes.EphemeralStorage{Size: aws.Int32(10241)}
		}, "ValidationException"},
	} {
		in := base()
		tc.mutate(in)
		_, err := lc.CreateFunction(ctx, in)
		require.Equal(t, tc.code, apiCode(t, err), name)
	}
	fns, err := lc.ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	require.NoError(t, err)
	require.Empty(t, fns.Functions, "nothing was created by a refused request")

	// Garbage bodies get InvalidRequestContentException.
	resp, err := http.Post(url+"/2015-03-31/functions", "application/json", strings.NewReader(`{"FunctionName": `))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "InvalidRequestContentException", resp.Header.Get("X-Amzn-ErrorType"))
}

func TestLambdaListPaginationAndConcurrentCreates(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	code := zipOf(t, map[string]string{"h.py": "def h(e, c): return e"})
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("fn-" + string(rune('a'+i/26)) + string(rune('a'+i%26))),
				Runtime: lambdatypes.RuntimePython312, Role: aws.String(role), Handler: aws.String("h.h"), Code: &lambdatypes.FunctionCode{ZipFile: code}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var names []string
	p := awslambda.NewListFunctionsPaginator(lc, &awslambda.ListFunctionsInput{MaxItems: aws.Int32(7)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Functions), 7)
		for _, f := range page.Functions {
			names = append(names, *f.FunctionName)
		}
	}
	require.Len(t, names, 30)
	require.IsIncreasing(t, names)
}
