//go:build linux

package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMountinfo(t *testing.T) {
	t.Parallel()
	in := `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/unified rw,nosuid shared:12 master:3 - cgroup2 cgroup2 rw,nsdelegate
40 27 0:40 / /mnt/with\040space rw - tmpfs tmpfs rw
`
	got, err := parseMountinfo(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, []mountEntry{
		{"/", "ext4", []string{"rw", "discard"}},
		{"/sys/fs/cgroup/cpu,cpuacct", "cgroup", []string{"rw", "cpu", "cpuacct"}},
		{"/sys/fs/cgroup/unified", "cgroup2", []string{"rw", "nsdelegate"}},
		{"/mnt/with space", "tmpfs", []string{"rw"}},
	}, got)

	_, err = parseMountinfo(strings.NewReader("1 2 3\n"))
	assert.Error(t, err)
}

func TestChooseHierarchy(t *testing.T) {
	t.Parallel()
	v1 := func(dir string, ctrls ...string) mountEntry {
		return mountEntry{dir, "cgroup", append([]string{"rw"}, ctrls...)}
	}
	v2 := func(dir string) mountEntry { return mountEntry{dir, "cgroup2", []string{"rw"}} }
	full := []string{"cpuset", "cpu", "io", "memory", "hugetlb", "pids"}
	for name, tc := range map[string]struct {
		mounts []mountEntry
		ctrl   map[string][]string
		want   hierarchy
		err    string
	}{
		"unified": {
			mounts: []mountEntry{v2("/sys/fs/cgroup")},
			ctrl:   map[string][]string{"/sys/fs/cgroup": full},
			want:   hierarchy{version: 2, v2: "/sys/fs/cgroup", v2Ctrl: full},
		},
		"hybrid with an empty unified hierarchy (this CI)": {
			mounts: []mountEntry{
				v1("/sys/fs/cgroup/cpu", "cpu"), v1("/sys/fs/cgroup/memory", "memory"), v1("/sys/fs/cgroup/pids", "pids"),
				v1("/sys/fs/cgroup/freezer", "freezer"), {"/sys/fs/cgroup/systemd", "cgroup", []string{"rw", "xattr", "name=systemd"}},
				v2("/sys/fs/cgroup/unified"),
			},
			ctrl: map[string][]string{"/sys/fs/cgroup/unified": {"hugetlb"}},
			want: hierarchy{version: 1, v1: map[string]string{
				"cpu": "/sys/fs/cgroup/cpu", "memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids",
				"freezer": "/sys/fs/cgroup/freezer", "xattr": "/sys/fs/cgroup/systemd",
			}},
		},
		"hybrid whose unified hierarchy has the controllers": {
			mounts: []mountEntry{v1("/sys/fs/cgroup/memory", "memory"), v2("/sys/fs/cgroup/unified")},
			ctrl:   map[string][]string{"/sys/fs/cgroup/unified": {"memory", "pids"}},
			want:   hierarchy{version: 2, v2: "/sys/fs/cgroup/unified", v2Ctrl: []string{"memory", "pids"}},
		},
		"co-mounted v1 controllers": {
			mounts: []mountEntry{v1("/c/cpu,cpuacct", "cpu", "cpuacct"), v1("/c/memory", "memory"), v1("/c/pids", "pids"), v1("/c/freezer", "freezer")},
			want: hierarchy{version: 1, v1: map[string]string{
				"cpu": "/c/cpu,cpuacct", "cpuacct": "/c/cpu,cpuacct", "memory": "/c/memory", "pids": "/c/pids", "freezer": "/c/freezer",
			}},
		},
		"v2 without memory": {
			mounts: []mountEntry{v2("/sys/fs/cgroup")},
			ctrl:   map[string][]string{"/sys/fs/cgroup": {"cpu", "pids"}},
			err:    "cgroup v2 at /sys/fs/cgroup lacks the memory or pids controller and cgroup v1 lacks memory, pids, freezer",
		},
		"v1 without freezer": {
			mounts: []mountEntry{v1("/c/memory", "memory"), v1("/c/pids", "pids")},
			err:    "no cgroup v2 mount and cgroup v1 lacks freezer",
		},
	} {
		t.Run(name, func(t *testing.T) {
			h, err := chooseHierarchy(tc.mounts, func(dir string) []string { return tc.ctrl[dir] })
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, h)
		})
	}
}

