package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cgroupV1 is a cgroup in the v1 hierarchies: a directory per controller.
type cgroupV1 struct {
	dirs map[string]string // controller -> cgroup directory
	// peak is memory.max_usage_in_bytes, opened on first use and kept:
	// reading and resetting it around every invocation then costs one
	// system call each instead of three (open, read or write, close).
	peak *os.File
}

func createV1(mounts map[string]string, parent, id string, l limits, all bool) (_ *cgroupV1, err error) {
	ctrls := v1Controllers
	if l.cpuQuotaUS > 0 && mounts["cpu"] == "" {
		return nil, errors.New("cgroup v1 cpu controller is not mounted")
	}
	if mounts["cpu"] != "" && (l.cpuQuotaUS > 0 || all) {
		ctrls = append(ctrls[:len(ctrls):len(ctrls)], "cpu")
	}
	cg := &cgroupV1{dirs: map[string]string{}}
	defer func() {
		if err != nil {
			_ = cg.remove()
		}
	}()
	for _, c := range ctrls {
		if _, ok := cg.dirs[c]; ok {
			continue
		}
		dir := filepath.Join(mounts[c], parent, id)
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, err
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create cgroup: %w", err)
		}
		// Controllers mounted together (cpu,cpuacct) share the directory.
		for c2, m := range mounts {
			if m == mounts[c] {
				cg.dirs[c2] = dir
			}
		}
	}
	if err := cg.setLimits(l); err != nil {
		return nil, err
	}
	return cg, nil
}

func (c *cgroupV1) setLimits(l limits) error {
	has := func(ctrl, file string) bool { return exists(filepath.Join(c.dirs[ctrl], file)) }
	for ctrl, writes := range v1LimitWrites(l, has) {
		if c.dirs[ctrl] == "" {
			return fmt.Errorf("cgroup v1 %s controller is not in use", ctrl)
		}
		for _, w := range writes {
			if err := writeFile(filepath.Join(c.dirs[ctrl], w.file), w.content); err != nil {
				return err
			}
		}
	}
	return nil
}

// rename renames the cgroup in every hierarchy (same parent), undoing a
// partial rename.
func (c *cgroupV1) rename(id string) error {
	moved := map[string]string{} // new -> old
	for _, d := range c.paths() {
		n := filepath.Join(filepath.Dir(d), id)
		if err := os.Rename(d, n); err != nil {
			for n, o := range moved {
				_ = os.Rename(n, o)
			}
			return fmt.Errorf("rename cgroup: %w", err)
		}
		moved[n] = d
	}
	for ctrl, d := range c.dirs {
		c.dirs[ctrl] = filepath.Join(filepath.Dir(d), id)
	}
	return nil
}

func (c *cgroupV1) paths() []string {
	var p []string
	for _, d := range c.dirs {
		if !slices.Contains(p, d) {
			p = append(p, d)
		}
	}
	slices.Sort(p)
	return p
}

func (c *cgroupV1) join(pid int) error {
	for _, d := range c.paths() {
		if err := writeFile(filepath.Join(d, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

func (c *cgroupV1) freeze() error {
	state := filepath.Join(c.dirs["freezer"], "freezer.state")
	if err := writeFile(state, "FROZEN"); err != nil {
		return err
	}
	err := poll(func() (bool, error) {
		b, err := os.ReadFile(state)
		return strings.TrimSpace(string(b)) == "FROZEN", err
	})
	if err != nil {
		_ = c.thaw()
	}
	return err
}

func (c *cgroupV1) thaw() error {
	return writeFile(filepath.Join(c.dirs["freezer"], "freezer.state"), "THAWED")
}

// kill thaws the cgroup: a v1-frozen process dies only once it runs again
// (with SIGKILL pending it runs no code of its own). The SIGKILL itself is
// Env.Kill's to the init: the kernel then kills every process of the PID
// namespace, which are all the processes of the cgroup. Signalling the PIDs
// listed in cgroup.procs as well would risk hitting an unrelated process
// that got the PID of one that just died.
func (c *cgroupV1) kill() error { return c.thaw() }

func (c *cgroupV1) procs() ([]int, error) {
	b, err := os.ReadFile(filepath.Join(c.dirs["pids"], "cgroup.procs"))
	if err != nil {
		return nil, err
	}
	return parsePids(string(b))
}

func (c *cgroupV1) memoryPeak() (int64, error) {
	f, err := c.peakFile()
	if err != nil {
		return 0, err
	}
	return preadInt(f)
}

func (c *cgroupV1) resetMemoryPeak() error {
	f, err := c.peakFile()
	if err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte("0"), 0); err != nil {
		return fmt.Errorf("reset %s: %w", f.Name(), err)
	}
	return nil
}

func (c *cgroupV1) peakFile() (*os.File, error) {
	if c.peak == nil {
		f, err := os.OpenFile(filepath.Join(c.dirs["memory"], "memory.max_usage_in_bytes"), os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		c.peak = f
	}
	return c.peak, nil
}

func (c *cgroupV1) oomKills() (int64, error) {
	b, err := os.ReadFile(filepath.Join(c.dirs["memory"], "memory.oom_control"))
	if err != nil {
		return 0, err
	}
	n, ok := keyedValue(string(b), "oom_kill")
	if !ok { // before Linux 4.13
		return 0, fmt.Errorf("memory.oom_control has no oom_kill: %w", ErrUnsupported)
	}
	return n, nil
}

func (c *cgroupV1) remove() error {
	if c.peak != nil {
		c.peak.Close()
		c.peak = nil
	}
	var errs []error
	for _, d := range c.paths() {
		errs = append(errs, rmdirRetry(d))
	}
	return errors.Join(errs...)
}
