package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/sandbox"
	"github.com/gureum-dev/gureum/internal/server"
)

// `gureum bench invoke` measures Lambda Invoke against the HTTP floor of the
// same machine, in the same run, with the same load generator: a tiny Go
// net/http server answering fixed JSON. gureum's figure is the whole path:
// client → Invoke API → Runtime API /next → a no-op function built with
// github.com/aws/aws-lambda-go (provided.al2023) → /response → client. The
// reference is ../shared/BENCHMARKS.md ("Lambda invoke"): the AWS Runtime
// Interface Emulator costs ≈ 5.2× the floor there; the target is ≤ 2.5×.

// noopFunction is the benchmark's function: aws-lambda-go's Start with a
// handler that returns fixed JSON, as the floor does.
const noopFunction = `package main

import (
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

var ok = json.RawMessage(` + "`" + `{"ok":true}` + "`" + `)

func main() { lambda.Start(func() (json.RawMessage, error) { return ok, nil }) }
`

// awsLambdaGoVersion is the aws-lambda-go release the no-op function builds
// with (through the Go module proxy, in a temporary module).
const awsLambdaGoVersion = "v1.55.1"

var (
	floorBody   = []byte(`{"ok":true}`)
	benchEvent  = []byte(`{"n":1}`)
	invokeRoute = "/2015-03-31/functions/%s/invocations"
)

// invokeBenchResult is the whole benchmark's result (--json).
type invokeBenchResult struct {
	Floor1        loadStats `json:"floorOneClient"`
	FloorN        loadStats `json:"floorClients"`
	Proxy1        loadStats `json:"proxyOneClient"`
	ProxyN        loadStats `json:"proxyClients"`
	Gureum1       loadStats `json:"gureumOneClient"`
	GureumN       loadStats `json:"gureumClients"`
	P50Ratio      float64   `json:"p50RatioToFloor"`
	ScaleRatio    float64   `json:"clientsThroughputRatio"`
	ColdMs        []float64 `json:"coldStartMs,omitempty"`
	NodeMs        []float64 `json:"nodeMs,omitempty"`
	ColdMedianMs  float64   `json:"coldStartMedianMs,omitempty"`
	NodeMedianMs  float64   `json:"nodeMedianMs,omitempty"`
	ColdOverNode  float64   `json:"coldOverNodeMs,omitempty"`
	NodeVersion   string    `json:"nodeVersion,omitempty"`
	ServerProcess string    `json:"server"`
}

func benchInvoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum bench invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	requests := fs.Int("requests", 5000, "measured invocations per client")
	clients := fs.Int("clients", 8, "concurrent clients of the concurrency phase")
	warmup := fs.Int("warmup", 500, "unmeasured invocations per client before each phase")
	rounds := fs.Int("rounds", 10, "the floor and gureum are measured in alternating slices of --requests/--rounds, so that both see the same machine")
	cold := fs.Int("cold", 9, "cold starts of new nodejs20.x functions to measure, each paired with node -e 0 (0 skips)")
	bin := fs.String("binary", "", "gureum binary to run as the server (default: this executable)")
	inProcess := fs.Bool("in-process", false, "run the server and the floor inside this process (for --cpuprofile)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the warm phases to this file (with --in-process it covers the server)")
	goTool := fs.String("go", "go", "Go toolchain that builds the no-op function (fetches aws-lambda-go "+awsLambdaGoVersion+" through the module proxy)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "gureum bench invoke:", err)
		return exitError
	}
	if *requests <= 0 || *clients <= 0 {
		return fail(errors.New("--requests and --clients must be positive"))
	}
	if _, err := sandbox.Check(); err != nil {
		return fail(fmt.Errorf("functions cannot run on this host: %w", err))
	}
	dir, err := os.MkdirTemp("", "gureum-bench-invoke-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(stderr, "building the no-op function (aws-lambda-go %s)...\n", awsLambdaGoVersion)
	fnZip, err := buildNoopFunction(ctx, *goTool, filepath.Join(dir, "fn"))
	if err != nil {
		return fail(err)
	}

	// The floor and gureum, both in child processes (or both in this one).
	var floorURL, proxyURL, gureumURL string
	res := invokeBenchResult{ServerProcess: "child processes"}
	if *inProcess {
		res.ServerProcess = "in-process"
		floor, err := startFloorInProcess()
		if err != nil {
			return fail(err)
		}
		defer floor.Close()
		floorURL = floor.url
		proxy, err := startProxyInProcess(floorURL)
		if err != nil {
			return fail(err)
		}
		defer proxy.Close()
		proxyURL = proxy.url
		cfg := config.Default(os.Getenv)
		cfg.DataDir, cfg.Addr, cfg.LogLevel = filepath.Join(dir, "data"), "127.0.0.1:0", slog.LevelError
		srv, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil {
			err = srv.Start()
		}
		if err != nil {
			return fail(err)
		}
		defer srv.Shutdown(context.Background())
		gureumURL = "http://" + srv.Addr()
	} else {
		exe, err := os.Executable()
		if err != nil {
			return fail(err)
		}
		if *bin == "" {
			*bin = exe
		}
		floor, err := startChild(ctx, exe, "bench", "http-floor")
		if err != nil {
			return fail(fmt.Errorf("HTTP floor: %w", err))
		}
		defer floor.stop()
		floorURL = floor.url
		proxy, err := startChild(ctx, exe, "bench", "http-floor", "--proxy-to", floorURL)
		if err != nil {
			return fail(fmt.Errorf("HTTP proxy: %w", err))
		}
		defer proxy.stop()
		proxyURL = proxy.url
		g, err := startChild(ctx, *bin, "server", "--data", filepath.Join(dir, "data"), "--log-level", "error")
		if err != nil {
			return fail(fmt.Errorf("gureum server: %w", err))
		}
		defer g.stop()
		gureumURL = g.url
	}

	if err := createFunction(ctx, gureumURL, "bench-noop", "provided.al2023", "bootstrap", fnZip); err != nil {
		return fail(err)
	}
	gureumInvoke := gureumURL + fmt.Sprintf(invokeRoute, "bench-noop")
	checkFloor := func(resp *http.Response, body []byte) error {
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, floorBody) {
			return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
		}
		return nil
	}
	checkInvoke := func(resp *http.Response, body []byte) error {
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" || !bytes.Equal(body, floorBody) {
			return fmt.Errorf("HTTP %d %s: %.200s", resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), body)
		}
		return nil
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	// Warm everything up (connections, the function's environments: one
	// per concurrent client), then measure one client, then several, the
	// floor and gureum in alternating slices.
	floor := newLoadTarget(floorURL, checkFloor, *clients)
	defer floor.close()
	proxy := newLoadTarget(proxyURL, checkFloor, *clients)
	defer proxy.close()
	fn := newLoadTarget(gureumInvoke, checkInvoke, *clients)
	defer fn.close()
	fmt.Fprintln(stderr, "measuring...")
	for _, n := range []int{1, *clients} {
		for _, t := range []*loadTarget{floor, proxy, fn} {
			if w := runLoad(ctx, t, n, *warmup); w.Errors > 0 && (n == 1 || t != fn) {
				return fail(fmt.Errorf("warm-up of %s with %d clients: %d errors, first: %s", t.url, n, w.Errors, w.FirstErr))
			}
		}
		// Errors of gureum with several clients are results, not failures.
		st := interleave(ctx, []*loadTarget{floor, proxy, fn}, n, *requests, *rounds)
		if n == 1 {
			res.Floor1, res.Proxy1, res.Gureum1 = st[0], st[1], st[2]
			if res.Gureum1.Errors > 0 {
				return fail(fmt.Errorf("gureum with one client: %d errors, first: %s", res.Gureum1.Errors, res.Gureum1.FirstErr))
			}
		} else {
			res.FloorN, res.ProxyN, res.GureumN = st[0], st[1], st[2]
		}
	}
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	res.P50Ratio = float64(res.Gureum1.P50) / float64(res.Floor1.P50)
	res.ScaleRatio = res.GureumN.PerSecond / res.Gureum1.PerSecond

	if *cold > 0 {
		if err := benchCold(ctx, gureumURL, *cold, &res); err != nil {
			return fail(err)
		}
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
		return exitOK
	}
	printInvokeBench(stdout, &res, *requests)
	return exitOK
}

