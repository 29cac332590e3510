package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/server"
)

func startServer(t *testing.T) string {
	t.Helper()
	cfg := config.Default(func(string) string { return "" })
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + srv.Addr()
}

func TestFnCreateListDelete(t *testing.T) {
	t.Parallel()
	url := startServer(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"), []byte("exports.handler = async e => e;"), 0o644))

	code, out, stderr := runCLI(t, "fn", "create", "echo", "--runtime", "nodejs20.x", "--handler", "index.handler",
		"--code", dir, "--env", "GREETING=안녕", "--memory", "256", "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"FunctionName": "echo"`)
	require.Contains(t, out, `"MemorySize": 256`)

	code, _, stderr = runCLI(t, "fn", "create", "live", "--runtime", "nodejs20.x", "--handler", "index.handler",
		"--code", dir, "--watch", "--endpoint", url)
	require.Equal(t, 0, code, stderr)

	code, out, _ = runCLI(t, "fn", "list", "--endpoint", url)
	require.Equal(t, 0, code)
	require.Contains(t, out, "echo")
	require.Contains(t, out, "live")

	code, _, stderr = runCLI(t, "fn", "create", "echo", "--runtime", "nodejs20.x", "--handler", "index.handler", "--code", dir, "--endpoint", url)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "Function already exist: echo")

	code, _, stderr = runCLI(t, "fn", "delete", "echo", "--endpoint", url)
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, "fn", "delete", "echo", "--endpoint", url)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ResourceNotFoundException")
}
