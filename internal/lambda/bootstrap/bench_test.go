package bootstrap

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
)

// Trivial handlers, one per runtime, for the benchmarks.
var benchFunctions = []struct {
	name, runtime, handler string
	files                  func(b *testing.B) map[string]string
}{
	{"go", "provided.al2023", "unused", func(b *testing.B) map[string]string {
		if _, err := exec.LookPath(goToolchain); err != nil {
			b.Skip("go toolchain not in PATH")
		}
		bin, err := os.ReadFile(buildGo(b, "module example.com/bootstrap\n\ngo 1.22\n", handRolledBootstrap))
		if err != nil {
			b.Fatal(err)
		}
		return map[string]string{"bootstrap": string(bin)}
	}},
	{"aws-lambda-go", "provided.al2023", "unused", func(b *testing.B) map[string]string {
		bin, err := os.ReadFile(awsLambdaGoBinary(b))
		if err != nil {
			b.Fatal(err)
		}
		return map[string]string{"bootstrap": string(bin)}
	}},
	{"node", "nodejs20.x", "index.handler", func(*testing.B) map[string]string {
		return map[string]string{"index.js": "exports.handler = async (event) => event;\n"}
	}},
	{"python3.11", "python3.11", "handler.handler", pythonEcho},
	{"python3.12", "python3.12", "handler.handler", pythonEcho},
	{"python3.13", "python3.13", "handler.handler", pythonEcho},
	{"java17", "java17", "Echo::handleRequest", javaEchoClass},
	{"java17-source", "java17", "Echo::handleRequest", javaEchoSource},
	{"ruby", "ruby3.3", "function.handler", rubyEcho},
	{"dotnet8", "dotnet8", "Echo::Echo.Echo::Handler", dotnetEchoDll},
	{"dotnet8-source", "dotnet8", "Echo::Echo.Echo::Handler", dotnetEchoSource},
}

func pythonEcho(*testing.B) map[string]string {
	return map[string]string{"handler.py": "def handler(event, context):\n    return event\n"}
}

// latencies collects durations and reports percentiles as benchmark
// metrics.
type latencies []time.Duration

func (l latencies) report(b *testing.B, unit string, scale time.Duration) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 { return float64(l[int(p*float64(len(l)-1))]) / float64(scale) }
	b.ReportMetric(at(0.50), "p50-"+unit)
	b.ReportMetric(at(0.90), "p90-"+unit)
	b.ReportMetric(at(0.99), "p99-"+unit)
}

// BenchmarkWarmInvoke measures one warm invocation through the Runtime API
// (Invoke → /next → handler → /response → Invoke returns) per runtime, with
// a trivial handler, next to the HTTP floor: a plain net/http server
// answering fixed JSON to a Go client.
//
// Invocations run back to back: each one also waits for the runtime to come
// back to /next after answering the previous one. BenchmarkWarmInvokeIdle
// starts each one when the runtime already waits, as when invocations are
// spaced out (or when the caller's own round trip hides the re-poll).
func BenchmarkWarmInvoke(b *testing.B) { benchWarm(b, false) }

// BenchmarkWarmInvokeIdle is BenchmarkWarmInvoke with the runtime waiting
// in /next at the start of each invocation.
func BenchmarkWarmInvokeIdle(b *testing.B) { benchWarm(b, true) }

func benchWarm(b *testing.B, idle bool) {
	b.Run("http-floor", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true}`))
		}))
		defer srv.Close()
		c := srv.Client()
		lat := make(latencies, 0, b.N)
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"n":1}`))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat = append(lat, time.Since(start))
		}
		lat.report(b, "µs", time.Microsecond)
	})
	for _, f := range benchFunctions {
		b.Run(f.name, func(b *testing.B) {
			e := startEnv(b, f.runtime, f.files(b), envOptions{handler: f.handler})
			if err := e.waitInit(); err != nil {
				b.Fatalf("%v\n%s", err, e.logs.String())
			}
			ctx := context.Background()
			payload := []byte(`{"n":1}`)
			for i := range 100 { // warm up
				if _, err := e.srv.Invoke(ctx, runtimeapi.Invocation{RequestID: fmt.Sprint("warm-", i), Payload: payload}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make(latencies, 0, b.N)
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				if idle {
					if err := e.srv.WaitIdle(ctx); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				res, err := e.srv.Invoke(ctx, runtimeapi.Invocation{RequestID: fmt.Sprint("bench-", i), Payload: payload})
				lat = append(lat, time.Since(start))
				if err != nil || res.FunctionError != "" {
					b.Fatalf("%v %s", err, res.Payload)
				}
			}
			lat.report(b, "µs", time.Microsecond)
		})
	}
}

// BenchmarkColdStart measures, per runtime, process start → init done
// (WaitInit returns) and process start → first response.
func BenchmarkColdStart(b *testing.B) {
	for _, f := range benchFunctions {
		b.Run(f.name, func(b *testing.B) {
			files := f.files(b)
			var initLat, firstLat latencies
			for b.Loop() {
				e := startEnv(b, f.runtime, files, envOptions{handler: f.handler})
				if err := e.waitInit(); err != nil {
					b.Fatalf("%v\n%s", err, e.logs.String())
				}
				initLat = append(initLat, time.Since(e.started))
				if _, err := e.srv.Invoke(context.Background(), runtimeapi.Invocation{RequestID: "first", Payload: []byte(`{}`)}); err != nil {
					b.Fatal(err)
				}
				firstLat = append(firstLat, time.Since(e.started))
				e.stop()
			}
			initLat.report(b, "init-ms", time.Millisecond)
			firstLat.report(b, "first-ms", time.Millisecond)
		})
	}
}

// BenchmarkProcessFloor measures the interpreters alone, for comparison
// with BenchmarkColdStart: "exit" is exec to exit of `node -e 0` or
// `python3.X -S -c 0`; "connect" is exec to the first TCP connection of a
// one-line script (what init-ms measures, minus the runtime client). Both
// run with an empty environment, as runtimes do (a host's
// NODE_EXTRA_CA_CERTS alone adds 50 ms to every node start).
func BenchmarkProcessFloor(b *testing.B) {
	for _, c := range []struct{ name, runtime string }{
		{"node", "nodejs20.x"}, {"python3.11", "python3.11"}, {"python3.12", "python3.12"}, {"python3.13", "python3.13"},
	} {
		b.Run(c.name+"/exit", func(b *testing.B) {
			r := runtimeOrSkip(b, c.runtime)
			args := []string{"-e", "0"}
			if r.Family == FamilyPython {
				args = []string{"-S", "-c", "0"}
			}
			var lat latencies
			for b.Loop() {
				start := time.Now()
				cmd := exec.Command(r.Interpreter, args...)
				cmd.Env = []string{}
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			lat.report(b, "ms", time.Millisecond)
		})
		b.Run(c.name+"/connect", func(b *testing.B) {
			r := runtimeOrSkip(b, c.runtime)
			ln, err := net.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			port := ln.Addr().(*net.TCPAddr).Port
			args := []string{"-e", fmt.Sprintf("require('net').connect(%d, '127.0.0.1').on('connect', () => process.exit(0))", port)}
			if r.Family == FamilyPython {
				args = []string{"-S", "-c", fmt.Sprintf("import _socket; s = _socket.socket(); s.connect(('127.0.0.1', %d))", port)}
			}
			var lat latencies
			for b.Loop() {
				cmd := exec.Command(r.Interpreter, args...)
				cmd.Env = []string{}
				start := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				c, err := ln.Accept()
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				c.Close()
				cmd.Wait()
			}
			lat.report(b, "ms", time.Millisecond)
		})
	}
}
