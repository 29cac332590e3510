//go:build linux

package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The test binary doubles as a program to run inside sandboxes: bound at
// helperPath, it runs the helper named by helperEnv instead of the tests.
const (
	helperEnv  = "GUREUM_SANDBOX_TEST_HELPER"
	helperPath = "/var/lang/bin/helper"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runHelper is the program inside the sandbox:
//
//	alloc MB hold|free   allocate and touch MB, print "allocated"; then hold
//	                     it, or give it back and print "freed"; sleep
//	dial ADDR            connect to ADDR (retrying up to 5 s), print "connected"
//	                     and what the server sends
//	host ID PARENT DIR   (on the host) start a sandbox running sleep with code
//	                     DIR, print the init's PID, wait to be killed
func runHelper(mode string, args []string) int {
	switch mode {
	case "host":
		e, err := Start(context.Background(), Spec{
			ID: args[0], CgroupParent: args[1], CodeDir: args[2], UID: 63000, GID: 63000,
			Path: "/bin/sleep", Args: []string{"60"},
		})
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Println(e.Pid())
		time.Sleep(time.Hour)
	case "alloc":
		mb, _ := strconv.Atoi(args[0])
		mem := make([][]byte, mb)
		for i := range mem {
			mem[i] = make([]byte, 1<<20)
			for j := 0; j < len(mem[i]); j += 4096 {
				mem[i][j] = 1
			}
		}
		fmt.Println("allocated")
		if args[1] == "free" {
			mem = nil
			debug.FreeOSMemory()
			fmt.Println("freed")
		}
		time.Sleep(time.Hour)
		_ = mem
	case "dial":
		deadline := time.Now().Add(5 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", args[0], time.Second)
			if err != nil {
				if time.Now().After(deadline) {
					fmt.Println("dial:", err)
					return 1
				}
				time.Sleep(20 * time.Millisecond)
				continue
			}
			b := make([]byte, 64)
			n, _ := c.Read(b)
			fmt.Printf("connected %s\n", b[:n])
			return 0
		}
	}
	return 2
}

var (
	checkOnce sync.Once
	checkErr  error
	counter   atomic.Int64
)

// requireSandbox skips the test when this host cannot sandbox.
func requireSandbox(t testing.TB) {
	t.Helper()
	checkOnce.Do(func() { _, checkErr = Check() })
	if checkErr != nil {
		t.Skipf("sandboxing is not possible here (Check: %v)", checkErr)
	}
}

// syncBuffer collects a sandbox's output.
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

// waitFor polls the buffer until it contains want.
func (s *syncBuffer) waitFor(t testing.TB, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(s.String(), want) }, 20*time.Second, 5*time.Millisecond, "waiting for %q in output %q", want, s.String())
}

// setup returns a Spec that runs script with /bin/sh, its output in out.
// The code directory holds hello.txt; the test binary is at helperPath.
func setup(t testing.TB, script string) (Spec, *syncBuffer) {
	t.Helper()
	requireSandbox(t)
	code := t.TempDir()
	require.NoError(t, os.Chmod(code, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(code, "hello.txt"), []byte("hello from the code dir\n"), 0o644))
	exe, err := os.Executable()
	require.NoError(t, err)
	out := &syncBuffer{}
	n := counter.Add(1)
	uid := 61000 + int(n)
	return Spec{
		ID:          fmt.Sprintf("test-%d-%d", os.Getpid(), n),
		Path:        "/bin/sh",
		Args:        []string{"-c", script},
		Env:         []string{"PATH=/usr/local/bin:/usr/bin:/bin"},
		UID:         uid,
		GID:         uid,
		CodeDir:     code,
		RuntimeDirs: []Mount{{Source: exe, Target: helperPath}},
		MemoryMB:    256,
		TmpMB:       16,
		PidsMax:     64,
		Stdout:      out,
		Stderr:      out,
	}, out
}

// helperSpec makes s run the test binary's helper.
func helperSpec(s Spec, mode string, args ...string) Spec {
	s.Path = helperPath
	s.Args = args
	s.Env = append(s.Env, helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	return s
}

// startEnv starts s and closes it at the end of the test.
func startEnv(t testing.TB, s Spec) *Env {
	t.Helper()
	e, err := Start(context.Background(), s)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	return e
}

// run starts s, waits for it to exit and closes it.
func run(t testing.TB, s Spec) Exit {
	t.Helper()
	e, err := Start(context.Background(), s)
	require.NoError(t, err)
	select {
	case <-e.Done():
	case <-time.After(30 * time.Second):
		require.NoError(t, e.Close())
		t.Fatal("sandbox did not exit within 30 s")
	}
	require.NoError(t, e.Close())
	return e.ExitStatus()
}
