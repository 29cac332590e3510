package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gureum-dev/gureum/internal/awsapi/sfnapi"
	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/server"
	"github.com/gureum-dev/gureum/internal/sfn"
)

func init() {
	register("bench", command{
		summary: "benchmarks: bench startup (exec to first API answer, idle RSS); bench sfn (durable transitions/s, Express latency); bench invoke (Lambda Invoke vs the HTTP floor, cold start)",
		run:     runBench,
	})
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: gureum bench startup|sfn|invoke [flags]")
		return exitError
	}
	switch args[0] {
	case "startup":
		return benchStartup(ctx, args[1:], stdout, stderr)
	case "sfn":
		return benchSFN(ctx, args[1:], stdout, stderr)
	case "invoke":
		return benchInvoke(ctx, args[1:], stdout, stderr)
	case "http-floor": // bench invoke's reference server, in a child process
		return benchHTTPFloor(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "gureum bench: unknown benchmark %q (have: startup, sfn, invoke)\n", args[0])
		return exitError
	}
}

type startupResult struct {
	Runs          int       `json:"runs"`
	FirstAnswerMs []float64 `json:"firstAnswerMs"`
	IdleRSSMB     []float64 `json:"idleRssMB"`
	MedianMs      float64   `json:"medianMs"`
	P90Ms         float64   `json:"p90Ms"`
	MedianRSSMB   float64   `json:"medianRssMB"`
	MaxRSSMB      float64   `json:"maxRssMB"`
}

// benchStartup measures, on an existing data directory, the time from exec of
// the server to its first answered API call (ListStateMachines over JSON
// 1.0), and its resident memory after a second of idling.
func benchStartup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum bench startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 15, "number of starts to measure")
	bin := fs.String("binary", "", "gureum binary to measure (default: this executable)")
	idle := fs.Duration("idle", time.Second, "idle time before reading RSS")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *bin == "" {
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintln(stderr, "gureum bench startup:", err)
			return exitError
		}
		*bin = exe
	}
	dir, err := os.MkdirTemp("", "gureum-bench-startup-")
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench startup:", err)
		return exitError
	}
	defer os.RemoveAll(dir)

	var res startupResult
	// Run 0 creates and migrates the data directory; it is not counted.
	for i := 0; i <= *runs; i++ {
		if ctx.Err() != nil {
			return exitError
		}
		ms, rss, err := startOnce(ctx, *bin, dir, *idle)
		if err != nil {
			fmt.Fprintln(stderr, "gureum bench startup:", err)
			return exitError
		}
		if i > 0 {
			res.FirstAnswerMs = append(res.FirstAnswerMs, ms)
			res.IdleRSSMB = append(res.IdleRSSMB, rss)
		}
	}
	res.Runs = *runs
	ms := append([]float64(nil), res.FirstAnswerMs...)
	rss := append([]float64(nil), res.IdleRSSMB...)
	sort.Float64s(ms)
	sort.Float64s(rss)
	res.MedianMs, res.P90Ms = percentile(ms, 50), percentile(ms, 90)
	res.MedianRSSMB, res.MaxRSSMB = percentile(rss, 50), rss[len(rss)-1]
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
		return exitOK
	}
	fmt.Fprintf(stdout, "startup (existing data dir, %d runs): exec→first answered API call median %.1f ms, p90 %.1f ms, min %.1f ms\n",
		res.Runs, res.MedianMs, res.P90Ms, ms[0])
	fmt.Fprintf(stdout, "idle RSS after %s: median %.1f MB, max %.1f MB\n", *idle, res.MedianRSSMB, res.MaxRSSMB)
	return exitOK
}

func percentile(sorted []float64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startOnce(ctx context.Context, bin, dir string, idle time.Duration) (ms, rssMB float64, err error) {
	addr, err := freePort()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(bin, "server", "--addr", addr, "--data", dir, "--log-level", "error")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	body := []byte("{}")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	deadline := start.Add(10 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
			return 0, 0, fmt.Errorf("first answer was HTTP %d", resp.StatusCode)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, 0, fmt.Errorf("server did not answer within 10s: %v", err)
		}
		time.Sleep(100 * time.Microsecond)
	}
	ms = float64(time.Since(start).Microseconds()) / 1000
	time.Sleep(idle)
	rss, err := readRSS(cmd.Process.Pid)
	return ms, rss, err
}

// readRSS returns VmRSS of pid in MB (Linux).
func readRSS(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// benchSFN measures durable Standard executions (transitions/s, every step
// committed) and Express StartSyncExecution latency over HTTP.
func benchSFN(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum bench sfn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeURL := fs.String("store", "", "a postgres:// URL to measure PostgreSQL (in a new schema gureum_bench_N, left for you to drop); default SQLite in a temp dir")
	executions := fs.Int("executions", 1000, "concurrent Standard executions")
	states := fs.Int("states", 20, "Pass states per Standard execution")
	express := fs.Int("express", 2000, "StartSyncExecution calls (5-Pass Express machine); 0 skips")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	dir, err := os.MkdirTemp("", "gureum-bench-sfn-")
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench sfn:", err)
		return exitError
	}
	defer os.RemoveAll(dir)
	cfg := config.Default(os.Getenv)
	cfg.DataDir, cfg.Addr, cfg.LogLevel = dir, "127.0.0.1:0", slog.LevelError
	if *storeURL != "" {
		sep := "?"
		if strings.Contains(*storeURL, "?") {
			sep = "&"
		}
		cfg.Store = *storeURL + sep + fmt.Sprintf("search_path=gureum_bench_%d", time.Now().UnixNano())
	}
	st, err := server.OpenStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench sfn:", err)
		return exitError
	}
	res, err := sfn.BenchStandard(ctx, st, sfn.BenchOptions{Executions: *executions, States: *states,
		Service: sfn.Options{WaitScale: 1, TakeOver: true}})
	_ = st.Close()
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench sfn:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "standard (%s): %d executions x %d Pass states: %d transitions in %s = %.0f durable transitions/s (%d group commits)\n",
		res.Driver, res.Executions, *states, res.Transitions, res.Elapsed.Round(time.Millisecond), res.PerSecond, res.Commits)
	if *express == 0 {
		return exitOK
	}
	cfg.Store, cfg.DataDir = "", filepath.Join(dir, "express")
	srv, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench sfn:", err)
		return exitError
	}
	defer srv.Shutdown(context.Background())
	lat, err := sfnapi.BenchExpress(ctx, "http://"+srv.Addr(), *express, 5)
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench sfn:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "express StartSyncExecution (5 Pass states, HTTP, one client): %d calls, p50 %s, p90 %s, p99 %s, %.0f/s\n",
		lat.Requests, lat.P50.Round(time.Microsecond), lat.P90.Round(time.Microsecond), lat.P99.Round(time.Microsecond), lat.PerSecond)
	return exitOK
}
