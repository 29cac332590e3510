package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sandbox"
)

func TestParseSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                  now.Add(-10 * time.Minute),
		"2h":                   now.Add(-2 * time.Hour),
		"1d":                   now.Add(-24 * time.Hour),
		"1w":                   now.Add(-7 * 24 * time.Hour),
		"30s":                  now.Add(-30 * time.Second),
		"2026-02-01T00:00:00Z": time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		"2026-02-01":           time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		require.NoError(t, err, in)
		require.Equal(t, want.UnixMilli(), got, in)
	}
	for _, bad := range []string{"", "5h30m", "10x", "yesterday"} {
		_, err := parseSince(bad, now)
		require.Error(t, err, bad)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFnLogs(t *testing.T) {
	t.Parallel()
	if _, err := sandbox.Check(); err != nil {
		t.Skipf("sandboxes cannot run here: %v", err)
	}
	url := startServer(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"),
		[]byte(`exports.handler = async e => { console.log("hi " + e.who); return e; };`), 0o644))
	code, _, stderr := runCLI(t, "fn", "create", "talker", "--runtime", "nodejs20.x", "--handler", "index.handler", "--code", dir, "--endpoint", url)
	require.Equal(t, 0, code, stderr)

	code, _, stderr = runCLI(t, "fn", "logs", "talker", "--endpoint", url)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ResourceNotFoundException: The specified log group does not exist.", "no group before the first invocation")

	// --follow prints lines as they come, each once.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var follow syncBuffer
	followed := make(chan int)
	go func() {
		followed <- Main(ctx, []string{"fn", "logs", "talker", "--follow", "--interval", "50ms", "--endpoint", url}, &follow, &follow)
	}()

	code, _, stderr = runCLI(t, "fn", "invoke", "talker", "--payload", `{"who": "서준"}`, "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, "fn", "invoke", "talker", "--payload", `{"who": "yuna"}`, "--endpoint", url)
	require.Equal(t, 0, code, stderr)

	// Without --follow: what is there now, as aws logs tail prints it.
	var out string
	deadline := time.Now().Add(30 * time.Second)
	for strings.Count(out, "REPORT RequestId") < 2 {
		require.True(t, time.Now().Before(deadline), "logs never arrived: %s", out)
		time.Sleep(20 * time.Millisecond)
		// (The group appears with the writer's first flush.)
		code, out, stderr = runCLI(t, "fn", "logs", "talker", "--since", "1h", "--endpoint", url)
		if code != 0 {
			require.Contains(t, stderr, "ResourceNotFoundException")
		}
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 8, out)
	detailed := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 \d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32} `)
	for _, l := range lines {
		require.Regexp(t, detailed, l)
	}
	require.Contains(t, lines[0], " START RequestId: ")
	require.Contains(t, lines[1], "\tINFO\thi 서준")
	require.Contains(t, lines[5], "\tINFO\thi yuna")
	require.Contains(t, lines[7], " REPORT RequestId: ")

	code, out, _ = runCLI(t, "fn", "logs", "talker", "--since", "1h", "--format", "short", "--filter-pattern", "yuna", "--endpoint", url)
	require.Equal(t, 0, code)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \S+\t\S+\tINFO\thi yuna\n$`, out)

	for strings.Count(follow.String(), "REPORT RequestId") < 2 {
		require.True(t, time.Now().Before(deadline), "--follow never printed: %s", follow.String())
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	require.Equal(t, 0, <-followed)
	require.Equal(t, strings.Join(lines, "\n")+"\n", follow.String(), "--follow printed the same lines, each once")

	code, _, stderr = runCLI(t, "fn", "logs", "talker", "--since", "yesterday", "--endpoint", url)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--since")
}