func TestLimitsOf(t *testing.T) {
	t.Parallel()
	assert.Equal(t, limits{memoryBytes: 128 << 20, pids: 1024}, limitsOf(Spec{MemoryMB: 128, PidsMax: 1024}))
	assert.Equal(t, limits{cpuQuotaUS: 50000}, limitsOf(Spec{CPUs: 0.5}))
	assert.Equal(t, limits{cpuQuotaUS: 1000}, limitsOf(Spec{CPUs: 0.001}), "at least 1 ms per period")
}

func TestV2Files(t *testing.T) {
	t.Parallel()
	all := func(string) bool { return true }
	none := func(string) bool { return false }
	l := limits{memoryBytes: 128 << 20, pids: 100, cpuQuotaUS: 50000}
	assert.Equal(t, []fileWrite{
		{"memory.max", "134217728"}, {"memory.swap.max", "0"}, {"pids.max", "100"}, {"cpu.max", "50000 100000"},
	}, v2LimitWrites(l, all))
	assert.Equal(t, []fileWrite{{"memory.max", "134217728"}}, v2LimitWrites(limits{memoryBytes: 128 << 20}, none), "no swap accounting")
	assert.Empty(t, v2LimitWrites(limits{}, all))

	w, err := v2Wanted(limits{memoryBytes: 1, pids: 1}, []string{"cpuset", "cpu", "io", "memory", "pids"})
	require.NoError(t, err)
	assert.Equal(t, []string{"memory", "pids"}, w, "cpu only when a quota is set")
	w, err = v2Wanted(l, []string{"cpu", "memory", "pids"})
	require.NoError(t, err)
	assert.Equal(t, []string{"cpu", "memory", "pids"}, w)
	w, err = v2Wanted(limits{}, []string{"memory"})
	require.NoError(t, err)
	assert.Equal(t, []string{"memory"}, w, "memory accounting even without a limit")
	w, err = v2Wanted(limits{}, nil)
	require.NoError(t, err)
	assert.Empty(t, w)
	_, err = v2Wanted(limits{pids: 10}, []string{"memory"})
	assert.EqualError(t, err, "cgroup v2 controller pids is not available")

	assert.Equal(t, "+memory +pids", subtreeControlWrite("", []string{"memory", "pids"}))
	assert.Equal(t, "+pids", subtreeControlWrite("cpu memory\n", []string{"memory", "pids"}))
	assert.Equal(t, "", subtreeControlWrite("memory pids", []string{"memory", "pids"}))
}

func TestV1Files(t *testing.T) {
	t.Parallel()
	memsw := func(ctrl, file string) bool { return ctrl == "memory" && file == "memory.memsw.limit_in_bytes" }
	none := func(string, string) bool { return false }
	l := limits{memoryBytes: 64 << 20, pids: 32, cpuQuotaUS: 25000}
	assert.Equal(t, map[string][]fileWrite{
		"memory": {{"memory.limit_in_bytes", "67108864"}, {"memory.memsw.limit_in_bytes", "67108864"}},
		"pids":   {{"pids.max", "32"}},
		"cpu":    {{"cpu.cfs_period_us", "100000"}, {"cpu.cfs_quota_us", "25000"}},
	}, v1LimitWrites(l, memsw))
	assert.Equal(t, map[string][]fileWrite{
		"memory": {{"memory.limit_in_bytes", "67108864"}, {"memory.swappiness", "0"}},
	}, v1LimitWrites(limits{memoryBytes: 64 << 20}, none))
	assert.Empty(t, v1LimitWrites(limits{}, none))
}

