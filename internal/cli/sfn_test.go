package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/awsapi/sigv4"
)

const soccer = "../../examples/soccer-training/"

type runOutput struct {
	Status string          `json:"status"`
	Output json.RawMessage `json:"output"`
	Error  string          `json:"error"`
	Cause  string          `json:"cause"`
	Events []struct {
		Type                     string `json:"type"`
		ID                       int64  `json:"id"`
		StateEnteredEventDetails *struct {
			Name string `json:"name"`
		} `json:"stateEnteredEventDetails"`
	} `json:"events"`
}

func TestSFNRunSoccerWithMocks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		position string
		states   []string
	}{
		{"공격수", []string{"훈련 유형 선택", "공격 훈련", "볼 경합 훈련"}},
		{"미드필더", []string{"훈련 유형 선택", "패스 훈련", "프리킥 훈련"}},
		{"수비수", []string{"훈련 유형 선택", "수비 훈련", "볼 경합 훈련"}},
	} {
		t.Run(tc.position, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--history",
				"--input", `{"TraningType":"`+tc.position+`"}`,
				"--mock-config", soccer+"mock-config.json", "--test-case", tc.position)
			require.Equal(t, 0, code, stderr)
			var r runOutput
			require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
			require.Equal(t, "SUCCEEDED", r.Status, stdout)
			var out struct {
				TraningType string   `json:"TraningType"`
				Completed   []string `json:"completed"`
			}
			require.NoError(t, json.Unmarshal(r.Output, &out))
			require.Equal(t, tc.position, out.TraningType)
			require.Equal(t, tc.states[1:], out.Completed)
			var entered []string
			for i, e := range r.Events {
				require.Equal(t, int64(i+1), e.ID, "contiguous event ids")
				if e.StateEnteredEventDetails != nil {
					entered = append(entered, e.StateEnteredEventDetails.Name)
				}
			}
			require.Equal(t, tc.states, entered)
			require.Equal(t, "ExecutionSucceeded", r.Events[len(r.Events)-1].Type)
		})
	}
}

func TestSFNRunUnknownPositionFails(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--input", `{"TraningType":"골키퍼"}`,
		"--mock-config", soccer+"mock-config.json", "--test-case", "공격수")
	require.Equal(t, 0, code, stderr)
	var r runOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, "FAILED", r.Status)
	// What AWS answers for a Choice with no match and no Default (see the
	// example's README): States.Runtime, not the spec's States.NoChoiceMatched.
	require.Equal(t, "States.Runtime", r.Error)
	require.Equal(t, "An error occurred while executing the state '훈련 유형 선택' (entered at the event id #2). "+
		"Failed to transition out of the state. The state does not point to a next state.", r.Cause)
}

func TestSFNRunRetriesMockedThrow(t *testing.T) {
	t.Parallel()
	// The retry test case throws once; without a Retry the execution fails
	// with the mocked error.
	code, stdout, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--input", `{"TraningType":"공격수"}`,
		"--mock-config", soccer+"mock-config.json", "--test-case", "공격수-재시도")
	require.Equal(t, 0, code, stderr)
	var r runOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, "FAILED", r.Status)
	require.Equal(t, "Lambda.TooManyRequestsException", r.Error)
	require.Equal(t, "Rate Exceeded.", r.Cause)
}

func TestSFNRunUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"StartAt": "Nope", "States": {}}`), 0o644))
	for name, args := range map[string][]string{
		"no file":           {"sfn", "run"},
		"missing file":      {"sfn", "run", filepath.Join(dir, "none.json")},
		"bad definition":    {"sfn", "run", bad},
		"bad input":         {"sfn", "run", soccer + "definition.json", "--input", "{"},
		"test case alone":   {"sfn", "run", soccer + "definition.json", "--test-case", "x"},
		"unknown test case": {"sfn", "run", soccer + "definition.json", "--mock-config", soccer + "mock-config.json", "--test-case", "nope"},
		"unanswered task":   {"sfn", "run", soccer + "definition.json", "--input", `{"TraningType":"공격수"}`},
		"unknown sub":       {"sfn", "fly"},
	} {
		code, _, stderr := runCLI(t, args...)
		require.Equal(t, 1, code, name)
		require.NotEmpty(t, stderr, name)
	}
	_, _, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--input", `{"TraningType":"공격수"}`)
	require.Contains(t, stderr, `state "공격 훈련"`, "an unanswered task names its state")
}

func TestSFNValidate(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "sfn", "validate", soccer+"definition.json")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, `"result": "OK"`)

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}`), 0o644))
	code, stdout, _ = runCLI(t, "sfn", "validate", bad)
	require.Equal(t, 1, code)
	var v validateOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	require.Equal(t, "FAIL", v.Result)
	require.NotEmpty(t, v.Diagnostics)
	require.Equal(t, "/States/A/Next", v.Diagnostics[0].Location)
}

// A Lambda-compatible endpoint answers the soccer machine's tasks: the
// runner signs its Invoke calls with SigV4 and passes each state's input.
func TestSFNRunAgainstLambdaEndpoint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var called []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a, err := sigv4.Parse(r.Header.Get("Authorization"))
		if err != nil || a.Service != "lambda" || a.Region != "us-east-1" {
			w.Header().Set("X-Amzn-Errortype", "InvalidSignatureException")
			w.WriteHeader(403)
			io.WriteString(w, `{"message": "bad signature"}`)
			return
		}
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		mu.Lock()
		called = append(called, name)
		mu.Unlock()
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		done, _ := in["completed"].([]any)
		in["completed"] = append(done, name)
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		_ = json.NewEncoder(w).Encode(in)
	}))
	t.Cleanup(srv.Close)
	code, stdout, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--input", `{"TraningType":"미드필더"}`, "--endpoint", srv.URL, "--region", "us-east-1")
	require.Equal(t, 0, code, stderr)
	var r runOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
	require.Equal(t, "SUCCEEDED", r.Status, stdout)
	require.JSONEq(t, `{"TraningType":"미드필더","completed":[
		"arn:aws:lambda:us-east-1:000000000000:function:pass-training",
		"arn:aws:lambda:us-east-1:000000000000:function:free-kick-training"]}`, string(r.Output))
	require.Len(t, called, 2)
}
