package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// closeTimeout bounds how long Close waits for a killed environment to exit.
const closeTimeout = 10 * time.Second

// Env is a running execution environment. Its methods are safe for
// concurrent use.
type Env struct {
	id         string
	cmd        *exec.Cmd
	cg         cgroup
	done       chan struct{}
	exit       Exit        // set before done is closed
	killed     atomic.Bool // Kill was called
	out        output
	outputDone chan struct{} // closed when all output is copied

	mu     sync.Mutex // serialises cgroup operations; guards the fields below
	netns  *os.File   // the private network namespace; nil when sharing the host's
	closed bool
}

var hostHierarchy = sync.OnceValues(detectHierarchy)

// Start starts an environment: it creates the cgroup, starts the sandbox
// init in new namespaces, and returns once the runtime (s.Path) has been
// started inside, or with an error saying what failed (invalid Spec, missing
// program, mount failure, ...), in which case nothing is left behind. ctx
// bounds the start only; the environment lives until it exits, Kill or Close.
// The caller must Close every Env it gets.
func Start(ctx context.Context, s Spec) (*Env, error) {
	h, err := hostHierarchy()
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	return start(ctx, s, h, limitsOf)
}

// start starts s with its cgroup in h, limited by lim(s).
func start(ctx context.Context, s Spec, h hierarchy, lim func(Spec) limits) (*Env, error) {
	s, err := s.normalize()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := spawn(h, s.CgroupParent, s.ID, s.Network, lim(s), false)
	if err != nil {
		return nil, fmt.Errorf("start sandbox %s: %w", s.ID, err)
	}
	return p.configure(ctx, s)
}

// pending is an environment whose init is up, in its namespaces and
// cgroup, waiting for its config.
type pending struct {
	e       *Env
	root    string   // the empty host directory the init mounts its root on
	cfgW    *os.File // the init's config pipe
	started chan initStatus
}

// spawn starts a sandbox init in a new cgroup <parent>/<id> with limits l (a
// pool's cgroups get every controller enabled, for limits set later).
func spawn(h hierarchy, parent, id string, network bool, l limits, pooled bool) (_ *pending, err error) {
	cg, err := h.create(parent, id, l, pooled)
	if err != nil {
		return nil, err
	}
	e := &Env{id: id, cg: cg, done: make(chan struct{}), outputDone: make(chan struct{})}
	p := &pending{e: e, started: make(chan initStatus, 1)}
	var closers []*os.File // the init's ends of the pipes, closed once it has them
	defer func() {
		for _, f := range closers {
			f.Close()
		}
		if err != nil && e.cmd == nil {
			if p.cfgW != nil {
				p.cfgW.Close()
			}
			if p.root != "" {
				os.Remove(p.root)
			}
			err = errors.Join(err, cg.remove())
		}
	}()
	// The init mounts its new root on this directory inside its own mount
	// namespace; after pivot_root it no longer needs it.
	if p.root, err = os.MkdirTemp("", "gureum-sandbox-"); err != nil {
		return nil, err
	}
	pipe := func() (r, w *os.File) {
		if err == nil {
			r, w, err = os.Pipe()
		}
		return r, w
	}
	cfgR, cfgW := pipe()
	statR, statW := pipe()
	outR, outW := pipe()
	errR, errW := pipe()
	closers = append(closers, cfgR, statW, outW, errW)
	if err != nil {
		closers = append(closers, cfgW, statR, outR, errR)
		return nil, err
	}
	p.cfgW = cfgW
	flags := uintptr(syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS)
	if !network {
		flags |= syscall.CLONE_NEWNET
	}
	newCmd := func() *exec.Cmd {
		return &exec.Cmd{
			Path: "/proc/self/exe",
			Args: []string{initArg0},
			// GORACE: a race-enabled binary (tests) would otherwise sleep 1 s on exit.
			Env:         []string{"GOMAXPROCS=1", "GOGC=off", "GORACE=atexit_sleep_ms=0"},
			Stdout:      outW,
			Stderr:      errW,
			ExtraFiles:  []*os.File{cfgR, statW}, // configFD, statusFD
			SysProcAttr: &syscall.SysProcAttr{Cloneflags: flags, Setsid: true},
		}
	}
	// On cgroup v2 the init is cloned straight into its cgroup (Linux 5.7);
	// otherwise it is moved there before it gets its config.
	joined := false
	if v2, ok := cg.(*cgroupV2); ok {
		if dir, derr := os.Open(v2.dir); derr == nil {
			cmd := newCmd()
			cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(dir.Fd())
			if startOnSpawnerThread(cmd) == nil {
				e.cmd, joined = cmd, true
			}
			dir.Close()
		}
	}
	if !joined {
		cmd := newCmd()
		if err = startOnSpawnerThread(cmd); err != nil {
			closers = append(closers, statR, outR, errR)
			return nil, err
		}
		e.cmd = cmd
	}
	go e.copyOutput(outR, errR)
	go e.watch(statR, p.started)

	// Until it has read its config the init runs nothing but Go's startup:
	// move it into its cgroup first.
	if !joined {
		if err := cg.join(e.cmd.Process.Pid); err != nil {
			return nil, p.discard(err)
		}
	}
	if !network {
		if e.netns, err = os.Open(fmt.Sprintf("/proc/%d/ns/net", e.cmd.Process.Pid)); err != nil {
			return nil, p.discard(err)
		}
	}
	return p, nil
}