func printInvokeBench(w io.Writer, r *invokeBenchResult, requests int) {
	us := func(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }
	fmt.Fprintf(w, "Lambda Invoke, no-op aws-lambda-go %s function (provided.al2023), %d requests per client (floor and gureum in alternating slices), servers in %s\n\n",
		awsLambdaGoVersion, requests, r.ServerProcess)
	fmt.Fprintf(w, "| what | p50 | p90 | p99 | one client | %d clients | errors |\n|---|---|---|---|---|---|---|\n", r.GureumN.Clients)
	row := func(name string, one, many loadStats) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.0f/s | %.0f/s | %d |\n", name, us(one.P50), us(one.P90), us(one.P99),
			one.PerSecond, many.PerSecond, one.Errors+many.Errors)
	}
	row("HTTP floor (Go net/http, fixed JSON)", r.Floor1, r.FloorN)
	if r.Proxy1.Requests > 0 {
		row("reference: Go reverse proxy (net/http/httputil) → floor", r.Proxy1, r.ProxyN)
	}
	row("gureum Invoke, warm", r.Gureum1, r.GureumN)
	fmt.Fprintln(w)
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "warm p50: %.2f× the floor (target ≤ 2.5×: %s)", r.P50Ratio, verdict(r.P50Ratio <= 2.5))
	if r.Proxy1.P50 > 0 {
		fmt.Fprintf(w, "; a bare reverse proxy: %.2f× the floor", float64(r.Proxy1.P50)/float64(r.Floor1.P50))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%d clients: %d errors, throughput %.2f× one client's (target 0 errors, ≥ 1.6×: %s)\n",
		r.GureumN.Clients, r.GureumN.Errors, r.ScaleRatio, verdict(r.GureumN.Errors == 0 && r.ScaleRatio >= 1.6))
	if r.GureumN.FirstErr != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.GureumN.FirstErr)
	}
	if len(r.ColdMs) > 0 {
		sortedCold := slices.Sorted(slices.Values(r.ColdMs))
		fmt.Fprintf(w, "cold start, first Invoke of a new nodejs20.x function: median %.1f ms (min %.1f, max %.1f, %d runs); `node -e 0` (%s): median %.1f ms\n",
			r.ColdMedianMs, sortedCold[0], sortedCold[len(sortedCold)-1], len(r.ColdMs), r.NodeVersion, r.NodeMedianMs)
		fmt.Fprintf(w, "cold start - node -e 0 (median of %d pairs): %+.1f ms (target ≤ +20 ms: %s)\n", len(r.ColdMs), r.ColdOverNode, verdict(r.ColdOverNode <= 20))
	}
}

// benchCold measures the first Invoke of new Node.js functions, each created
// just before, each next to a run of `node -e 0` of the same interpreter
// (pairs, so that both see the same machine); ColdOverNode is the median of
// the pairs' differences.
func benchCold(ctx context.Context, url string, n int, res *invokeBenchResult) error {
	rt, err := bootstrap.For("nodejs20.x")
	if err != nil {
		return err
	}
	res.NodeVersion = rt.Interpreter
	if out, err := exec.CommandContext(ctx, rt.Interpreter, "--version").Output(); err == nil {
		res.NodeVersion = rt.Interpreter + " " + strings.TrimSpace(string(out))
	}
	src := zipOf(map[string]zipEntry{"index.js": {body: []byte("exports.handler = async () => ({ok: true});\n")}})
	hc := &http.Client{}
	var diffs []float64
	for i := range n {
		t0 := time.Now()
		if err := exec.CommandContext(ctx, rt.Interpreter, "-e", "0").Run(); err != nil {
			return fmt.Errorf("node -e 0: %w", err)
		}
		nodeMs := float64(time.Since(t0).Microseconds()) / 1000
		name := fmt.Sprintf("bench-cold-%d-%d", time.Now().UnixNano(), i)
		if err := createFunction(ctx, url, name, "nodejs20.x", "index.handler", src); err != nil {
			return err
		}
		t0 = time.Now()
		err := invokeOnce(ctx, hc, url+fmt.Sprintf(invokeRoute, name), new(bytes.Buffer), func(resp *http.Response, body []byte) error {
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
				return fmt.Errorf("cold invoke: HTTP %d: %.200s", resp.StatusCode, body)
			}
			return nil
		})
		if err != nil {
			return err
		}
		coldMs := float64(time.Since(t0).Microseconds()) / 1000
		res.NodeMs = append(res.NodeMs, nodeMs)
		res.ColdMs = append(res.ColdMs, coldMs)
		diffs = append(diffs, coldMs-nodeMs)
	}
	res.ColdMedianMs = percentile(slices.Sorted(slices.Values(res.ColdMs)), 50)
	res.NodeMedianMs = percentile(slices.Sorted(slices.Values(res.NodeMs)), 50)
	res.ColdOverNode = percentile(slices.Sorted(slices.Values(diffs)), 50)
	return nil
}
