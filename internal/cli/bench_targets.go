package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// What bench invoke measures against: the no-op function it builds and
// deploys, the HTTP floor and the reverse proxy, servers in child processes.

// createFunction creates a function from a zip over the Lambda API.
func createFunction(ctx context.Context, url, name, runtime, handler string, zipFile []byte) error {
	body, _ := json.Marshal(map[string]any{"FunctionName": name, "Runtime": runtime, "Handler": handler,
		"Role": "arn:aws:iam::000000000000:role/gureum-bench", "Code": map[string]string{"ZipFile": base64.StdEncoding.EncodeToString(zipFile)}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/2015-03-31/functions", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("CreateFunction %s: HTTP %d: %s", name, resp.StatusCode, out)
	}
	return nil
}

type zipEntry struct {
	body []byte
	mode os.FileMode
}

func zipOf(files map[string]zipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, f := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(orDefault(f.mode, 0o644))
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write(f.body)
		}
		if err != nil {
			panic(err) // writing to memory
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func orDefault(m, def os.FileMode) os.FileMode {
	if m == 0 {
		return def
	}
	return m
}

// buildNoopFunction builds noopFunction for linux in a temporary module
// under dir and returns the deployment zip (an executable bootstrap).
func buildNoopFunction(ctx context.Context, goTool, dir string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	goMod := "module gureum.dev/bench-noop\n\ngo 1.22\n\nrequire github.com/aws/aws-lambda-go " + awsLambdaGoVersion + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(noopFunction), 0o644); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOWORK=off", "GOFLAGS=-mod=mod")
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-trimpath", "-ldflags=-s -w", "-o", "bootstrap", "."}} {
		cmd := exec.CommandContext(ctx, goTool, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s %s: %w\n%s", goTool, strings.Join(args, " "), err, out)
		}
	}
	bin, err := os.ReadFile(filepath.Join(dir, "bootstrap"))
	if err != nil {
		return nil, err
	}
	return zipOf(map[string]zipEntry{"bootstrap": {body: bin, mode: 0o755}}), nil
}

// floorHandler is the HTTP floor: fixed JSON for any request, after reading
// its body, as a minimal API would.
func floorHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(floorBody)
}

// startProxyInProcess serves a reverse proxy to url (the reference for one
// extra HTTP hop).
func startProxyInProcess(url string) (*inProcessFloor, error) {
	h, err := reverseProxy(url)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	return &inProcessFloor{url: "http://" + ln.Addr().String(), srv: srv}, nil
}

func reverseProxy(to string) (http.Handler, error) {
	u, err := neturl.Parse(to)
	if err != nil {
		return nil, err
	}
	return httputil.NewSingleHostReverseProxy(u), nil
}

type inProcessFloor struct {
	url string
	srv *http.Server
}

func (f *inProcessFloor) Close() { _ = f.srv.Close() }

func startFloorInProcess() (*inProcessFloor, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(floorHandler)}
	go func() { _ = srv.Serve(ln) }()
	return &inProcessFloor{url: "http://" + ln.Addr().String(), srv: srv}, nil
}

// benchHTTPFloor serves the HTTP floor on a loopback port until stopped
// (`gureum bench http-floor`, run by `bench invoke` as a child process).
func benchHTTPFloor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum bench http-floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	proxyTo := fs.String("proxy-to", "", "serve a reverse proxy (net/http/httputil) to this URL instead")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	var h http.Handler = http.HandlerFunc(floorHandler)
	if *proxyTo != "" {
		var err error
		if h, err = reverseProxy(*proxyTo); err != nil {
			fmt.Fprintln(stderr, "gureum bench http-floor:", err)
			return exitError
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "gureum bench http-floor:", err)
		return exitError
	}
	srv := &http.Server{Handler: h}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(stdout, "API: http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "gureum bench http-floor:", err)
		return exitError
	}
	return exitOK
}

// child is a server in a child process.
type child struct {
	cmd *exec.Cmd
	url string
}

// startChild runs bin with args plus --addr on a free loopback port and
// waits until it answers HTTP there.
func startChild(ctx context.Context, bin string, args ...string) (*child, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append(args, "--addr", addr)...)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, url: "http://" + addr}
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := hc.Get(c.url + "/_gureum/health")
		if err == nil {
			resp.Body.Close()
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.stop()
			return nil, fmt.Errorf("%s did not answer on %s: %v\n%s", bin, addr, err, errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}