// spawnerThread runs every cmd.Start of a sandbox init on one OS thread
// that never exits. The init's parent-death signal fires when the *thread*
// that forked it ends, and a Go thread ends when a goroutine locked to it
// returns without unlocking (which any code in the process may do).
var spawnerThread = sync.OnceValue(func() chan<- func() {
	reqs := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: this thread lives as long as the process
		for f := range reqs {
			f()
		}
	}()
	return reqs
})

func startOnSpawnerThread(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	spawnerThread() <- func() { errc <- cmd.Start() }
	return <-errc
}

// configure sends the init its config (normalized s) and waits until the
// runtime has started.
func (p *pending) configure(ctx context.Context, s Spec) (*Env, error) {
	e := p.e
	defer os.Remove(p.root)
	fail := func(err error) error { return p.discard(fmt.Errorf("start sandbox %s: %w", s.ID, err)) }
	hostPlan, err := cachedHostPlan()
	if err != nil {
		return nil, fail(err)
	}
	var hostHosts string
	if s.Network {
		b, _ := os.ReadFile("/etc/hosts")
		hostHosts = string(b)
	}
	e.out.set(s.Stdout, s.Stderr)
	cfg := initConfig{
		Root: p.root, Plan: planEnv(hostPlan, s, hostHosts),
		TmpMB: s.TmpMB, ShmMB: s.shmMB(), Hostname: s.Hostname, Network: s.Network,
		Path: s.Path, Args: s.Args, Env: s.Env, Dir: s.Dir, UID: s.UID, GID: s.GID,
	}
	err = json.NewEncoder(p.cfgW).Encode(cfg)
	p.cfgW.Close()
	if err != nil {
		return nil, fail(fmt.Errorf("%w: %w", errInitGone, err))
	}
	select {
	case <-ctx.Done():
		return nil, fail(ctx.Err())
	case st, ok := <-p.started:
		switch {
		case !ok:
			<-e.done
			return nil, fail(fmt.Errorf("%w (%v)", errInitGone, e.exit))
		case st.Error != "":
			return nil, fail(errors.New(st.Error))
		}
	}
	return e, nil
}

// errInitGone: the sandbox init died before it started the runtime.
var errInitGone = errors.New("sandbox init died")

