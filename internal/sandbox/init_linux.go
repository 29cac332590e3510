package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// The sandbox init: the re-executed binary, PID 1 of the environment's PID
// namespace. It is recognised by argv[0] in this package's init function, so
// it never reaches the program's main.

const (
	initArg0  = "gureum-sandbox-init"  // argv[0] of the sandbox init
	probeArg0 = "gureum-sandbox-probe" // argv[0] of Check's namespace probe

	configFD = 3 // init reads its initConfig here (JSON, until EOF)
	statusFD = 4 // init writes initStatus messages here (JSON lines)
)

// initConfig is what Start sends the init: the plan of the root file system
// and the runtime to start.
type initConfig struct {
	Root     string // empty host directory the new root is mounted on
	Plan     rootPlan
	TmpMB    int
	ShmMB    int
	Hostname string
	Network  bool
	Path     string
	Args     []string
	Env      []string
	Dir      string
	UID, GID int
}

// initStatus is one message from the init: first Started or Error, then
// Dropped (privileges), and when the runtime has exited, Exited with its
// status.
type initStatus struct {
	Started bool   `json:",omitempty"`
	Error   string `json:",omitempty"`
	Dropped bool   `json:",omitempty"`
	Exited  bool   `json:",omitempty"`
	Code    int    `json:",omitempty"`
	Signal  int    `json:",omitempty"`
}

func init() {
	if len(os.Args) == 0 {
		return
	}
	switch os.Args[0] {
	case initArg0:
		runInit()
	case probeArg0:
		os.Exit(0)
	}
}

// runInit never returns.
func runInit() {
	// Thread-scoped state (the parent-death signal, no_new_privs) must be set
	// on the thread that forks the runtime: keep this goroutine on it.
	runtime.LockOSThread()
	// The host may die before we are fully set up: die with it. (Start
	// cannot ask for this through SysProcAttr.Pdeathsig: in a new PID
	// namespace Go's check of getppid() would kill the child at once.)
	_ = prctl(syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL))
	status := os.NewFile(statusFD, "sandbox-status")
	enc := json.NewEncoder(status)
	fail := func(err error) {
		_ = enc.Encode(initStatus{Error: err.Error()})
		os.Exit(1)
	}
	if os.Getpid() != 1 {
		fail(errors.New("sandbox init is not PID 1 of a new PID namespace"))
	}
	syscall.CloseOnExec(statusFD)
	// Catch the forwarded signals now, while waiting for the config: the
	// first Notify starts a thread, too slow for the start's critical path.
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwardedSignals...)
	var c initConfig
	cf := os.NewFile(configFD, "sandbox-config")
	if err := json.NewDecoder(cf).Decode(&c); err != nil {
		fail(fmt.Errorf("read sandbox config: %w", err))
	}
	cf.Close()

	syscall.Umask(0)
	if err := buildRoot(&c); err != nil {
		fail(err)
	}
	syscall.Umask(0o022)
	path, err := lookPath(c.Path, c.Env)
	if err != nil {
		fail(err)
	}
	// no_new_privs is inherited from this thread by the runtime.
	if err := prctl(prSetNoNewPrivs, 1); err != nil {
		fail(fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err))
	}
	pid, err := syscall.ForkExec(path, append([]string{c.Path}, c.Args...), &syscall.ProcAttr{
		Dir:   c.Dir,
		Env:   c.Env,
		Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{
			Setsid:     true,
			Pdeathsig:  syscall.SIGKILL,
			Credential: &syscall.Credential{Uid: uint32(c.UID), Gid: uint32(c.GID), Groups: []uint32{}},
		},
	})
	if err != nil {
		fail(fmt.Errorf("start %s: %w", c.Path, err))
	}
	if err := enc.Encode(initStatus{Started: true}); err != nil {
		os.Exit(1) // the host is gone; our exit takes the namespace down
	}
	// The runtime is started; now the init gives up root too (off the
	// start's critical path).
	if err := dropPrivileges(c.UID, c.GID); err != nil {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		fail(err)
	}
	// Dropping privileges cleared the parent-death signal until it was set
	// again: if the host died in between, the signal is lost, but then the
	// host's end of the status pipe is closed already (a dying process
	// closes its files before its children are re-parented).
	if err := enc.Encode(initStatus{Dropped: true}); err != nil {
		os.Exit(1)
	}
	go func() {
		for s := range sigs {
			_ = syscall.Kill(pid, s.(syscall.Signal))
		}
	}()
	code, sig := reap(pid)
	_ = enc.Encode(initStatus{Exited: true, Code: code, Signal: int(sig)})
	// Exiting makes the kernel kill whatever is left in the namespace.
	os.Exit(0)
}

// forwardedSignals are passed on from the init (where Env.Signal sends them)
// to the runtime.
var forwardedSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// reap waits for every child (orphans are re-parented to PID 1) until the
// runtime exits, and returns the runtime's exit code or signal.
func reap(runtimePid int) (int, syscall.Signal) {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 255, 0
		}
		if pid == runtimePid {
			if ws.Signaled() {
				return -1, ws.Signal()
			}
			return ws.ExitStatus(), 0
		}
	}
}

// dropPrivileges switches every thread to uid/gid with no supplementary
// groups (which clears all capabilities), sets the parent-death signal again
// (the credential change cleared it) and makes the init non-dumpable.
func dropPrivileges(uid, gid int) error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid: %w", err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid: %w", err)
	}
	if err := prctl(syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)); err != nil {
		return fmt.Errorf("prctl(PR_SET_PDEATHSIG): %w", err)
	}
	if err := prctl(syscall.PR_SET_DUMPABLE, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_DUMPABLE): %w", err)
	}
	return nil
}

const prSetNoNewPrivs = 38

func prctl(option int, arg uintptr) error {
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, uintptr(option), arg, 0, 0, 0, 0); e != 0 {
		return e
	}
	return nil
}

// lookPath resolves a program name without a slash through the PATH of env.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/usr/local/bin:/usr/bin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("start %s: executable file not found in $PATH", name)
}
