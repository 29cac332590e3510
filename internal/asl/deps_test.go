package asl

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// forbiddenImports are packages the pure interpreter (and its subpackages)
// must not import directly: no I/O, no clock, no ambient randomness.
var forbiddenImports = []string{
	"net", "os", "os/exec", "os/signal", "io/ioutil", "io/fs", "syscall", "database/sql",
	"math/rand", "math/rand/v2", "crypto/rand", "unsafe", "log", "log/slog", "runtime", "plugin",
}

func TestImportsArePure(t *testing.T) {
	t.Parallel()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "./...").Output()
	require.NoError(t, err)
	const module = "github.com/gureum-dev/gureum/"
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(pkg, module+"internal/asl") {
			require.False(t, strings.HasPrefix(pkg, module), "asl depends on %s", pkg)
			continue
		}
		checked++
		for _, imp := range strings.Split(imports, ",") {
			for _, bad := range forbiddenImports {
				require.False(t, imp == bad || strings.HasPrefix(imp, bad+"/") && bad == "net",
					"%s imports %s", pkg, imp)
			}
		}
	}
	require.GreaterOrEqual(t, checked, 3)
}

// TestNoClockReads checks that no non-test file reads the clock: time comes
// in through StartOptions and the now arguments.
func TestNoClockReads(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "jsonpath", "intrinsic", "jsonata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, bad := range []string{"time.Now(", "time.Since(", "time.Until(", "time.Sleep(", "time.After("} {
				require.NotContains(t, string(data), bad, "%s reads the clock", f)
			}
		}
	}
}