// discard kills and removes a pending environment and returns err (joined
// with any cleanup error).
func (p *pending) discard(err error) error {
	p.cfgW.Close()
	os.Remove(p.root)
	if cerr := p.e.Close(); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

// watch follows the init's status messages: the first goes to started (or
// started is closed if there is none), the runtime's exit is kept for
// ExitStatus. Once the init has exited and its output is copied, it computes
// the Exit and closes done.
func (e *Env) watch(statR *os.File, started chan<- initStatus) {
	dec := json.NewDecoder(statR)
	var first, last initStatus
	if err := dec.Decode(&first); err == nil {
		started <- first
		for first.Started {
			var m initStatus
			if dec.Decode(&m) != nil {
				break
			}
			if m.Exited {
				last = m
			}
		}
	} else {
		close(started)
	}
	statR.Close()
	_ = e.cmd.Wait() // the status is in ProcessState
	<-e.outputDone
	e.exit = e.exitOf(last, e.cmd.ProcessState)
	close(e.done)
}

// copyOutput copies the environment's stdout and stderr to the writers set
// by configure until every process holding the pipes has exited.
func (e *Env) copyOutput(stdout, stderr *os.File) {
	var wg sync.WaitGroup
	for _, c := range []struct {
		r *os.File
		w io.Writer
	}{{stdout, e.out.stdout()}, {stderr, e.out.stderr()}} {
		wg.Go(func() {
			_, _ = io.Copy(c.w, c.r)
			c.r.Close()
		})
	}
	wg.Wait()
	close(e.outputDone)
}

// output routes the two output pipes to writers known only once the
// environment is configured. One mutex serialises all writes, so a writer
// used for both streams is never called concurrently; write errors are
// ignored (output is dropped rather than blocking the function).
type output struct {
	mu     sync.Mutex
	out    [2]io.Writer
	stream [2]streamWriter
}

type streamWriter struct {
	o *output
	i int
}

func (s streamWriter) Write(p []byte) (int, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	if w := s.o.out[s.i]; w != nil {
		_, _ = w.Write(p)
	}
	return len(p), nil
}

func (o *output) stdout() io.Writer { return streamWriter{o, 0} }
func (o *output) stderr() io.Writer { return streamWriter{o, 1} }

func (o *output) set(stdout, stderr io.Writer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = [2]io.Writer{stdout, stderr}
}

// exitOf is the runtime's exit as reported by the init, or the init's own
// when it did not report (it was killed).
func (e *Env) exitOf(last initStatus, ps *os.ProcessState) Exit {
	var x Exit
	if last.Exited {
		x = Exit{Code: last.Code, Signal: syscall.Signal(last.Signal)}
	} else if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		x.Signal = ws.Signal()
	} else {
		x.Code = ps.ExitCode()
	}
	if x.Signal != 0 {
		x.Code = -1
	}
	// A SIGKILL we did not send, in a cgroup where the OOM killer struck.
	if x.Signal == syscall.SIGKILL && (last.Exited || !e.killed.Load()) {
		if n, err := e.cg.oomKills(); err == nil && n > 0 {
			x.OOMKilled = true
		}
	}
	return x
}

// ID returns the environment's id (Spec.ID).
func (e *Env) ID() string { return e.id }

// Pid returns the host PID of the sandbox's init, PID 1 of its namespace;
// the runtime is its child.
func (e *Env) Pid() int { return e.cmd.Process.Pid }

// Done is closed once the environment has exited: the runtime exited (the
// init then ends the rest) or it was killed. All its processes are gone and
// its output has been written by then.
func (e *Env) Done() <-chan struct{} { return e.done }

// ExitStatus returns how the environment ended; valid once Done is closed
// (before, it is the zero Exit).
func (e *Env) ExitStatus() Exit {
	select {
	case <-e.done:
		return e.exit
	default:
		return Exit{}
	}
}

// CgroupPaths returns the environment's cgroup directories (one for v2, one
// per hierarchy for v1).
func (e *Env) CgroupPaths() []string { return e.cg.paths() }

// Freeze stops every process of the environment (cgroup freezer) and
// returns once they are all stopped.
func (e *Env) Freeze() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.usable(); err != nil {
		return err
	}
	return e.cg.freeze()
}

