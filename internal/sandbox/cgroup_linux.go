package sandbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The cgroup layer. An environment's cgroup is <parent>/<id> in the unified
// hierarchy (v2) or in each of the v1 hierarchies it needs. The file-level
// decisions (which files get which contents, how the kernel's answers are
// parsed) are pure functions so that both versions are table-tested on any
// host; the rest is thin I/O.

const (
	freezeTimeout = 5 * time.Second
	rmdirTimeout  = 2 * time.Second
	cpuPeriodUS   = 100000
)

// hierarchy is where this host's cgroup controllers live.
type hierarchy struct {
	version int               // 1 or 2
	v2      string            // version 2: mount point of the unified hierarchy
	v2Ctrl  []string          // version 2: controllers available at its root
	v1      map[string]string // version 1: controller -> mount point
}

// mountEntry is the part of a /proc/self/mountinfo line this package needs.
type mountEntry struct {
	mountPoint string
	fsType     string
	superOpts  []string
}

// parseMountinfo parses /proc/<pid>/mountinfo (proc(5)).
func parseMountinfo(r io.Reader) ([]mountEntry, error) {
	var out []mountEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		sep := slices.Index(f, "-")
		if len(f) < 5 || sep < 5 || len(f) < sep+4 {
			return nil, fmt.Errorf("malformed mountinfo line %q", sc.Text())
		}
		out = append(out, mountEntry{
			mountPoint: unescapeOctal(f[4]),
			fsType:     f[sep+1],
			superOpts:  strings.Split(f[sep+3], ","),
		})
	}
	return out, sc.Err()
}

// unescapeOctal undoes mountinfo's \ooo escapes (space, tab, newline, \).
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// v1Controllers are the v1 hierarchies an environment needs; cpu is used
// only when a CPU quota is set.
var v1Controllers = []string{"memory", "pids", "freezer"}

// chooseHierarchy picks the cgroup version from the host's mounts:
// the unified hierarchy when it offers memory and pids (at
// /sys/fs/cgroup, or any cgroup2 mount), else the v1 memory, pids and
// freezer hierarchies. controllers reads a v2 root's cgroup.controllers.
func chooseHierarchy(mounts []mountEntry, controllers func(dir string) []string) (hierarchy, error) {
	var v2s []string
	v1 := map[string]string{}
	for _, m := range mounts {
		switch m.fsType {
		case "cgroup2":
			if m.mountPoint == "/sys/fs/cgroup" {
				v2s = append([]string{m.mountPoint}, v2s...)
			} else {
				v2s = append(v2s, m.mountPoint)
			}
		case "cgroup":
			for _, o := range m.superOpts {
				if _, dup := v1[o]; !dup && !strings.Contains(o, "=") && o != "rw" && o != "ro" {
					v1[o] = m.mountPoint
				}
			}
		}
	}
	for _, dir := range v2s {
		c := controllers(dir)
		if slices.Contains(c, "memory") && slices.Contains(c, "pids") {
			return hierarchy{version: 2, v2: dir, v2Ctrl: c}, nil
		}
	}
	var missing []string
	for _, c := range v1Controllers {
		if v1[c] == "" {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return hierarchy{version: 1, v1: v1}, nil
	}
	if len(v2s) > 0 {
		return hierarchy{}, fmt.Errorf("cgroup v2 at %s lacks the memory or pids controller and cgroup v1 lacks %s", v2s[0], strings.Join(missing, ", "))
	}
	return hierarchy{}, fmt.Errorf("no cgroup v2 mount and cgroup v1 lacks %s", strings.Join(missing, ", "))
}

// detectHierarchy inspects this host.
func detectHierarchy() (hierarchy, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return hierarchy{}, err
	}
	defer f.Close()
	mounts, err := parseMountinfo(f)
	if err != nil {
		return hierarchy{}, err
	}
	return chooseHierarchy(mounts, readControllers)
}

