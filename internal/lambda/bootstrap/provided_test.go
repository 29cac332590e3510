package bootstrap

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

// handRolledBootstrap is a provided-runtime function in Go that speaks the
// Runtime API by hand (no aws-lambda-go): what a custom runtime does.
const handRolledBootstrap = `package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime"
	c := &http.Client{}
	for {
		resp, err := c.Get(api + "/invocation/next")
		if err != nil {
			os.Exit(2)
		}
		event, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		var e struct {
			Fail  string
			Exit  int
			Sleep int
		}
		json.Unmarshal(event, &e)
		switch {
		case e.Exit != 0:
			os.Exit(e.Exit)
		case e.Sleep != 0:
			time.Sleep(time.Duration(e.Sleep) * time.Millisecond)
		}
		path, body := "/response", event
		req, _ := http.NewRequest("POST", api+"/invocation/"+id+path, nil)
		if e.Fail != "" {
			body, _ = json.Marshal(map[string]any{"errorMessage": e.Fail, "errorType": "HandRolledError"})
			req, _ = http.NewRequest("POST", api+"/invocation/"+id+"/error", nil)
			req.Header.Set("Lambda-Runtime-Function-Error-Type", "HandRolledError")
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		resp, err = c.Do(req)
		if err != nil {
			os.Exit(3)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
`

var (
	buildOnce   sync.Map // source → *builtBinary
	buildDirs   sync.Map // directories to remove after the tests
	goToolchain = "go"
)

func TestMain(m *testing.M) {
	code := m.Run()
	buildDirs.Range(func(k, _ any) bool {
		os.RemoveAll(k.(string))
		return true
	})
	os.Exit(code)
}

type builtBinary struct {
	once sync.Once
	path string
	err  error
	out  string
}

// buildGo compiles a main package (source, and go.mod text) once per test
// binary and returns the executable.
func buildGo(t testing.TB, goMod, source string, env ...string) string {
	t.Helper()
	v, _ := buildOnce.LoadOrStore(goMod+source, &builtBinary{})
	b := v.(*builtBinary)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "gureum-provided")
		if err != nil {
			b.err = err
			return
		}
		buildDirs.Store(dir, true)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644)
		cmd := exec.Command(goToolchain, "build", "-o", "bootstrap", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"CGO_ENABLED=0", "GOFLAGS=-mod=mod"}, env...)...)
		out, err := cmd.CombinedOutput()
		b.path, b.err, b.out = filepath.Join(dir, "bootstrap"), err, string(out)
	})
	if b.err != nil {
		t.Fatalf("go build: %v\n%s", b.err, b.out)
	}
	return b.path
}

func providedEnv(t testing.TB, id, binary string) *env {
	t.Helper()
	bin, err := os.ReadFile(binary)
	require.NoError(t, err)
	return startEnv(t, id, map[string]string{"bootstrap": string(bin)}, envOptions{handler: "unused.handler"})
}

func TestProvidedHandRolled(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath(goToolchain); err != nil {
		t.Skip("go toolchain not in PATH")
	}
	bin := buildGo(t, "module example.com/bootstrap\n\ngo 1.22\n", handRolledBootstrap)
	for _, id := range []string{"provided.al2023", "provided.al2"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			e := providedEnv(t, id, bin)
			require.NoError(t, e.waitInit())
			for range 3 {
				res := e.mustInvoke(`{"hello":"go"}`)
				require.Empty(t, res.FunctionError)
				require.Equal(t, `{"hello":"go"}`, string(res.Payload))
			}
			res := e.mustInvoke(`{"Fail":"nope"}`)
			require.Equal(t, runtimeapi.ErrorType("HandRolledError"), res.ErrorType)
			require.Equal(t, `{"errorMessage":"nope","errorType":"HandRolledError"}`, string(res.Payload))

			_, err := e.invoke(`{"Sleep":5000}`, 200*time.Millisecond)
			var te *runtimeapi.TimeoutError
			require.ErrorAs(t, err, &te)
		})
	}
	t.Run("exit", func(t *testing.T) {
		t.Parallel()
		e := providedEnv(t, "provided.al2023", bin)
		_, err := e.invoke(`{"Exit":7}`, 20*time.Second)
		var ee *runtimeapi.ExitError
		require.ErrorAs(t, err, &ee)
		require.Contains(t, ee.Error(), "Runtime exited with error: exit status 7")
	})
	t.Run("no bootstrap", func(t *testing.T) {
		t.Parallel()
		r := runtimeOrSkip(t, "provided.al2023")
		st := &Start{TaskRoot: t.TempDir()}
		argv := r.Command(st)
		require.Equal(t, []string{filepath.Join(st.TaskRoot, "bootstrap")}, argv)
		require.Error(t, exec.Command(argv[0]).Start(), "the service reports Runtime.InvalidEntrypoint")
	})
}

// TestProvidedAWSLambdaGo builds a function with github.com/aws/aws-lambda-go,
// the official Go runtime client, when that module is in the local module
// cache (it is not a dependency of gureum), and runs it unmodified.
func TestProvidedAWSLambdaGo(t *testing.T) {
	t.Parallel()
	bin := awsLambdaGoBinary(t)
	e := providedEnv(t, "provided.al2023", bin)
	require.NoError(t, e.waitInit())
	res := e.mustInvoke(`{"name":"lambda-go"}`)
	require.Empty(t, res.FunctionError)
	m := jsonOf(t, res.Payload)
	require.Equal(t, "lambda-go", m["hello"])
	require.Equal(t, e.lastID, m["requestId"])
	require.Equal(t, "fn", m["fn"])
	require.Equal(t, "128", m["mem"])

	res = e.mustInvoke(`{"fail":true}`)
	require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
	require.Equal(t, runtimeapi.ErrorType("errorString"), res.ErrorType)
	require.JSONEq(t, `{"errorMessage":"go boom","errorType":"errorString"}`, string(res.Payload))
}

// awsLambdaGoBinary builds a function with github.com/aws/aws-lambda-go
// v1.55.1 from the local module cache, or skips the test when the module is
// not there.
func awsLambdaGoBinary(tb testing.TB) string {
	tb.Helper()
	if _, err := exec.LookPath(goToolchain); err != nil {
		tb.Skip("go toolchain not in PATH")
	}
	const goMod = "module example.com/alg\n\ngo 1.22\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n"
	const source = `package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type Event struct {
	Name string ` + "`json:\"name\"`" + `
	Fail bool   ` + "`json:\"fail\"`" + `
}

func handle(ctx context.Context, e Event) (map[string]any, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	if e.Fail {
		return nil, errors.New("go boom")
	}
	return map[string]any{"hello": e.Name, "requestId": lc.AwsRequestID, "fn": lambdacontext.FunctionName, "mem": os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")}, nil
}

func main() { lambda.Start(handle) }
`
	probe := exec.Command(goToolchain, "mod", "download", "-json", "github.com/aws/aws-lambda-go@v1.55.1")
	probe.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	probe.Dir = os.TempDir() // outside gureum's module: its go.mod and go.sum stay untouched
	if out, err := probe.CombinedOutput(); err != nil {
		tb.Skipf("github.com/aws/aws-lambda-go v1.55.1 is not in the module cache (GOPROXY=off): %s", strings.TrimSpace(string(out)))
	}
	bin := buildGo(tb, goMod, source, "GOPROXY=off", "GONOSUMDB=*", "GOSUMDB=off")
	return bin
}