// Thaw resumes a frozen environment.
func (e *Env) Thaw() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.usable(); err != nil {
		return err
	}
	return e.cg.thaw()
}

func (e *Env) usable() error {
	if e.closed {
		return ErrClosed
	}
	select {
	case <-e.done:
		return ErrExited
	default:
		return nil
	}
}

// MaxMemoryBytes returns the environment's peak memory use since it started
// or since the last ResetMaxMemory (Lambda's "Max Memory Used"). It can be
// read after the environment exited, until Close.
func (e *Env) MaxMemoryBytes() (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return 0, ErrClosed
	}
	return e.cg.memoryPeak()
}

// ResetMaxMemory starts a new peak, e.g. per invocation: later
// MaxMemoryBytes report the peak since the reset. On cgroup v2 this needs
// Linux 6.12; before, it returns an error wrapping ErrUnsupported and the
// peak keeps counting from the start.
func (e *Env) ResetMaxMemory() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	return e.cg.resetMemoryPeak()
}

// Signal sends sig (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 or SIGUSR2) to
// the runtime, through the init; use Kill to end the environment.
func (e *Env) Signal(sig syscall.Signal) error {
	if !slices.Contains(forwardedSignals, os.Signal(sig)) {
		return fmt.Errorf("sandbox: signal %v is not forwarded to the runtime", sig)
	}
	err := e.cmd.Process.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return ErrExited
	}
	return err
}

// Kill kills every process of the environment at once: the init gets
// SIGKILL, and with it the kernel kills the whole PID namespace; the cgroup
// is thawed (and on cgroup v2 killed) so frozen processes die too. It does
// not wait (see Done) and may be called any number of times.
func (e *Env) Kill() error {
	e.killed.Store(true)
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-e.done:
		return nil
	default:
	}
	err := e.cmd.Process.Kill() // by pidfd: no PID reuse race
	if errors.Is(err, os.ErrProcessDone) {
		err = nil
	}
	return errors.Join(err, e.cg.kill())
}

// Close kills the environment, waits for it to exit and removes its cgroup.
// It is idempotent; if it fails (processes stuck in the kernel), it may be
// called again.
func (e *Env) Close() error {
	_ = e.Kill()
	select {
	case <-e.done:
	case <-time.After(closeTimeout):
		return fmt.Errorf("close sandbox %s: processes did not exit within %v", e.id, closeTimeout)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	if err := e.cg.remove(); err != nil {
		return fmt.Errorf("close sandbox %s: %w", e.id, err)
	}
	e.closed = true
	if e.netns != nil {
		e.netns.Close()
		e.netns = nil
	}
	return nil
}

// Listen opens a listener in the environment's network namespace: with
// Network false its private one, so an address like 127.0.0.1:9001 is
// reachable from inside the sandbox only (serve the Runtime API there); with
// Network true simply the host's. Close the listener with the environment:
// while open it keeps the environment's network namespace alive.
func (e *Env) Listen(network, address string) (net.Listener, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, ErrClosed
	}
	if e.netns == nil {
		return net.Listen(network, address)
	}
	return listenIn(e.netns, network, address)
}

// listenIn creates a listener in the network namespace ns from a thread that
// visits it.
func listenIn(ns *os.File, network, address string) (net.Listener, error) {
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer self.Close()
	if err := setns(ns, syscall.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	ln, err := net.Listen(network, address)
	if berr := setns(self, syscall.CLONE_NEWNET); berr != nil {
		// The thread stays locked: it ends with this goroutine instead of
		// running other goroutines in the wrong namespace.
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("return to the host network namespace: %w", berr)
	}
	runtime.UnlockOSThread()
	return ln, err
}

func setns(f *os.File, nstype int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var e syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, e = syscall.RawSyscall(sysSetns, fd, uintptr(nstype), 0)
	}); err != nil {
		return err
	}
	if e != 0 {
		return fmt.Errorf("setns: %w", e)
	}
	return nil
}
