package bootstrap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestForUnknownAndMissingToolchains(t *testing.T) {
	t.Parallel()
	_, err := For("cobol1.0")
	require.ErrorIs(t, err, ErrUnknownRuntime)

	empty := &Host{PATH: t.TempDir(), PyenvRoots: []string{}, JVMRoot: "-"}
	for id, reason := range map[string]string{
		"java17":  "no JDK found",
		"java21":  "no JDK found",
		"ruby3.2": "ruby not found in PATH",
		"ruby3.3": "ruby not found in PATH",
		"ruby3.4": "ruby not found in PATH",
		"dotnet8": "no .NET 8 SDK, and mono not found in PATH",
	} {
		_, err := empty.For(id)
		require.ErrorIs(t, err, ErrUnavailable, id)
		var ue *UnavailableError
		require.True(t, errors.As(err, &ue))
		require.Contains(t, ue.Error(), "runtime "+id+" is not available on this host: "+reason)
	}
}

func TestAvailable(t *testing.T) {
	t.Parallel()
	var ids []string
	for _, st := range Available() {
		ids = append(ids, st.ID)
		if st.Available {
			require.Empty(t, st.Reason, st.ID)
		} else {
			require.NotEmpty(t, st.Reason, st.ID)
		}
		if st.ID == "provided.al2023" || st.ID == "provided.al2" {
			require.True(t, st.Available, "provided runtimes need nothing from the host")
			require.Empty(t, st.Interpreter)
		}
	}
	require.Equal(t, []string{"nodejs20.x", "nodejs22.x", "python3.11", "python3.12", "python3.13",
		"provided.al2023", "provided.al2", "java17", "java21", "ruby3.2", "ruby3.3", "ruby3.4", "dotnet8"}, ids)
}

// TestHostDiscovery builds a fake host: a PATH with a pyenv-style shim, a
// symlink to the real Python and no node.
func TestHostDiscovery(t *testing.T) {
	t.Parallel()
	real := realBinary("/usr/bin/python3")
	if real == "" {
		t.Skip("no /usr/bin/python3 on this host")
	}
	minor := pythonName.FindStringSubmatch(filepath.Base(real))[1]
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "python3.99"), []byte("#!/usr/bin/env bash\nexec pyenv \"$@\"\n"), 0o755))
	require.NoError(t, os.Symlink(real, filepath.Join(bin, "python3")))
	h := &Host{PATH: bin, PyenvRoots: []string{}}

	r, err := h.For("python" + minor)
	require.NoError(t, err)
	require.Equal(t, real, r.Interpreter, "symlinks resolved to the real binary")
	require.Empty(t, r.Note)
	require.Equal(t, filepath.Dir(filepath.Dir(real)), r.Prefix)

	other := "python3.13"
	if minor == "3.13" {
		other = "python3.12"
	}
	r, err = h.For(other)
	require.NoError(t, err, "a missing minor version runs on the host's python3")
	require.Equal(t, real, r.Interpreter)
	require.Contains(t, r.Note, other+" requested; this host has no Python "+strings.TrimPrefix(other, "python"))

	_, err = h.For("nodejs20.x")
	require.ErrorIs(t, err, ErrUnavailable)
	require.Contains(t, err.Error(), "node not found in PATH")

	empty := &Host{PATH: t.TempDir(), PyenvRoots: []string{}}
	_, err = empty.For("python3.12")
	require.ErrorIs(t, err, ErrUnavailable)
	_, err = empty.For("provided.al2023")
	require.NoError(t, err)
}

func TestCommand(t *testing.T) {
	t.Parallel()
	node := &Runtime{ID: "nodejs20.x", Family: FamilyNode, Interpreter: "/usr/bin/node", entry: "index.cjs"}
	require.Equal(t, []string{"/var/lang/bin/node", "--expose-gc", "--max-http-header-size", "81920",
		"--max-semi-space-size=2", "--max-old-space-size=123", "/var/runtime/index.cjs"},
		node.Command(&Start{Interpreter: "/var/lang/bin/node", MemoryMB: 128}))
	py := &Runtime{ID: "python3.12", Family: FamilyPython, Interpreter: "/usr/bin/python3.12", entry: "bootstrap_main.py"}
	require.Equal(t, []string{"/usr/bin/python3.12", "-S", "-u", "/rt/bootstrap_main.py"}, py.Command(&Start{RuntimeDir: "/rt"}))
	provided := &Runtime{ID: "provided.al2023", Family: FamilyProvided}
	require.Equal(t, []string{"/var/task/bootstrap"}, provided.Command(&Start{
		Environment: map[string]string{"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap"}}), "no wrapper on provided runtimes")
	require.Equal(t, []string{"/opt/wrap", "/usr/bin/python3.12", "-S", "-u", "/var/runtime/bootstrap_main.py"},
		py.Command(&Start{Environment: map[string]string{"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap"}}))
}