func TestKeyedValueAndPids(t *testing.T) {
	t.Parallel()
	events := "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n"
	n, ok := keyedValue(events, "oom_kill")
	assert.True(t, ok)
	assert.Equal(t, int64(1), n)
	n, ok = keyedValue("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill")
	assert.True(t, ok)
	assert.Equal(t, int64(3), n)
	_, ok = keyedValue("oom_kill_disable 0\nunder_oom 0\n", "oom_kill")
	assert.False(t, ok, "kernels before 4.13")
	n, _ = keyedValue("populated 1\nfrozen 1\n", "frozen")
	assert.Equal(t, int64(1), n)

	pids, err := parsePids("12\n345\n")
	require.NoError(t, err)
	assert.Equal(t, []int{12, 345}, pids)
	pids, err = parsePids("")
	require.NoError(t, err)
	assert.Empty(t, pids)
	_, err = parsePids("x\n")
	assert.Error(t, err)
}

// fakeFiles creates files in dir with the given contents.
func fakeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// TestV2Methods runs the v2 file logic against a fake cgroup directory.
func TestV2Methods(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fakeFiles(t, dir, map[string]string{
		"cgroup.procs": "7\n8\n", "cgroup.freeze": "0\n", "cgroup.events": "populated 1\nfrozen 1\n",
		"cgroup.kill": "", "memory.peak": "1048576\n", "memory.events": "low 0\noom_kill 2\n",
	})
	c := &cgroupV2{dir: dir}
	pids, err := c.procs()
	require.NoError(t, err)
	assert.Equal(t, []int{7, 8}, pids)
	require.NoError(t, c.join(42))
	assert.Equal(t, "42", readFile(t, filepath.Join(dir, "cgroup.procs")))
	require.NoError(t, c.freeze())
	assert.Equal(t, "1", readFile(t, filepath.Join(dir, "cgroup.freeze")))
	require.NoError(t, c.thaw())
	assert.Equal(t, "0", readFile(t, filepath.Join(dir, "cgroup.freeze")))
	require.NoError(t, c.kill())
	assert.Equal(t, "1", readFile(t, filepath.Join(dir, "cgroup.kill")))
	peak, err := c.memoryPeak()
	require.NoError(t, err)
	assert.Equal(t, int64(1<<20), peak)
	n, err := c.oomKills()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	assert.Equal(t, []string{dir}, c.paths())
	// Resets write "reset" through one descriptor kept open, which later
	// reads use (Linux 6.12's per-descriptor peak).
	require.NoError(t, c.resetMemoryPeak())
	kept := c.peak
	require.NotNil(t, kept)
	require.NoError(t, c.resetMemoryPeak())
	assert.Same(t, kept, c.peak, "the second reset reuses the descriptor")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "memory.peak"), []byte("2097152\n"), 0o644))
	peak, err = c.memoryPeak()
	require.NoError(t, err)
	assert.Equal(t, int64(2<<20), peak)

	// Kernels without memory.peak (before 5.19) or per-fd reset.
	old := &cgroupV2{dir: t.TempDir()}
	_, err = old.memoryPeak()
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.ErrorIs(t, old.resetMemoryPeak(), ErrUnsupported)
	_, err = old.oomKills()
	assert.ErrorIs(t, err, ErrUnsupported)
}

