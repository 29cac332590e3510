//go:build linux

package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// section extracts the lines printed between "== name" and the next "==".
func section(out, name string) string {
	_, rest, ok := strings.Cut(out, "== "+name+"\n")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "== ")
	return strings.TrimSpace(body)
}

func TestIsolatedView(t *testing.T) {
	t.Parallel()
	secret := t.TempDir() // a host directory the sandbox must not see
	script := `
echo "== pid"; echo $$
echo "== procs"; ls /proc | grep -E '^[0-9]+$'
echo "== init"; tr '\0' ' ' </proc/1/cmdline
echo "== initenv"; cat /proc/1/environ 2>&1 >/dev/null | head -1
echo "== ids"; id -u; id -g; id -G; id -un
echo "== hostname"; hostname; cat /etc/hostname
echo "== status"; grep -E '^(CapEff|CapPrm|NoNewPrivs)' /proc/self/status
echo "== code"; cat /var/task/hello.txt
echo "== write-code"; touch /var/task/new 2>&1 || true
echo "== write-root"; touch /new 2>&1 || true; mkdir /usr/new 2>&1 || true; touch /etc/new 2>&1 || true
echo "== tmp"; echo data >/tmp/f && cat /tmp/f; stat -c '%U %a' /tmp
echo "== hidden"; for p in /root /home /sys /var/lib /run ` + secret + ` /etc/shadow /etc/gureum; do test -e $p && echo "visible $p"; done; echo done
echo "== env"; env | cut -d= -f1 | sort | tr '\n' ' '
echo "== ipc"; ls /dev/shm | wc -l
echo "== dev"; echo x >/dev/null && head -c 4 /dev/urandom | wc -c
echo "== end"
`
	s, out := setup(t, script)
	s.Hostname = "fn-isolated"
	x := run(t, s)
	o := out.String()
	require.Equal(t, Exit{Code: 0}, x, o)

	pid, err := strconv.Atoi(section(o, "pid"))
	require.NoError(t, err, o)
	assert.Less(t, pid, 20, "the runtime is one of the first PIDs of its namespace")
	procs := strings.Fields(section(o, "procs"))
	assert.Contains(t, procs, "1")
	assert.LessOrEqual(t, len(procs), 6, "only the sandbox's own processes: %v", procs)
	for _, p := range procs {
		n, _ := strconv.Atoi(p)
		assert.Less(t, n, 50, "PID %d is not from the sandbox's namespace", n)
	}
	assert.Equal(t, initArg0, strings.TrimSpace(section(o, "init")))
	assert.Contains(t, section(o, "initenv"), "Permission denied", "the init is not inspectable")

	ids := strings.Fields(section(o, "ids"))
	uid := strconv.Itoa(s.UID)
	assert.Equal(t, []string{uid, uid, uid, "sbx_user" + uid}, ids)
	assert.Equal(t, "fn-isolated\nfn-isolated", section(o, "hostname"))
	host, _ := os.Hostname()
	assert.NotEqual(t, host, "fn-isolated")
	assert.Contains(t, section(o, "status"), "CapPrm:\t0000000000000000")
	assert.Contains(t, section(o, "status"), "CapEff:\t0000000000000000")
	assert.Contains(t, section(o, "status"), "NoNewPrivs:\t1")

	assert.Equal(t, "hello from the code dir", section(o, "code"))
	assert.Contains(t, section(o, "write-code"), "Read-only file system")
	wr := section(o, "write-root")
	assert.Equal(t, 3, strings.Count(wr, "Read-only file system"), wr)
	assert.Equal(t, "data\nsbx_user"+uid+" 1777", section(o, "tmp"))
	assert.Equal(t, "done", section(o, "hidden"))
	assert.Equal(t, "0", section(o, "ipc"))
	env := strings.Fields(section(o, "env"))
	assert.Subset(t, []string{"PATH", "PWD", "SHLVL", "_", "OLDPWD"}, env, "only the Spec's environment (and what sh adds)")
	assert.Equal(t, "4", section(o, "dev"))
	_, err = os.Stat(filepath.Join(s.CodeDir, "new"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestTmpIsPrivateAndLimited(t *testing.T) {
	t.Parallel()
	a, aout := setup(t, `echo secret >/tmp/a && echo written; sleep 30`)
	startEnv(t, a)
	aout.waitFor(t, "written")

	b, bout := setup(t, `echo "== ls"; ls -A /tmp; echo "== code"; ls `+a.CodeDir+` 2>&1; echo "== dd"; dd if=/dev/zero of=/tmp/big bs=1M count=32 2>&1; echo "rc=$?"; echo "== end"`)
	b.TmpMB = 8
	x := run(t, b)
	require.Equal(t, 0, x.Code, bout.String())
	assert.Empty(t, section(bout.String(), "ls"), "another environment's /tmp is invisible")
	assert.Contains(t, section(bout.String(), "code"), "No such file or directory", "another environment's code is invisible")
	dd := section(bout.String(), "dd")
	assert.Contains(t, dd, "No space left on device")
	assert.Contains(t, dd, "rc=1")
}

func TestExitStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		script string
		want   Exit
		str    string
	}{
		{"true", Exit{Code: 0}, "exit status 0"},
		{"exit 3", Exit{Code: 3}, "exit status 3"},
		{"kill -SEGV $$", Exit{Code: -1, Signal: syscall.SIGSEGV}, "signal: segmentation fault"},
		{"sleep 30 & exit 0", Exit{Code: 0}, "exit status 0"}, // orphans do not keep it alive
	} {
		t.Run(tc.script, func(t *testing.T) {
			t.Parallel()
			s, out := setup(t, tc.script)
			start := time.Now()
			x := run(t, s)
			assert.Equal(t, tc.want, x, out.String())
			assert.Equal(t, tc.str, x.String())
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
}

func TestStartErrorsLeaveNothing(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, "true")
	for name, tc := range map[string]struct {
		edit func(*Spec)
		want string
	}{
		"missing program": {func(s *Spec) { s.Path = "/var/task/bootstrap" }, "no such file or directory"},
		"not in PATH":     {func(s *Spec) { s.Path = "no-such-runtime" }, "not found in $PATH"},
		"bad dir":         {func(s *Spec) { s.Dir = "/nonexistent" }, "no such file or directory"},
		"missing source":  {func(s *Spec) { s.RuntimeDirs = []Mount{{Source: "/nonexistent", Target: "/var/lang"}} }, "invalid sandbox spec"},
		"root uid":        {func(s *Spec) { s.UID = 0 }, "invalid sandbox spec"},
		"reserved target": {func(s *Spec) { s.RuntimeDirs = []Mount{{Source: "/usr", Target: "/etc/x"}} }, "belongs to the sandbox"},
	} {
		t.Run(name, func(t *testing.T) {
			s := s
			s.ID = fmt.Sprintf("%s-%d", s.ID, counter.Add(1))
			tc.edit(&s)
			e, err := Start(context.Background(), s)
			require.Error(t, err)
			assert.Nil(t, e)
			assert.Contains(t, err.Error(), tc.want)
			assertNoCgroup(t, s.ID)
		})
	}
	t.Run("canceled", func(t *testing.T) {
		s := s
		s.ID += "-canceled"
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Start(ctx, s)
		require.ErrorIs(t, err, context.Canceled)
		assertNoCgroup(t, s.ID)
	})
}

func TestDuplicateIDIsRejected(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, "sleep 30")
	startEnv(t, s)
	_, err := Start(context.Background(), s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "create cgroup")
}

// assertNoCgroup checks that no hierarchy has a cgroup for id.
func assertNoCgroup(t *testing.T, id string) {
	t.Helper()
	h, err := hostHierarchy()
	require.NoError(t, err)
	dirs := map[string]bool{h.v2: true}
	for _, m := range h.v1 {
		dirs[m] = true
	}
	for d := range dirs {
		if d != "" {
			assert.NoDirExists(t, filepath.Join(d, DefaultCgroupParent, id))
		}
	}
}

func TestOOMKill(t *testing.T) {
	t.Parallel()
	s, out := setup(t, "")
	s = helperSpec(s, "alloc", "1024", "hold")
	s.MemoryMB = 96
	x := run(t, s)
	assert.Equal(t, Exit{Code: -1, Signal: syscall.SIGKILL, OOMKilled: true}, x, out.String())
	assert.NotContains(t, out.String(), "allocated")
}

func TestKillIsNotOOM(t *testing.T) {
	t.Parallel()
	s, out := setup(t, "echo up; sleep 30")
	e := startEnv(t, s)
	out.waitFor(t, "up")
	require.NoError(t, e.Kill())
	require.NoError(t, e.Kill(), "Kill is idempotent")
	<-e.Done()
	assert.Equal(t, Exit{Code: -1, Signal: syscall.SIGKILL}, e.ExitStatus())
	require.NoError(t, e.Kill())
}

func TestForkBombIsContained(t *testing.T) {
	t.Parallel()
	s, out := setup(t, `echo start; bomb() { bomb | bomb & }; bomb; sleep 60`)
	s.PidsMax = 40
	e := startEnv(t, s)
	out.waitFor(t, "start")
	h, err := hostHierarchy()
	require.NoError(t, err)
	pidsDir := e.cg.paths()[0]
	if h.version == 1 {
		pidsDir = e.cg.(*cgroupV1).dirs["pids"]
	}
	// The bomb hits the limit: forks are refused, the count stays at it.
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(filepath.Join(pidsDir, "pids.events"))
		n, _ := keyedValue(string(b), "max")
		return n > 0
	}, 20*time.Second, 10*time.Millisecond)
	cur, err := readInt(filepath.Join(pidsDir, "pids.current"))
	require.NoError(t, err)
	assert.LessOrEqual(t, cur, int64(s.PidsMax))

	start := time.Now()
	require.NoError(t, e.Kill())
	select {
	case <-e.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the fork bomb survived Kill")
	}
	t.Logf("killed the fork bomb in %v", time.Since(start))
	procs, err := e.cg.procs()
	require.NoError(t, err)
	assert.Empty(t, procs)
	assert.Empty(t, processesOf(t, s.UID), "no process of the environment's uid is left on the host")
	require.NoError(t, e.Close())
	assertNoCgroup(t, s.ID)
}

