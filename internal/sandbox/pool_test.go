//go:build linux

package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPool(t *testing.T) {
	t.Parallel()
	requireSandbox(t)
	pool, err := NewPool(2)
	require.NoError(t, err)
	h, err := hostHierarchy()
	require.NoError(t, err)

	for _, network := range []bool{false, true} {
		t.Run(fmt.Sprintf("network=%v", network), func(t *testing.T) {
			s, out := setup(t, `id -u; hostname; cat /var/task/hello.txt; tail -n +3 /proc/net/dev | wc -l`)
			s.Network, s.Hostname, s.MemoryMB, s.PidsMax = network, "pooled", 200, 50
			before := pool.pooled.Load()
			var e *Env
			require.Eventually(t, func() bool {
				var err error
				out = &syncBuffer{}
				s.Stdout, s.Stderr = out, out
				e, err = pool.Start(t.Context(), s)
				require.NoError(t, err)
				if pool.pooled.Load() > before {
					return true
				}
				require.NoError(t, e.Close())
				s.ID += "x"
				return false
			}, 20*time.Second, 50*time.Millisecond, "a start served by the pool")
			defer func() { require.NoError(t, e.Close()) }()
			<-e.Done()
			assert.Equal(t, Exit{}, e.ExitStatus(), out.String())
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			require.Len(t, lines, 4, out.String())
			assert.Equal(t, strconv.Itoa(s.UID), lines[0])
			assert.Equal(t, "pooled", lines[1])
			assert.Equal(t, "hello from the code dir", lines[2])
			if !network {
				assert.Equal(t, "1", lines[3], "only lo")
			}
			if h.version == 1 {
				c := e.cg.(*cgroupV1)
				assert.Equal(t, s.ID, filepath.Base(c.dirs["memory"]), "renamed to the environment's ID")
				assert.Equal(t, strconv.Itoa(200<<20), strings.TrimSpace(readFile(t, filepath.Join(c.dirs["memory"], "memory.limit_in_bytes"))))
				assert.Equal(t, "50", strings.TrimSpace(readFile(t, filepath.Join(c.dirs["pids"], "pids.max"))))
			}
		})
	}

	t.Run("oom", func(t *testing.T) {
		s, out := setup(t, "")
		s = helperSpec(s, "alloc", "1024", "hold")
		s.MemoryMB = 96
		time.Sleep(100 * time.Millisecond)
		e, err := pool.Start(t.Context(), s)
		require.NoError(t, err)
		defer func() { require.NoError(t, e.Close()) }()
		<-e.Done()
		assert.Equal(t, Exit{Code: -1, Signal: syscall.SIGKILL, OOMKilled: true}, e.ExitStatus(), out.String())
	})

	t.Run("other cgroup parent", func(t *testing.T) {
		s, _ := setup(t, "true")
		s.CgroupParent = fmt.Sprintf("gureum-test-%d", os.Getpid())
		defer removeParent(t, s.CgroupParent)
		direct := pool.direct.Load()
		e, err := pool.Start(t.Context(), s)
		require.NoError(t, err)
		<-e.Done()
		require.NoError(t, e.Close())
		assert.Equal(t, direct+1, pool.direct.Load())
	})

	require.NoError(t, pool.Close())
	require.NoError(t, pool.Close())
	for _, dir := range parentDirs(t, DefaultCgroupParent) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			assert.False(t, strings.HasPrefix(e.Name(), fmt.Sprintf("pool-%d-", os.Getpid())), "left behind: %s", e.Name())
		}
	}
	// A closed pool still starts environments, without pooling.
	s, _ := setup(t, "true")
	assert.Equal(t, Exit{}, run(t, s))
	e, err := pool.Start(t.Context(), s)
	require.NoError(t, err)
	require.NoError(t, e.Close())
}

// parentDirs lists the directories of parent in every hierarchy in use.
func parentDirs(t *testing.T, parent string) []string {
	h, err := hostHierarchy()
	require.NoError(t, err)
	if h.version == 2 {
		return []string{filepath.Join(h.v2, parent)}
	}
	var dirs []string
	for _, c := range []string{"memory", "pids", "freezer", "cpu"} {
		if m := h.v1[c]; m != "" {
			dirs = append(dirs, filepath.Join(m, parent))
		}
	}
	return dirs
}

func removeParent(t *testing.T, parent string) {
	for _, d := range parentDirs(t, parent) {
		assert.NoError(t, rmdirRetry(d))
	}
}

func TestRemoveStaleCgroups(t *testing.T) {
	t.Parallel()
	s, out := setup(t, "echo up; sleep 30")
	s.CgroupParent = fmt.Sprintf("gureum-test-stale-%d", os.Getpid())
	t.Cleanup(func() { removeParent(t, s.CgroupParent) }) // after the Env's Close
	e := startEnv(t, s)
	out.waitFor(t, "up")
	var stale []string
	for _, d := range parentDirs(t, s.CgroupParent) {
		if _, err := os.Stat(d); err == nil {
			p := filepath.Join(d, "stale")
			require.NoError(t, os.Mkdir(p, 0o755))
			stale = append(stale, p)
		}
	}
	require.NotEmpty(t, stale)
	require.NoError(t, RemoveStaleCgroups(s.CgroupParent))
	for _, p := range stale {
		assert.NoDirExists(t, p)
	}
	for _, p := range e.CgroupPaths() {
		assert.DirExists(t, p, "a live environment's cgroup stays")
	}
}
