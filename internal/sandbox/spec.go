package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Defaults applied by Start to zero fields of a Spec.
const (
	DefaultDir          = "/var/task"
	DefaultTmpMB        = 512 // Lambda's default EphemeralStorage
	DefaultPidsMax      = 1024
	DefaultHostname     = "localhost"
	DefaultCgroupParent = "gureum"
	maxShmMB            = 64
)

// Errors returned by this package. Callers test them with errors.Is.
var (
	// ErrInvalidSpec wraps every validation failure of a Spec.
	ErrInvalidSpec = errors.New("invalid sandbox spec")
	// ErrClosed is returned by methods of an Env after Close.
	ErrClosed = errors.New("sandbox closed")
	// ErrExited is returned by Freeze and Thaw once the environment has exited.
	ErrExited = errors.New("sandbox exited")
	// ErrUnsupported is returned when this host's kernel or cgroup setup
	// cannot do what was asked (e.g. resetting peak memory on cgroup v2 before
	// Linux 6.12). It wraps errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("sandbox: %w", errors.ErrUnsupported)
)

// Spec describes one execution environment. Paths named Dir/Source are host
// paths; Path, Dir and Target are paths inside the sandbox.
type Spec struct {
	// ID is the environment's unique id: letters, digits, '.', '_' and '-', at
	// most 128 characters. It names the cgroup (<CgroupParent>/<ID>); two live
	// environments must not share an ID.
	ID string
	// Path is the program to run inside the sandbox, e.g. /var/lang/bin/node
	// or /var/task/bootstrap. Without a slash it is looked up in the PATH of
	// Env (default /usr/local/bin:/usr/bin:/bin) inside the sandbox.
	Path string
	// Args are the arguments after the program name (argv[1:]); argv[0] is
	// Path, as with exec.Command(Path, Args...).
	Args []string
	// Env is the runtime's complete environment ("KEY=value"); nothing of the
	// host's environment is passed on.
	Env []string
	// Dir is the working directory inside the sandbox; default /var/task.
	Dir string
	// UID and GID are the non-root ids the runtime runs as. The caller
	// allocates a distinct uid per environment; 0 is rejected.
	UID, GID int
	// CodeDir is the host directory bind-mounted read-only at /var/task. Its
	// contents must be readable by UID (e.g. root-owned 0755 directories and
	// 0644 files, executables 0755): the sandbox changes no ownership.
	CodeDir string
	// OptDir, if set, is the host directory bind-mounted read-only at /opt
	// (the function's layers). Without it /opt is an empty directory.
	OptDir string
	// RuntimeDirs are further read-only bind mounts, typically runtime
	// installs: {Source: "/root/.pyenv/versions/3.11.7", Target: "/var/lang"}.
	// A Source may be a directory or a file, anywhere on the host (a directory
	// under a 0700 home is fine: the bind makes it reachable inside). A Target
	// must not lie in /usr, /bin, /lib*, /sbin, /etc, /proc, /dev, /tmp,
	// /var/task or, when OptDir is set, /opt; a Target inside another
	// RuntimeDirs mount must exist in that mount's Source.
	RuntimeDirs []Mount
	// TmpMB is the size of the private tmpfs at /tmp (Lambda's
	// EphemeralStorage); default 512. It is owned by UID and, being tmpfs,
	// counts towards MemoryMB while used.
	TmpMB int
	// MemoryMB is the hard memory limit of the whole environment (runtime,
	// children, /tmp and /dev/shm contents); 0 means no limit. Swap is disabled
	// where the kernel accounts it. Exceeding it gets a process OOM-killed.
	MemoryMB int
	// PidsMax limits the number of processes and threads; default 1024.
	// The sandbox's init counts as one process with a few threads.
	PidsMax int
	// CPUs, if positive, is a CPU bandwidth quota in CPUs (0.5 = half a CPU).
	CPUs float64
	// Network true shares the host's network namespace (the function can reach
	// the internet and gureum on 127.0.0.1); false gives the environment a new
	// network namespace with only a loopback interface (see Env.Listen).
	Network bool
	// Hostname is the host name inside the sandbox; default "localhost".
	Hostname string
	// Stdout and Stderr receive the runtime's output (the function's logs);
	// nil discards it. Writes to them are never concurrent (not even one to
	// each), may continue until Done is closed, and their errors are ignored:
	// output a writer rejects is dropped rather than blocking the function.
	Stdout, Stderr io.Writer
	// CgroupParent is the parent cgroup, relative to the root of each
	// hierarchy; default "gureum".
	CgroupParent string
}

// Mount is a read-only bind mount of a host path into the sandbox.
type Mount struct {
	Source string // host path, directory or file
	Target string // absolute path inside the sandbox
}

// Paths inside the sandbox that belong to the sandbox itself; RuntimeDirs
// may not be mounted on or under them.
var reservedTargets = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/proc", "/dev", "/sys", "/tmp", "/var/task"}

