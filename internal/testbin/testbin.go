// Package testbin runs the real gureum binary for tests that kill and
// restart it: the binary the test script built (GUREUM_TEST_BINARY) or one
// built once per test process, started on a loopback port.
package testbin

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	once sync.Once
	dir  string
	path string
	err  error
)

// Path returns GUREUM_TEST_BINARY when set, else a binary built once for
// the whole test process (call Cleanup from TestMain to remove it).
func Path(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("GUREUM_TEST_BINARY"); bin != "" {
		return bin
	}
	once.Do(func() {
		if dir, err = os.MkdirTemp("", "gureum-test-bin-"); err != nil {
			return
		}
		path = filepath.Join(dir, "gureum")
		build := exec.Command("go", "build", "-o", path, "github.com/gureum-dev/gureum/cmd/gureum")
		build.Stderr = os.Stderr
		err = build.Run()
	})
	require.NoError(t, err, "build gureum")
	return path
}

// Cleanup removes the binary Path built, if any.
func Cleanup() {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// Process is the binary serving on a loopback port.
type Process struct {
	Cmd *exec.Cmd
	URL string // the API URL the server printed
}

// Start runs `bin up` on 127.0.0.1:0 with dataDir and waits for its API URL.
// The process is killed at the end of the test unless it was waited for.
func Start(t *testing.T, bin, dataDir string) *Process {
	t.Helper()
	cmd := exec.Command(bin, "up", "--addr", "127.0.0.1:0", "--data", dataDir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &Process{Cmd: cmd}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(lines.Text()), "API:"); ok {
			p.URL = strings.Fields(rest)[0]
			break
		}
	}
	require.NotEmpty(t, p.URL, "the server printed no API URL")
	go func() { // keep draining so the server never blocks on stdout
		for lines.Scan() {
		}
	}()
	return p
}
