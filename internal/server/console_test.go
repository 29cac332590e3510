package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
)

func httpGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func TestConsoleIsServed(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	res, body := httpGet(t, url+"/console/states/x/executions/y")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	require.Contains(t, body, `<div id="app">`)
	// Authentication does not apply to the console's files: its API calls
	// are signed in the browser.
	url = start(t, func(c *config.Config) { c.Auth = true; c.AccessKeys = map[string]string{"AKIDEXAMPLE": "secret"} })
	res, _ = httpGet(t, url+"/console/")
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func TestRuntimesEndpoint(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	res, body := httpGet(t, url+"/_gureum/runtimes")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	var out struct {
		Runtimes []struct {
			ID        string `json:"id"`
			Family    string `json:"family"`
			Available bool   `json:"available"`
			Reason    string `json:"reason"`
		} `json:"runtimes"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	ids := map[string]bool{}
	for _, r := range out.Runtimes {
		ids[r.ID] = true
		require.NotEmpty(t, r.Family, r.ID)
		if !r.Available {
			require.NotEmpty(t, r.Reason, "%s: a missing runtime says why", r.ID)
		}
	}
	for _, id := range []string{"nodejs20.x", "python3.12", "provided.al2023", "java21", "ruby3.3", "dotnet8"} {
		require.True(t, ids[id], id)
	}
}

func TestFunctionMetrics(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createFn(t, lc, "metered", lambdatypes.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
exports.handler = async (e) => { if (e.fail) throw new Error("boom"); return "ok"; };`}, nil)
	for _, payload := range []string{`{}`, `{}`, `{"fail":true}`} {
		_, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("metered"), Payload: []byte(payload)})
		require.NoError(t, err)
	}
	_, err := lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("metered"), ReservedConcurrentExecutions: aws.Int32(0)})
	require.NoError(t, err)
	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("metered")})
	require.Error(t, err, "reserved concurrency 0 throttles")

	_, text := httpGet(t, url+"/metrics")
	label := `{function_arn="arn:aws:lambda:us-east-1:000000000000:function:metered"}`
	for _, want := range []string{
		"gureum_lambda_invocations_total" + label + " 3",
		"gureum_lambda_errors_total" + label + " 1",
		"gureum_lambda_throttles_total" + label + " 1",
		"gureum_lambda_duration_seconds_count" + label + " 3",
	} {
		require.Contains(t, text, want)
	}
	require.True(t, strings.Contains(text, `gureum_lambda_duration_seconds_bucket{function_arn="arn:aws:lambda:us-east-1:000000000000:function:metered",le="+Inf"} 3`))
}
