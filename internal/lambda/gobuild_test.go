package lambda

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func newService(t *testing.T, opts Options) *Service {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlitestore.Open(t.Context(), filepath.Join(dir, "gureum.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	opts.DataDir = dir
	s, err := New(st, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// Without a Go toolchain, Go source on a provided runtime is refused at
// CreateFunction and UpdateFunctionCode, with a message saying why; other
// packages are unaffected.
func TestGoSourceWithoutToolchain(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{GoCommand: filepath.Join(t.TempDir(), "no-such-go")})
	sc := Scope{Account: "000000000000", Region: "us-east-1"}
	create := func(name, runtime string, files map[string]string) error {
		_, err := s.CreateFunction(t.Context(), sc, &CreateFunctionInput{FunctionName: name, Runtime: runtime,
			Role: "arn:aws:iam::000000000000:role/r", Handler: "bootstrap", Code: &FunctionCode{ZipFile: zipOf(t, files)}})
		return err
	}
	src := map[string]string{"go.mod": "module x\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n"}
	err := create("go-src", "provided.al2023", src)
	var le *Error
	require.True(t, errors.As(err, &le), "%v", err)
	require.Equal(t, KindInvalidParameterValue, le.Kind)
	require.Contains(t, le.Message, "The deployment package has Go source and no bootstrap executable, and this gureum host cannot build it for provided.al2023: the Go toolchain was not found")

	// A built bootstrap needs no toolchain; nor does Go source on another runtime.
	require.NoError(t, create("built", "provided.al2023", map[string]string{"bootstrap": "#!/bin/sh\n", "main.go": "package main"}))
	require.NoError(t, create("node", "nodejs22.x", map[string]string{"index.js": "", "main.go": "package main"}))
	_, err = s.UpdateFunctionCode(t.Context(), sc, FunctionRef{Name: "built"}, &UpdateFunctionCodeInput{FunctionCode: FunctionCode{ZipFile: zipOf(t, src)}})
	require.True(t, errors.As(err, &le), "%v", err)
	require.Contains(t, le.Message, "the Go toolchain was not found")
	cfg, err := s.GetFunction(t.Context(), sc, FunctionRef{Name: "built"})
	require.NoError(t, err)
	require.Equal(t, "Active", cfg.Configuration.State)
	require.Equal(t, "Successful", cfg.Configuration.LastUpdateStatus)
}

// goBuilt builds a main package without a go.mod (making one), keeps the
// package's files beside bootstrap, and builds each package once.
func TestGoBuiltStandaloneMain(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain in PATH")
	}
	s := newService(t, Options{})
	info, err := s.code.put(zipOf(t, map[string]string{"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"built\") }\n", "data/x.txt": "x"}))
	require.NoError(t, err)
	need, err := s.code.needsGoBuild(info.Hex)
	require.NoError(t, err)
	require.True(t, need)
	dir, err := s.code.goBuilt(goCmd, info.Hex)
	require.NoError(t, err)
	out, err := exec.Command(filepath.Join(dir, "bootstrap")).Output()
	require.NoError(t, err)
	require.Equal(t, "built\n", string(out))
	require.FileExists(t, filepath.Join(dir, "data", "x.txt"))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "readable by the sandbox's uid")
	need, err = s.code.needsGoBuild(info.Hex)
	require.NoError(t, err)
	require.False(t, need, "built once")

	bad, err := s.code.put(zipOf(t, map[string]string{"main.go": "package main\n\nfunc main() { undefinedThing() }\n"}))
	require.NoError(t, err)
	_, err = s.code.goBuilt(goCmd, bad.Hex)
	var ge *goBuildError
	require.ErrorAs(t, err, &ge)
	require.Contains(t, ge.Error(), "undefined: undefinedThing")
	require.NoDirExists(t, s.code.goDir(bad.Hex))
}
