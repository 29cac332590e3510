package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
)

// providedBootstrap is a provided.al2023 function in Go (standard library
// only) that answers with its GREETING variable and the message.txt of its
// code.
const providedBootstrap = `package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(2)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		msg, _ := os.ReadFile("/var/task/message.txt")
		out, _ := json.Marshal(map[string]string{"greeting": os.Getenv("GREETING"), "message": string(msg)})
		resp, err = http.Post(api+resp.Header.Get("Lambda-Runtime-Aws-Request-Id")+"/response", "application/json", bytes.NewReader(out))
		if err != nil {
			os.Exit(3)
		}
		resp.Body.Close()
	}
}
`

// TestInvokeProvidedSeesEveryChange runs a provided.al2023 function through
// the server (with a relative --data) and checks that each change of the
// function shows in the next invocation: configuration, code, deletion and
// re-creation (Invoke keeps function documents in memory).
func TestInvokeProvidedSeesEveryChange(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go toolchain not in PATH")
	}
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/provided\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte(providedBootstrap), 0o644))
	build := exec.Command("go", "build", "-o", "bootstrap", ".")
	build.Dir, build.Env = src, append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	bin, err := os.ReadFile(filepath.Join(src, "bootstrap"))
	require.NoError(t, err)
	pkg := func(message string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, f := range map[string]struct {
			body []byte
			mode os.FileMode
		}{"bootstrap": {bin, 0o755}, "message.txt": {[]byte(message), 0o644}} {
			h := &zip.FileHeader{Name: name, Method: zip.Deflate}
			h.SetMode(f.mode)
			w, err := zw.CreateHeader(h)
			require.NoError(t, err)
			_, err = w.Write(f.body)
			require.NoError(t, err)
		}
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}

	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, t.TempDir())
	require.NoError(t, err)
	url := start(t, func(c *config.Config) { c.DataDir = rel })
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	create := func(message string) {
		_, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("prov"), Runtime: lambdatypes.RuntimeProvidedal2023,
			Role: aws.String(role), Handler: aws.String("unused"), Code: &lambdatypes.FunctionCode{ZipFile: pkg(message)},
			Environment: &lambdatypes.Environment{Variables: map[string]string{"GREETING": "hello"}}})
		require.NoError(t, err)
	}
	invoke := func() map[string]string {
		t.Helper()
		out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("prov"), Payload: []byte(`{}`)})
		require.NoError(t, err)
		require.Nil(t, out.FunctionError, string(out.Payload))
		var m map[string]string
		require.NoError(t, json.Unmarshal(out.Payload, &m))
		return m
	}

	create("one")
	require.Equal(t, map[string]string{"greeting": "hello", "message": "one"}, invoke())
	require.Equal(t, map[string]string{"greeting": "hello", "message": "one"}, invoke(), "warm")

	_, err = lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("prov"),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"GREETING": "안녕"}}})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"greeting": "안녕", "message": "one"}, invoke())

	_, err = lc.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("prov"), ZipFile: pkg("two")})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"greeting": "안녕", "message": "two"}, invoke())

	_, err = lc.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("prov")})
	require.NoError(t, err)
	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("prov")})
	var nf *lambdatypes.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	create("three")
	require.Equal(t, map[string]string{"greeting": "hello", "message": "three"}, invoke())
}
