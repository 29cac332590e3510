package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cgroupV2 is a cgroup in the unified hierarchy (cgroup v2).
type cgroupV2 struct {
	dir  string
	peak *os.File // memory.peak opened by resetMemoryPeak (per-fd peak)
}

func createV2(root string, available []string, parent, id string, l limits, all bool) (_ *cgroupV2, err error) {
	want, err := v2Wanted(l, available)
	if err != nil {
		return nil, err
	}
	if all && slices.Contains(available, "cpu") && !slices.Contains(want, "cpu") {
		want = append([]string{"cpu"}, want...)
	}
	dir := root
	for _, part := range strings.Split(parent, "/") {
		if err := enableV2(dir, want); err != nil {
			return nil, err
		}
		dir = filepath.Join(dir, part)
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	if err := enableV2(dir, want); err != nil {
		return nil, err
	}
	cg := &cgroupV2{dir: filepath.Join(dir, id)}
	if err := os.Mkdir(cg.dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cgroup: %w", err)
	}
	defer func() {
		if err != nil {
			_ = cg.remove()
		}
	}()
	if err := cg.setLimits(l); err != nil {
		return nil, err
	}
	return cg, nil
}

func (c *cgroupV2) setLimits(l limits) error {
	has := func(file string) bool { return exists(filepath.Join(c.dir, file)) }
	for _, w := range v2LimitWrites(l, has) {
		if err := writeFile(filepath.Join(c.dir, w.file), w.content); err != nil {
			return err
		}
	}
	return nil
}

// rename is impossible on cgroup v2: a pooled cgroup keeps its name.
func (c *cgroupV2) rename(id string) error { return nil }

func enableV2(dir string, want []string) error {
	if len(want) == 0 {
		return nil
	}
	p := filepath.Join(dir, "cgroup.subtree_control")
	cur, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if w := subtreeControlWrite(string(cur), want); w != "" {
		if err := writeFile(p, w); err != nil {
			return fmt.Errorf("%w (a cgroup with processes cannot delegate controllers: run gureum in a leaf cgroup of a delegated subtree, or set CgroupParent)", err)
		}
	}
	return nil
}

func (c *cgroupV2) paths() []string { return []string{c.dir} }

func (c *cgroupV2) join(pid int) error {
	return writeFile(filepath.Join(c.dir, "cgroup.procs"), strconv.Itoa(pid))
}

func (c *cgroupV2) freeze() error {
	if err := writeFile(filepath.Join(c.dir, "cgroup.freeze"), "1"); err != nil {
		return err
	}
	err := poll(func() (bool, error) {
		b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.events"))
		n, _ := keyedValue(string(b), "frozen")
		return n == 1, err
	})
	if err != nil {
		_ = c.thaw()
	}
	return err
}

func (c *cgroupV2) thaw() error {
	return writeFile(filepath.Join(c.dir, "cgroup.freeze"), "0")
}

func (c *cgroupV2) kill() error {
	err := writeFile(filepath.Join(c.dir, "cgroup.kill"), "1")
	if errors.Is(err, fs.ErrNotExist) { // before Linux 5.14: see cgroupV1.kill
		return c.thaw()
	}
	return err
}

func (c *cgroupV2) procs() ([]int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
	if err != nil {
		return nil, err
	}
	return parsePids(string(b))
}

func (c *cgroupV2) memoryPeak() (int64, error) {
	if c.peak != nil {
		return preadInt(c.peak)
	}
	n, err := readInt(filepath.Join(c.dir, "memory.peak"))
	if errors.Is(err, fs.ErrNotExist) { // before Linux 5.19
		return 0, fmt.Errorf("memory.peak: %w", ErrUnsupported)
	}
	return n, err
}

// resetMemoryPeak uses the per-file-descriptor reset of memory.peak (Linux
// 6.12): later reads through the same descriptor see the peak since.
func (c *cgroupV2) resetMemoryPeak() error {
	if c.peak != nil { // a reset through the same descriptor starts a new peak
		if _, err := c.peak.WriteAt([]byte("reset\n"), 0); err == nil {
			return nil
		}
	}
	f, err := os.OpenFile(filepath.Join(c.dir, "memory.peak"), os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("reset memory.peak: %w", ErrUnsupported)
		}
		return err
	}
	if _, err := f.WriteString("reset\n"); err != nil {
		f.Close()
		return fmt.Errorf("reset memory.peak: %w (%w)", ErrUnsupported, err)
	}
	if c.peak != nil {
		c.peak.Close()
	}
	c.peak = f
	return nil
}

func (c *cgroupV2) oomKills() (int64, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "memory.events"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("memory.events: %w", ErrUnsupported)
		}
		return 0, err
	}
	n, ok := keyedValue(string(b), "oom_kill")
	if !ok {
		return 0, fmt.Errorf("memory.events has no oom_kill: %w", ErrUnsupported)
	}
	return n, nil
}

func (c *cgroupV2) remove() error {
	if c.peak != nil {
		c.peak.Close()
		c.peak = nil
	}
	return rmdirRetry(c.dir)
}
