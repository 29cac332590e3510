package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
)

// Check reports whether environments can be sandboxed on this host, and
// how: it checks for root, starts a process in new namespaces and creates
// (and removes) a probe cgroup with the limits Start sets. The error, if
// any, lists every problem; the Capabilities are filled in either way.
func Check() (Capabilities, error) {
	var c Capabilities
	c.Root = os.Geteuid() == 0
	if !c.Root {
		c.Problems = append(c.Problems, "not running as root")
	}
	probe := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{probeArg0},
		Env:         []string{"GORACE=atexit_sleep_ms=0"},
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS | syscall.CLONE_NEWNET},
	}
	if err := probe.Run(); err != nil {
		c.Problems = append(c.Problems, fmt.Sprintf("cannot create namespaces: %v", err))
	} else {
		c.Namespaces = true
	}
	h, err := hostHierarchy()
	if err != nil {
		c.Problems = append(c.Problems, err.Error())
	} else if err := checkCgroup(&c, h); err != nil {
		c.Problems = append(c.Problems, err.Error())
	}
	if len(c.Problems) > 0 {
		return c, fmt.Errorf("sandboxing is not possible: %s", strings.Join(c.Problems, "; "))
	}
	return c, nil
}

var probeSeq atomic.Int64

// checkCgroup creates a probe cgroup in h like Start would and records what
// works.
func checkCgroup(c *Capabilities, h hierarchy) error {
	id := fmt.Sprintf("probe-%d-%d", os.Getpid(), probeSeq.Add(1))
	cg, err := h.create(DefaultCgroupParent, id, limits{memoryBytes: 64 << 20, pids: 64}, false)
	if err != nil {
		return fmt.Errorf("cannot create cgroups: %w", err)
	}
	c.CgroupVersion = h.version
	for _, p := range cg.paths() {
		c.CgroupParents = append(c.CgroupParents, filepath.Dir(p))
	}
	switch cg := cg.(type) {
	case *cgroupV2:
		c.Controllers = append(slices.DeleteFunc(slices.Clone(h.v2Ctrl), func(s string) bool {
			return !slices.Contains([]string{"memory", "pids", "cpu"}, s)
		}), "freezer")
		c.NoSwap = exists(filepath.Join(cg.dir, "memory.swap.max"))
	case *cgroupV1:
		for _, ctrl := range []string{"memory", "pids", "freezer", "cpu"} {
			if h.v1[ctrl] != "" {
				c.Controllers = append(c.Controllers, ctrl)
			}
		}
		c.NoSwap = exists(filepath.Join(cg.dirs["memory"], "memory.memsw.limit_in_bytes"))
	}
	_, err = cg.oomKills()
	c.OOMKillCount = err == nil
	_, err = cg.memoryPeak()
	c.PeakMemory = err == nil
	c.PeakReset = cg.resetMemoryPeak() == nil
	if err := cg.freeze(); err != nil {
		c.Problems = append(c.Problems, fmt.Sprintf("cgroup freezer: %v", err))
	}
	return errors.Join(cg.thaw(), cg.remove())
}