// TestV1Methods runs the v1 file logic against fake cgroup directories.
func TestV1Methods(t *testing.T) {
	t.Parallel()
	mem, pids, frz := t.TempDir(), t.TempDir(), t.TempDir()
	fakeFiles(t, mem, map[string]string{"cgroup.procs": "", "memory.max_usage_in_bytes": "2097152\n", "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"})
	fakeFiles(t, pids, map[string]string{"cgroup.procs": "5\n"})
	fakeFiles(t, frz, map[string]string{"cgroup.procs": "", "freezer.state": "FROZEN\n"})
	c := &cgroupV1{dirs: map[string]string{"memory": mem, "pids": pids, "freezer": frz}}
	p, err := c.procs()
	require.NoError(t, err)
	assert.Equal(t, []int{5}, p)
	require.NoError(t, c.join(9))
	for _, d := range []string{mem, pids, frz} {
		assert.Equal(t, "9", readFile(t, filepath.Join(d, "cgroup.procs")))
	}
	require.NoError(t, c.freeze())
	require.NoError(t, c.thaw())
	assert.Equal(t, "THAWED", readFile(t, filepath.Join(frz, "freezer.state")))
	peak, err := c.memoryPeak()
	require.NoError(t, err)
	assert.Equal(t, int64(2<<20), peak)
	require.NoError(t, c.resetMemoryPeak())
	// "0" written at the start of the kept descriptor (the kernel resets the
	// peak on any write; a plain file keeps the old bytes after it).
	assert.Equal(t, "0097152\n", readFile(t, filepath.Join(mem, "memory.max_usage_in_bytes")))
	require.NoError(t, os.WriteFile(filepath.Join(mem, "memory.max_usage_in_bytes"), []byte("4194304\n"), 0o644))
	peak, err = c.memoryPeak()
	require.NoError(t, err)
	assert.Equal(t, int64(4<<20), peak, "read again through the kept descriptor")
	n, err := c.oomKills()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	fakeFiles(t, mem, map[string]string{"memory.oom_control": "oom_kill_disable 0\nunder_oom 0\n"})
	_, err = c.oomKills()
	assert.ErrorIs(t, err, ErrUnsupported)
}

// TestCgroupV2Unified runs a whole environment with its cgroup in a real
// cgroup v2 hierarchy. On hosts that use v1 (like this CI, whose unified
// hierarchy at /sys/fs/cgroup/unified has no memory or pids controller) it
// covers the v2 paths that need no controller: clone into the cgroup,
// freeze, kill and removal; limits are tested with fake files above.
func TestCgroupV2Unified(t *testing.T) {
	t.Parallel()
	requireSandbox(t)
	f, err := os.Open("/proc/self/mountinfo")
	require.NoError(t, err)
	mounts, err := parseMountinfo(f)
	f.Close()
	require.NoError(t, err)
	root := ""
	for _, m := range mounts {
		if m.fsType == "cgroup2" {
			root = m.mountPoint
		}
	}
	if root == "" {
		t.Skip("no cgroup v2 hierarchy mounted")
	}
	h := hierarchy{version: 2, v2: root, v2Ctrl: readControllers(root)}
	lim := func(s Spec) limits {
		if hh, _ := hostHierarchy(); hh.version == 2 {
			return limitsOf(s)
		}
		return limits{}
	}

	s, out := setup(t, `echo up; i=0; while :; do i=$((i+1)); echo $i; sleep 0.005; done`)
	e, err := start(context.Background(), s, h, lim)
	require.NoError(t, err)
	defer e.Close()
	dir := filepath.Join(root, DefaultCgroupParent, s.ID)
	assert.Equal(t, []string{dir}, e.CgroupPaths())
	out.waitFor(t, "up")
	cg := readFile(t, fmt.Sprintf("/proc/%d/cgroup", e.Pid()))
	assert.Contains(t, cg, "0::/"+DefaultCgroupParent+"/"+s.ID+"\n", "the init was cloned into its v2 cgroup")

	lines := func() int { return strings.Count(out.String(), "\n") }
	require.NoError(t, e.Freeze())
	assert.Contains(t, readFile(t, filepath.Join(dir, "cgroup.events")), "frozen 1")
	time.Sleep(50 * time.Millisecond)
	n := lines()
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, n, lines())
	require.NoError(t, e.Thaw())
	require.Eventually(t, func() bool { return lines() > n+3 }, 10*time.Second, 5*time.Millisecond)

	require.NoError(t, e.Freeze())
	require.NoError(t, e.Kill())
	select {
	case <-e.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("cgroup.kill did not end the environment")
	}
	assert.Equal(t, syscall.SIGKILL, e.ExitStatus().Signal)
	require.NoError(t, e.Close())
	assert.NoDirExists(t, dir)
}