// processesOf lists host PIDs running as uid, zombies (dead, waiting to be
// reaped by the host's init) excepted.
func processesOf(t *testing.T, uid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != uid {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil {
			if _, after, _ := strings.Cut(string(b), ") "); !strings.HasPrefix(after, "Z") {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

func TestFreezeThaw(t *testing.T) {
	t.Parallel()
	s, out := setup(t, `i=0; while :; do i=$((i+1)); echo $i; sleep 0.005; done`)
	e := startEnv(t, s)
	out.waitFor(t, "\n3\n")
	lines := func() int { return strings.Count(out.String(), "\n") }

	require.NoError(t, e.Freeze())
	time.Sleep(50 * time.Millisecond) // output already in the pipe arrives
	frozen := lines()
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, frozen, lines(), "a frozen environment makes no progress")

	require.NoError(t, e.Thaw())
	require.Eventually(t, func() bool { return lines() > frozen+5 }, 10*time.Second, 5*time.Millisecond)

	// Kill works on a frozen environment too.
	require.NoError(t, e.Freeze())
	require.NoError(t, e.Kill())
	select {
	case <-e.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a frozen environment survived Kill")
	}
	assert.ErrorIs(t, e.Freeze(), ErrExited)
	require.NoError(t, e.Close())
	assert.ErrorIs(t, e.Thaw(), ErrClosed)
}

func TestNoNetwork(t *testing.T) {
	t.Parallel()
	s, out := setup(t, `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; echo "== lo"; cat /sys/class/net/lo/operstate 2>/dev/null; ls /proc/net >/dev/null && echo ok`)
	x := run(t, s)
	require.Equal(t, 0, x.Code, out.String())
	ifaces := strings.Fields(strings.Split(out.String(), "== lo")[0])
	assert.Equal(t, []string{"lo"}, ifaces)
}

func TestListenInsideNetworkNamespace(t *testing.T) {
	t.Parallel()
	s, out := setup(t, "")
	s = helperSpec(s, "dial", "127.0.0.1:9001")
	e := startEnv(t, s)
	ln, err := e.Listen("tcp", "127.0.0.1:9001")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("from-host"))
			c.Close()
		}
	}()
	<-e.Done()
	assert.Equal(t, Exit{}, e.ExitStatus(), out.String())
	assert.Contains(t, out.String(), "connected from-host")

	// The same address on the host is a different socket.
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln2.Close()
	inner, err := e.Listen("tcp", ln2.Addr().String())
	require.NoError(t, err, "a port taken on the host is free in the sandbox")
	defer inner.Close()
	c, err := net.DialTimeout("tcp", inner.Addr().String(), time.Second)
	if err == nil {
		c.Close()
	}
	assert.Error(t, err, "the host cannot reach the sandbox's loopback")
}

