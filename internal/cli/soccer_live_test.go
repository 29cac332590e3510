package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sandbox"
)

// The soccer machine runs in-process against real functions deployed on a
// real gureum, through gureum's own Lambda API (--endpoint).
func TestSFNRunSoccerAgainstGureum(t *testing.T) {
	t.Parallel()
	if _, err := sandbox.Check(); err != nil {
		t.Skipf("sandboxes cannot run here: %v", err)
	}
	url := startServer(t)
	f, err := os.Open(soccer + "functions.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, training, _ := strings.Cut(sc.Text(), " ")
		code, _, stderr := runCLI(t, "fn", "create", name, "--runtime", "nodejs20.x", "--handler", "training.handler",
			"--code", soccer+"functions", "--env", "TRAINING="+training, "--endpoint", url)
		require.Equal(t, 0, code, stderr)
	}
	for pos, want := range map[string][]string{
		"공격수":  {"공격 훈련", "볼 경합 훈련"},
		"미드필더": {"패스 훈련", "프리킥 훈련"},
		"수비수":  {"수비 훈련", "볼 경합 훈련"},
	} {
		code, stdout, stderr := runCLI(t, "sfn", "run", soccer+"definition.json", "--input", `{"TraningType":"`+pos+`","player":"민준"}`,
			"--endpoint", url, "--region", "us-east-1")
		require.Equal(t, 0, code, stderr)
		var r struct {
			Status string `json:"status"`
			Output struct {
				Completed []string `json:"completed"`
			} `json:"output"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
		require.Equal(t, "SUCCEEDED", r.Status, stdout)
		require.Equal(t, want, r.Output.Completed, pos)
	}

	// The same machine deployed on the server, run durably.
	code, out, stderr := runCLI(t, "sfn", "create", "축구-유소년-자동-훈련-시스템", soccer+"definition.json", "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "arn:aws:states:us-east-1:000000000000:stateMachine:축구-유소년-자동-훈련-시스템")
	code, out, _ = runCLI(t, "sfn", "list", "--endpoint", url)
	require.Equal(t, 0, code)
	require.Contains(t, out, "축구-유소년-자동-훈련-시스템")
	code, out, stderr = runCLI(t, "sfn", "start", "축구-유소년-자동-훈련-시스템", "--input", `{"TraningType":"미드필더","player":"서연"}`,
		"--name", "서연-1", "--wait", "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	require.JSONEq(t, `{"TraningType":"미드필더","player":"서연","completed":["패스 훈련","프리킥 훈련"]}`, out)
	execArn := "arn:aws:states:us-east-1:000000000000:execution:축구-유소년-자동-훈련-시스템:서연-1"
	code, out, stderr = runCLI(t, "sfn", "history", execArn, "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		var e struct {
			ID   int    `json:"id"`
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &e))
		require.Equal(t, i+1, e.ID)
	}
	require.Contains(t, lines[len(lines)-1], "ExecutionSucceeded")
	code, _, stderr = runCLI(t, "sfn", "start", "축구-유소년-자동-훈련-시스템", "--input", `{"TraningType":"골키퍼"}`, "--wait", "--endpoint", url)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "FAILED: States.Runtime")
	code, out, _ = runCLI(t, "sfn", "describe", execArn, "--endpoint", url)
	require.Equal(t, 0, code)
	require.Contains(t, out, `"status": "SUCCEEDED"`)
}