// normalize returns s with defaults applied, or an error wrapping
// ErrInvalidSpec. It checks the host paths exist.
func (s Spec) normalize() (Spec, error) {
	bad := func(format string, args ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("%w: %s", ErrInvalidSpec, fmt.Sprintf(format, args...))
	}
	if !validID(s.ID) {
		return bad("ID %q: want 1-128 letters, digits, '.', '_' or '-', not starting with '.'", s.ID)
	}
	if s.Path == "" {
		return bad("Path is empty")
	}
	if s.Dir == "" {
		s.Dir = DefaultDir
	}
	if !filepath.IsAbs(s.Dir) {
		return bad("Dir %q is not absolute", s.Dir)
	}
	const maxID = 1<<32 - 2
	if s.UID <= 0 || int64(s.UID) > maxID || s.GID <= 0 || int64(s.GID) > maxID {
		return bad("UID %d and GID %d must be non-root ids (1..%d)", s.UID, s.GID, int64(maxID))
	}
	if err := checkHostPath(s.CodeDir, true); err != nil {
		return bad("CodeDir: %v", err)
	}
	if s.OptDir != "" {
		if err := checkHostPath(s.OptDir, true); err != nil {
			return bad("OptDir: %v", err)
		}
	}
	reserved := reservedTargets
	if s.OptDir != "" {
		reserved = append(reserved[:len(reserved):len(reserved)], "/opt")
	}
	seen := map[string]bool{}
	for _, m := range s.RuntimeDirs {
		if err := checkHostPath(m.Source, false); err != nil {
			return bad("RuntimeDirs source: %v", err)
		}
		t := m.Target
		if !filepath.IsAbs(t) || filepath.Clean(t) != t || t == "/" {
			return bad("RuntimeDirs target %q: want a clean absolute path other than /", t)
		}
		for _, r := range reserved {
			if within(t, r) {
				return bad("RuntimeDirs target %q: %s belongs to the sandbox", t, r)
			}
		}
		if seen[t] {
			return bad("RuntimeDirs target %q mounted twice", t)
		}
		seen[t] = true
	}
	if s.TmpMB < 0 || s.MemoryMB < 0 || s.PidsMax < 0 || s.CPUs < 0 {
		return bad("TmpMB, MemoryMB, PidsMax and CPUs must not be negative")
	}
	if s.TmpMB == 0 {
		s.TmpMB = DefaultTmpMB
	}
	if s.PidsMax == 0 {
		s.PidsMax = DefaultPidsMax
	}
	if s.Hostname == "" {
		s.Hostname = DefaultHostname
	}
	if len(s.Hostname) > 64 || strings.ContainsAny(s.Hostname, "/ \t\n\x00") {
		return bad("Hostname %q", s.Hostname)
	}
	if s.CgroupParent == "" {
		s.CgroupParent = DefaultCgroupParent
	}
	if p := s.CgroupParent; filepath.IsAbs(p) || filepath.Clean(p) != p || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return bad("CgroupParent %q: want a clean relative path", p)
	}
	for _, kv := range append(append([]string{}, s.Args...), s.Env...) {
		if strings.IndexByte(kv, 0) >= 0 {
			return bad("Args and Env must not contain NUL bytes")
		}
	}
	for _, kv := range s.Env {
		if !strings.Contains(kv, "=") {
			return bad("Env entry %q has no '='", kv)
		}
	}
	return s, nil
}

// shmMB is the size of /dev/shm: Docker's 64 MB, but at most MemoryMB.
func (s Spec) shmMB() int {
	if s.MemoryMB > 0 && s.MemoryMB < maxShmMB {
		return s.MemoryMB
	}
	return maxShmMB
}

func validID(id string) bool {
	if id == "" || len(id) > 128 || id[0] == '.' {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// checkHostPath checks p is an absolute path to an existing directory (or,
// if !dirOnly, a directory or regular file).
func checkHostPath(p string, dirOnly bool) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%q is not an absolute path", p)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || (!dirOnly && fi.Mode().IsRegular()) {
		return nil
	}
	return fmt.Errorf("%s is not a directory", p)
}

// within reports whether p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// Exit is how an environment ended.
type Exit struct {
	// Code is the runtime's exit code, or -1 if a signal killed it.
	Code int
	// Signal is the signal that killed the runtime (or the whole environment,
	// e.g. after Kill), 0 if it exited by itself.
	Signal syscall.Signal
	// OOMKilled reports that the kernel's OOM killer, enforcing MemoryMB,
	// killed the runtime.
	OOMKilled bool
}

// String describes x the way os.ProcessState does ("exit status 1",
// "signal: killed"), the words Lambda puts after "Runtime exited with
// error: ".
func (x Exit) String() string {
	if x.Signal != 0 {
		return "signal: " + x.Signal.String()
	}
	return fmt.Sprintf("exit status %d", x.Code)
}