func TestEnviron(t *testing.T) {
	t.Parallel()
	r := &Runtime{ID: "python3.12", Family: FamilyPython, Interpreter: "/root/.pyenv/versions/3.12.1/bin/python3.12"}
	env := r.Environ(&Start{
		Interpreter:  "/var/lang/bin/python3.12",
		RuntimeAPI:   "127.0.0.1:9001",
		FunctionName: "fn",
		Handler:      "app.handler",
		MemoryMB:     256,
		Region:       "eu-west-1",
		Environment: map[string]string{
			"AWS_REGION": "us-east-1", "_HANDLER": "x", "LAMBDA_TASK_ROOT": "/x", // reserved: ignored
			"TZ": "Asia/Seoul", "MY_VAR": "v", // not reserved: kept
		},
		Service: map[string]string{"AWS_ACCESS_KEY_ID": "key", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"},
	})
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	for k, v := range map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "fn",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/fn",
		"AWS_LAMBDA_RUNTIME_API":          "127.0.0.1:9001",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      "eu-west-1",
		"AWS_DEFAULT_REGION":              "eu-west-1",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_python3.12",
		"_HANDLER":                        "app.handler",
		"LAMBDA_TASK_ROOT":                "/var/task",
		"LAMBDA_RUNTIME_DIR":              "/var/runtime",
		"PYTHONPATH":                      "/var/runtime",
		"LANG":                            "en_US.UTF-8",
		"TZ":                              "Asia/Seoul",
		"PATH":                            "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH":                 "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
		"MY_VAR":                          "v",
		"AWS_ACCESS_KEY_ID":               "key",
		"AWS_ENDPOINT_URL":                "http://127.0.0.1:4566",
	} {
		require.Equal(t, v, m[k], k)
	}
	require.Regexp(t, `^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$`, m["AWS_LAMBDA_LOG_STREAM_NAME"])
	require.True(t, IsReserved("AWS_LAMBDA_RUNTIME_API"))
	require.False(t, IsReserved("PATH"))
	require.Contains(t, ReservedEnv(), "_X_AMZN_TRACE_ID")

	node := &Runtime{ID: "nodejs22.x", Family: FamilyNode, SDKPath: "/usr/lib/node_modules"}
	m = map[string]string{}
	for _, kv := range node.Environ(&Start{TaskRoot: "/t", RuntimeDir: "/r"}) {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	require.Equal(t, "AWS_Lambda_nodejs22.x", m["AWS_EXECUTION_ENV"])
	require.Equal(t, "/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/r/node_modules:/r:/t:/usr/lib/node_modules", m["NODE_PATH"])
	require.Equal(t, "us-east-1", m["AWS_REGION"])
	require.Equal(t, "128", m["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])

	provided := &Runtime{ID: "provided.al2023", Family: FamilyProvided}
	for _, kv := range provided.Environ(&Start{}) {
		require.False(t, strings.HasPrefix(kv, "AWS_EXECUTION_ENV="), "provided runtimes have no AWS_EXECUTION_ENV")
		if strings.HasPrefix(kv, "PATH=") {
			require.Equal(t, "PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin", kv)
		}
	}
}

func TestLogStreamName(t *testing.T) {
	t.Parallel()
	n := LogStreamName(time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC), "7")
	require.Regexp(t, `^2026/03/04/\[7\][0-9a-f]{32}$`, n)
}

func TestMaterialize(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"nodejs20.x", "python3.12"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			r := runtimeOrSkip(t, id)
			dir := filepath.Join(t.TempDir(), "runtime")
			require.NoError(t, r.Materialize(dir))
			fi, err := os.Stat(dir)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
			stamps := map[string]time.Time{}
			for name, content := range r.Files() {
				b, err := os.ReadFile(filepath.Join(dir, name))
				require.NoError(t, err)
				require.Equal(t, content, b)
				fi, err := os.Stat(filepath.Join(dir, name))
				require.NoError(t, err)
				require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "readable by the environment's uid")
				stamps[name] = fi.ModTime()
			}
			if r.Family == FamilyPython {
				require.True(t, r.bytecodeFresh(dir), "the runtime's bytecode is compiled beside it")
			}
			require.NoError(t, r.Materialize(dir), "idempotent")
			for name, stamp := range stamps {
				fi, err := os.Stat(filepath.Join(dir, name))
				require.NoError(t, err)
				require.Equal(t, stamp, fi.ModTime(), "unchanged files are left alone")
			}
		})
	}
	r, err := For("provided.al2023")
	require.NoError(t, err)
	require.Empty(t, r.Files())
	dir := filepath.Join(t.TempDir(), "provided")
	require.NoError(t, r.Materialize(dir))
	fi, err := os.Stat(dir)
	require.NoError(t, err, "an empty directory: the service mounts it as every runtime's")
	require.True(t, fi.IsDir())
}
