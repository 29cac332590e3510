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
}