func TestHostNetwork(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	peers := make(chan int, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			uid, err := PeerUID(c)
			if err != nil {
				t.Errorf("PeerUID: %v", err)
			}
			peers <- uid
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	s, out := setup(t, "")
	s = helperSpec(s, "dial", ln.Addr().String())
	s.Network = true
	e := startEnv(t, s)
	<-e.Done()
	assert.Equal(t, Exit{}, e.ExitStatus(), out.String())
	assert.Contains(t, out.String(), "connected hi")
	assert.Equal(t, s.UID, <-peers, "the host tells which environment connected")

	// A connection of this process's own.
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, os.Getuid(), <-peers)

	l2, err := e.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err, "with the host network Listen is net.Listen")
	l2.Close()
}

func TestMaxMemory(t *testing.T) {
	t.Parallel()
	// tail keeps a line without newline in memory: 64 MB of zeros.
	s, out := setup(t, `head -c 64m /dev/zero | tail >/dev/null; echo done; sleep 30`)
	e := startEnv(t, s)
	out.waitFor(t, "done")
	peak, err := e.MaxMemoryBytes()
	require.NoError(t, err)
	t.Logf("peak after 64 MB: %.1f MB", float64(peak)/(1<<20))
	assert.GreaterOrEqual(t, peak, int64(64<<20))
	assert.Less(t, peak, int64(64<<20+48<<20))

	err = e.ResetMaxMemory()
	if errors.Is(err, ErrUnsupported) {
		t.Skipf("peak reset: %v", err)
	}
	require.NoError(t, err)
	peak, err = e.MaxMemoryBytes()
	require.NoError(t, err)
	t.Logf("peak after reset: %.1f MB", float64(peak)/(1<<20))
	assert.Less(t, peak, int64(32<<20))
}

