package sandbox

import (
	"fmt"
	"strings"
)

// Capabilities is what Check found out about sandboxing on this host.
type Capabilities struct {
	// Root: the process runs as root (needed for namespaces, mounts, cgroups).
	Root bool
	// Namespaces: new mount, PID, IPC, UTS and network namespaces can be created.
	Namespaces bool
	// CgroupVersion is 2 (unified hierarchy) or 1 (v1 controllers); 0 if
	// neither is usable.
	CgroupVersion int
	// CgroupParents are the directories environments' cgroups are created in
	// (one for v2, one per hierarchy for v1).
	CgroupParents []string
	// Controllers are the usable controllers (memory, pids, freezer, cpu).
	Controllers []string
	// NoSwap: swap can be disabled per environment (memsw or memory.swap.max).
	NoSwap bool
	// OOMKillCount: the kernel counts OOM kills per cgroup, so Exit.OOMKilled
	// is reliable.
	OOMKillCount bool
	// PeakMemory: the peak memory use is readable (Env.MaxMemoryBytes).
	PeakMemory bool
	// PeakReset: the peak can be reset per invocation (Env.ResetMaxMemory).
	PeakReset bool
	// Problems explains every missing requirement; empty when sandboxing works.
	Problems []string
}

// String is a short report for gureum doctor.
func (c Capabilities) String() string {
	var b strings.Builder
	yes := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "no"
	}
	fmt.Fprintf(&b, "root: %s, namespaces (mnt, pid, ipc, uts, net): %s\n", yes(c.Root), yes(c.Namespaces))
	if c.CgroupVersion != 0 {
		fmt.Fprintf(&b, "cgroup v%d in %s; controllers: %s\n", c.CgroupVersion, strings.Join(c.CgroupParents, ", "), strings.Join(c.Controllers, ", "))
	} else {
		b.WriteString("cgroup: not usable\n")
	}
	fmt.Fprintf(&b, "swap disabled per environment: %s, OOM kill count: %s, peak memory: %s, per-invocation peak reset: %s\n",
		yes(c.NoSwap), yes(c.OOMKillCount), yes(c.PeakMemory), yes(c.PeakReset))
	for _, p := range c.Problems {
		fmt.Fprintf(&b, "problem: %s\n", p)
	}
	return b.String()
}
