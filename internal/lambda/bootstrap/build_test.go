package bootstrap

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBuildCache: a runtime client is compiled once per content hash, then
// served from memory, and from the disk cache in a new process.
func TestBuildCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	var compiles atomic.Int32
	newBuild := func(src string) *build {
		return &build{
			key:     "test " + cache, // new at every run
			sources: map[string][]byte{"a.src": []byte(src)},
			outputs: []string{"a.out"},
			compile: func(in, out string) error {
				compiles.Add(1)
				b, err := os.ReadFile(filepath.Join(in, "a.src"))
				if err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(out, "a.out"), append([]byte("compiled "), b...), 0o644)
			},
		}
	}
	f, err := newBuild("one").files()
	require.NoError(t, err)
	require.Equal(t, "compiled one", string(f["a.out"]))
	_, err = newBuild("one").files()
	require.NoError(t, err)
	require.EqualValues(t, 1, compiles.Load(), "cached in memory")

	b := newBuild("one")
	buildMu.Lock()
	delete(buildCache, b.hash()) // as in a new process
	buildMu.Unlock()
	f, err = b.files()
	require.NoError(t, err)
	require.Equal(t, "compiled one", string(f["a.out"]))
	require.EqualValues(t, 1, compiles.Load(), "cached on disk")

	f, err = newBuild("two").files()
	require.NoError(t, err)
	require.Equal(t, "compiled two", string(f["a.out"]))
	require.EqualValues(t, 2, compiles.Load(), "new content, new compile")
}

// TestMaterializeCompiled: Java and .NET runtime directories get the
// compiled runtime client.
func TestMaterializeCompiled(t *testing.T) {
	t.Parallel()
	for id, names := range map[string][]string{
		"java17":  {"runtime.jar"},
		"dotnet8": {"bootstrap.exe", "Amazon.Lambda.Core.dll"},
	} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			r := runtimeOrSkip(t, id)
			require.Empty(t, r.Files())
			dir := t.TempDir()
			require.NoError(t, r.Materialize(dir))
			require.NoError(t, r.Materialize(dir), "again: files left alone")
			for _, n := range names {
				fi, err := os.Stat(filepath.Join(dir, n))
				require.NoError(t, err)
				require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
			}
		})
	}
}
