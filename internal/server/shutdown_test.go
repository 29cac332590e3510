package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/server"
)

// A request in flight when shutdown begins is answered before the server
// stops, and the store is closed afterwards.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	t.Parallel()
	cfg := config.Default(func(string) string { return "" })
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, srv.Start())

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+srv.Addr()+"/", pr)
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	type answer struct {
		status int
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		resp.Body.Close()
		answered <- answer{status: resp.StatusCode}
	}()
	_, err = pw.Write([]byte(`{"maxResults"`)) // the server is now reading this request's body
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond)

	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown(context.Background()) }()
	select {
	case <-stopped:
		t.Fatal("Shutdown returned while a request was in flight")
	case <-time.After(200 * time.Millisecond):
	}
	_, err = pw.Write([]byte(`: 5}`))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	a := <-answered
	require.NoError(t, a.err)
	require.Equal(t, 200, a.status)
	require.NoError(t, <-stopped)

	_, err = http.Get("http://" + srv.Addr() + "/_gureum/health")
	require.Error(t, err, "no longer listening")
}