func readControllers(dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// limits are the resource limits of one environment; zero means none.
type limits struct {
	memoryBytes int64
	pids        int
	cpuQuotaUS  int64 // per cpuPeriodUS
}

func limitsOf(s Spec) limits {
	l := limits{memoryBytes: int64(s.MemoryMB) << 20, pids: s.PidsMax}
	if s.CPUs > 0 {
		l.cpuQuotaUS = max(int64(s.CPUs*cpuPeriodUS), 1000)
	}
	return l
}

// fileWrite is one write to a cgroup file, relative to the cgroup directory.
type fileWrite struct{ file, content string }

// v2LimitWrites lists the writes that set l in a v2 cgroup; has reports
// whether an optional interface file exists.
func v2LimitWrites(l limits, has func(file string) bool) []fileWrite {
	var w []fileWrite
	if l.memoryBytes > 0 {
		w = append(w, fileWrite{"memory.max", strconv.FormatInt(l.memoryBytes, 10)})
		if has("memory.swap.max") {
			w = append(w, fileWrite{"memory.swap.max", "0"})
		}
	}
	if l.pids > 0 {
		w = append(w, fileWrite{"pids.max", strconv.Itoa(l.pids)})
	}
	if l.cpuQuotaUS > 0 {
		w = append(w, fileWrite{"cpu.max", fmt.Sprintf("%d %d", l.cpuQuotaUS, cpuPeriodUS)})
	}
	return w
}

// v2Wanted lists the controllers a v2 cgroup with limits l needs enabled,
// given those available; it fails if a limit's controller is missing.
// memory and pids are always wanted when available (peak and OOM accounting).
func v2Wanted(l limits, available []string) ([]string, error) {
	var want []string
	for _, c := range []struct {
		name   string
		needed bool
	}{{"cpu", l.cpuQuotaUS > 0}, {"memory", l.memoryBytes > 0}, {"pids", l.pids > 0}} {
		switch {
		case slices.Contains(available, c.name):
			if c.name != "cpu" || c.needed {
				want = append(want, c.name)
			}
		case c.needed:
			return nil, fmt.Errorf("cgroup v2 controller %s is not available", c.name)
		}
	}
	return want, nil
}

// subtreeControlWrite is what to write to a cgroup.subtree_control whose
// content is current so that want is enabled; "" if nothing is missing.
func subtreeControlWrite(current string, want []string) string {
	have := strings.Fields(current)
	var add []string
	for _, c := range want {
		if !slices.Contains(have, c) {
			add = append(add, "+"+c)
		}
	}
	return strings.Join(add, " ")
}

// v1LimitWrites lists the writes that set l in v1 hierarchies, keyed by
// controller; has reports whether an optional file exists in a controller's
// cgroup.
func v1LimitWrites(l limits, has func(controller, file string) bool) map[string][]fileWrite {
	w := map[string][]fileWrite{}
	if l.memoryBytes > 0 {
		b := strconv.FormatInt(l.memoryBytes, 10)
		w["memory"] = append(w["memory"], fileWrite{"memory.limit_in_bytes", b})
		if has("memory", "memory.memsw.limit_in_bytes") {
			// memory+swap equal to memory: no swap. Must follow the memory limit.
			w["memory"] = append(w["memory"], fileWrite{"memory.memsw.limit_in_bytes", b})
		} else {
			w["memory"] = append(w["memory"], fileWrite{"memory.swappiness", "0"})
		}
	}
	if l.pids > 0 {
		w["pids"] = append(w["pids"], fileWrite{"pids.max", strconv.Itoa(l.pids)})
	}
	if l.cpuQuotaUS > 0 {
		w["cpu"] = append(w["cpu"],
			fileWrite{"cpu.cfs_period_us", strconv.Itoa(cpuPeriodUS)},
			fileWrite{"cpu.cfs_quota_us", strconv.FormatInt(l.cpuQuotaUS, 10)})
	}
	return w
}

// keyedValue finds "key value" in a flat-keyed cgroup file (memory.events,
// cgroup.events, memory.oom_control).
func keyedValue(content, key string) (int64, bool) {
	for line := range strings.Lines(content) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && k == key {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// parsePids parses cgroup.procs.
func parsePids(content string) ([]int, error) {
	var pids []int
	for _, f := range strings.Fields(content) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("parse cgroup.procs: %w", err)
		}
		pids = append(pids, n)
	}
	return pids, nil
}

// cgroup is one environment's cgroup, in either version.
type cgroup interface {
	// join moves pid (a whole process) into the cgroup.
	join(pid int) error
	// freeze stops every process and returns once they are all stopped.
	freeze() error
	thaw() error
	// kill makes sure every process dies of the SIGKILL sent to the init
	// (v2: kills them all itself).
	kill() error
	procs() ([]int, error)
	memoryPeak() (int64, error)
	resetMemoryPeak() error
	// oomKills counts processes killed by the OOM killer in this cgroup.
	oomKills() (int64, error)
	// remove deletes the cgroup, which must be empty (it retries briefly
	// while exiting processes leave).
	remove() error
	// setLimits sets limits on an existing cgroup.
	setLimits(l limits) error
	// rename gives the cgroup the name id, where the version allows.
	rename(id string) error
	// paths lists the cgroup directories.
	paths() []string
}

// create makes the cgroup <parent>/<id> with limits l. With all, every
// controller that could take a limit is enabled, so that setLimits can set
// any limit later (a pool's cgroups).
func (h hierarchy) create(parent, id string, l limits, all bool) (cgroup, error) {
	if h.version == 2 {
		return createV2(h.v2, h.v2Ctrl, parent, id, l, all)
	}
	return createV1(h.v1, parent, id, l, all)
}

// writeFile writes s to an existing (cgroup) file in one write. (O_TRUNC is
// a no-op on cgroup files; it keeps the logic testable on plain files.)
func writeFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", s, path, err)
	}
	return nil
}

// preadInt reads the number in a small cgroup file kept open, with one
// pread (os.File.ReadAt takes a second call to see the end of the file).
func preadInt(f *os.File) (int64, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var (
		b    [32]byte
		n    int
		rerr error
	)
	if err := rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Pread(int(fd), b[:], 0)
		return true
	}); err != nil {
		return 0, err
	}
	if rerr != nil {
		return 0, fmt.Errorf("read %s: %w", f.Name(), rerr)
	}
	return strconv.ParseInt(string(bytes.TrimSpace(b[:n])), 10, 64)
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// poll calls done until it reports true, failing after freezeTimeout.
func poll(done func() (bool, error)) error {
	deadline := time.Now().Add(freezeTimeout)
	for d := 100 * time.Microsecond; ; d = min(2*d, 20*time.Millisecond) {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup did not freeze within %v", freezeTimeout)
		}
		time.Sleep(d)
	}
}

// rmdirRetry removes a cgroup directory, retrying while it is busy (its
// last processes are still exiting).
func rmdirRetry(dir string) error {
	deadline := time.Now().Add(rmdirTimeout)
	for d := 200 * time.Microsecond; ; d = min(2*d, 50*time.Millisecond) {
		err := syscall.Rmdir(dir)
		if err == nil || err == syscall.ENOENT {
			return nil
		}
		if err != syscall.EBUSY || time.Now().After(deadline) {
			return &fs.PathError{Op: "remove cgroup", Path: dir, Err: err}
		}
		time.Sleep(d)
	}
}