func TestSignalIsForwarded(t *testing.T) {
	t.Parallel()
	s, out := setup(t, `trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done`)
	e := startEnv(t, s)
	out.waitFor(t, "ready")
	require.NoError(t, e.Signal(syscall.SIGTERM))
	select {
	case <-e.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not reach the runtime")
	}
	assert.Equal(t, Exit{Code: 7}, e.ExitStatus())
	assert.Contains(t, out.String(), "got-term")
	assert.Error(t, e.Signal(syscall.SIGKILL), "use Kill")
	assert.ErrorIs(t, e.Signal(syscall.SIGTERM), ErrExited)
}

func TestOptAndRuntimeDirs(t *testing.T) {
	t.Parallel()
	opt := t.TempDir()
	require.NoError(t, os.Chmod(opt, 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(opt, "nodejs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(opt, "nodejs", "layer.txt"), []byte("layer\n"), 0o644))
	// A runtime under a 0700 directory, like a pyenv install under /root.
	private := t.TempDir()
	require.NoError(t, os.Chmod(private, 0o700))
	lang := filepath.Join(private, "versions", "1.0")
	require.NoError(t, os.MkdirAll(filepath.Join(lang, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(lang, "bin", "runtime"), []byte("#!/bin/sh\necho runtime \"$@\"\n"), 0o755))

	s, out := setup(t, "")
	s.OptDir = opt
	s.RuntimeDirs = append(s.RuntimeDirs, Mount{Source: lang, Target: "/var/runtime"})
	s.Path = "/var/runtime/bin/runtime"
	s.Args = []string{"arg1"}
	x := run(t, s)
	require.Equal(t, Exit{}, x, out.String())
	assert.Equal(t, "runtime arg1\n", out.String())

	s2, out2 := setup(t, `cat /opt/nodejs/layer.txt; touch /opt/x 2>&1; touch /var/runtime/x 2>&1; true`)
	s2.OptDir = opt
	s2.RuntimeDirs = append(s2.RuntimeDirs, Mount{Source: lang, Target: "/var/runtime"})
	run(t, s2)
	assert.Equal(t, 2, strings.Count(out2.String(), "Read-only file system"), out2.String())
	assert.Contains(t, out2.String(), "layer\n")
}

// TestStartCloseLeaksNothing is not parallel: it counts the process's
// descriptors and goroutines, which other tests would disturb.
func TestStartCloseLeaksNothing(t *testing.T) {
	// Roots are made in os.TempDir; a private TMPDIR keeps sandboxes
	// started by other packages' tests (go test runs packages in
	// parallel) out of the count.
	t.Setenv("TMPDIR", t.TempDir())
	s, _ := setup(t, "true")
	countFDs := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		require.NoError(t, err)
		return len(ents)
	}
	mounts := func() string {
		b, err := os.ReadFile("/proc/self/mountinfo")
		require.NoError(t, err)
		return string(b)
	}
	temps := func() []string {
		m, _ := filepath.Glob(filepath.Join(os.TempDir(), "gureum-sandbox-*"))
		return m
	}
	// Warm up (lazy initialisation in the runtime and this package).
	for i := 0; i < 2; i++ {
		s.ID = fmt.Sprintf("%s-warm%d", s.ID, i)
		run(t, s)
	}
	fds, mi, tmp := countFDs(), mounts(), temps()
	for i := 0; i < 50; i++ {
		s := s
		s.ID = fmt.Sprintf("test-%d-loop-%d", os.Getpid(), i)
		s.Network = i%2 == 0
		e, err := Start(context.Background(), s)
		require.NoError(t, err)
		if i%3 == 0 {
			require.NoError(t, e.Kill()) // some die early, some on their own
		}
		<-e.Done()
		paths := e.CgroupPaths()
		require.NoError(t, e.Close())
		require.NoError(t, e.Close(), "Close is idempotent")
		for _, p := range paths {
			require.NoDirExists(t, p)
		}
	}
	assert.Equal(t, fds, countFDs(), "file descriptors leaked")
	assert.Equal(t, mi, mounts(), "host mounts changed")
	assert.Equal(t, tmp, temps(), "temporary roots left behind")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	c, err := Check()
	t.Logf("Check:\n%s", c)
	if err != nil {
		t.Skipf("sandboxing is not possible here: %v", err)
	}
	assert.True(t, c.Root)
	assert.True(t, c.Namespaces)
	assert.Contains(t, []int{1, 2}, c.CgroupVersion)
	assert.Subset(t, c.Controllers, []string{"memory", "pids", "freezer"})
	assert.True(t, c.PeakMemory)
	assert.Empty(t, c.Problems)
}

func TestOutputOrder(t *testing.T) {
	t.Parallel()
	s, out := setup(t, `for i in $(seq 1 2000); do echo line $i; done; echo err >&2`)
	x := run(t, s)
	require.Equal(t, Exit{}, x)
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "line ") {
			n++
			require.Equal(t, fmt.Sprintf("line %d", n), sc.Text())
		}
	}
	assert.Equal(t, 2000, n, "all output is written by the time Done is closed")
	assert.Contains(t, out.String(), "err\n")
}

// TestHostDeathKillsEnvironments: environments do not outlive the process
// that started them, even when it is killed.
func TestHostDeathKillsEnvironments(t *testing.T) {
	t.Parallel()
	requireSandbox(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	code := t.TempDir()
	parent := fmt.Sprintf("gureum-test-orphan-%d", os.Getpid())
	id := fmt.Sprintf("orphan-%d", counter.Add(1))
	t.Cleanup(func() {
		for _, d := range parentDirs(t, parent) {
			assert.NoError(t, rmdirRetry(filepath.Join(d, id)))
			assert.NoError(t, rmdirRetry(d))
		}
	})
	host := exec.Command(exe)
	host.Args = []string{exe, id, parent, code}
	host.Env = append(os.Environ(), helperEnv+"=host", "GORACE=atexit_sleep_ms=0")
	stdout, err := host.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, host.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	initPid, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err, line)
	require.NoError(t, syscall.Kill(initPid, 0), "the environment runs")

	require.NoError(t, host.Process.Kill())
	_ = host.Wait()
	gone := func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", initPid))
		if err != nil {
			return true
		}
		// A zombie waiting for the host's init to reap it is gone too.
		_, after, _ := strings.Cut(string(b), ") ")
		return strings.HasPrefix(after, "Z")
	}
	if !assert.Eventually(t, gone, 10*time.Second, 10*time.Millisecond, "the environment's init outlived its host") {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", initPid))
		t.Logf("init: %s", b)
	}
	// The rest of the environment dies with its init (the kernel kills a
	// pid namespace's processes when its init exits), not at the same
	// instant.
	assert.Eventually(t, func() bool { return len(processesOf(t, 63000)) == 0 }, 10*time.Second, 10*time.Millisecond,
		"processes of the environment outlived its host")
}
