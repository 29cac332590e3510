// Package bootstrap knows how to start a Lambda execution environment for
// each runtime identifier (nodejs20.x, python3.12, provided.al2023, ...) on
// this host: which host interpreter runs it, which runtime client it runs
// (our own, embedded here, behaving like AWS's managed runtimes), its command
// line and its environment variables.
//
// The runtime clients speak the Lambda Runtime API (package runtimeapi):
//
//   - node/index.cjs for nodejs20.x and nodejs22.x, run by the host's node;
//   - python/bootstrap.py (started by python/bootstrap_main.py) for
//     python3.11 to python3.13, run by the host's real python3.X binary
//     (never a version manager's shim), the same minor version when the host
//     has it, else the host's python3 (Runtime.Note says so);
//   - java/ for java17 and java21: gureum.Bootstrap and our own copy of
//     aws-lambda-java-core's com.amazonaws.services.lambda.runtime
//     interfaces (so functions compile unmodified), compiled by the host
//     JDK's javac at Materialize into runtime.jar and run by that JDK's java
//     (the same major version when the host has it, else java in PATH, with
//     a Note). Functions are classes or lib/*.jar in /var/task, or .java
//     sources that the runtime client compiles at its first start into
//     java.io.tmpdir;
//   - ruby/bootstrap.rb for ruby3.2 to ruby3.4, run by the host's ruby
//     (Debian bookworm's is 3.1: Runtime.Note says so);
//   - dotnet/ for dotnet8, run by Mono when the host has no .NET SDK (a
//     Note says so): bootstrap.exe and Amazon.Lambda.Core.dll compiled by
//     Mono's mcs at Materialize. Functions are .dll files in /var/task, or
//     .cs sources that the runtime client compiles with mcs at its first
//     start into the temporary directory;
//   - nothing for provided.al2023 and provided.al2: the function's own
//     executable /var/task/bootstrap is the runtime client (a Go binary
//     built with github.com/aws/aws-lambda-go works unmodified; so does any
//     custom runtime speaking the Runtime API). Lambda falls back to a
//     layer's /opt/bootstrap when the package has none: the service checks
//     for it on the host and then runs /opt/bootstrap instead.
//
// The Lambda service asks For(id) for a Runtime, writes its files with
// Materialize into a directory the sandbox binds read-only at /var/runtime,
// and starts Command(start) with Environ(start). Available lists every
// identifier with whether this host can run it (gureum doctor, and
// CreateFunction refusing a runtime whose toolchain is missing).
package bootstrap

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Family is a group of runtimes served by the same runtime client.
type Family string

// Families of runtimes.
const (
	FamilyNode     Family = "nodejs"
	FamilyPython   Family = "python"
	FamilyProvided Family = "provided"
	FamilyJava     Family = "java"
	FamilyRuby     Family = "ruby"
	FamilyDotnet   Family = "dotnet"
)

// Errors returned by For.
var (
	// ErrUnknownRuntime: not a Lambda runtime identifier gureum knows.
	ErrUnknownRuntime = errors.New("unknown runtime")
	// ErrUnavailable: a runtime this host cannot run (its toolchain is
	// missing, or gureum has no runtime client for it yet). Returned
	// wrapped in an *UnavailableError.
	ErrUnavailable = errors.New("runtime unavailable")
)

// UnavailableError says why a runtime cannot run on this host.
type UnavailableError struct {
	Runtime string
	Reason  string
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("runtime %s is not available on this host: %s", e.Runtime, e.Reason)
}

// Unwrap returns ErrUnavailable.
func (e *UnavailableError) Unwrap() error { return ErrUnavailable }

// Runtime is how to start environments for one runtime identifier on this
// host.
type Runtime struct {
	ID     string // the Lambda identifier, e.g. "python3.12"
	Family Family
	// Interpreter is the host path of the real interpreter binary (symlinks
	// resolved); "" for provided runtimes.
	Interpreter string
	// Version is the interpreter's version ("3.11.7", "3.11", "v20.20.2").
	Version string
	// Prefix is the interpreter's installation prefix on the host (the
	// directory holding bin/ and lib/): what a sandbox binds at /var/lang,
	// with Interpreter then at the same place under /var/lang. Python finds
	// its standard library and site-packages from there; a pyenv build also
	// needs its libpython, which Environ's LD_LIBRARY_PATH (/var/lang/lib
	// first, as on Lambda) provides.
	Prefix string
	// SDK is the AWS SDK the host has for this language and that functions
	// will find as on Lambda ("boto3", "@aws-sdk"), or "".
	SDK string
	// SDKPath is the host directory holding the SDK ("" when SDK is ""):
	// for Node, a node_modules directory that Environ puts on NODE_PATH
	// (the sandbox must make it visible at the same path).
	SDKPath string
	// Note says how this differs from AWS, e.g. that python3.12 runs on the
	// host's Python 3.11. Empty when it does not.
	Note string

	entry string // the runtime client's file name in the runtime directory
	files map[string][]byte
	build *build // a runtime client compiled at Materialize (Java, .NET)
}

//go:embed node/index.cjs python/bootstrap.py python/bootstrap_main.py ruby/bootstrap.rb java dotnet
var embedded embed.FS

func mustRead(name string) []byte {
	b, err := embedded.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	nodeClient   = map[string][]byte{"index.cjs": mustRead("node/index.cjs")}
	pythonClient = map[string][]byte{
		"bootstrap.py":      mustRead("python/bootstrap.py"),
		"bootstrap_main.py": mustRead("python/bootstrap_main.py"),
	}
	rubyClient = map[string][]byte{"bootstrap.rb": mustRead("ruby/bootstrap.rb")}
)

// Files returns the runtime client's files, by name within the runtime
// directory. Empty for provided runtimes, and for Java and .NET, whose
// runtime clients Materialize compiles.
func (r *Runtime) Files() map[string][]byte { return r.files }

// Materialize writes the runtime client's files into dir (created 0755,
// files 0644: readable by an environment's non-root uid). Files already
// there with the same content are left alone, so that many environments can
// share one directory. For Python it also compiles the runtime's bytecode
// there with the runtime's interpreter (the sandbox binds dir read-only, so
// Python could not cache it itself); if that fails, Python compiles the
// runtime at every start instead (7 ms slower).
//
// For Java it writes runtime.jar, the runtime client and gureum's copy of
// aws-lambda-java-core's interfaces compiled by the host's javac; for .NET,
// bootstrap.exe and Amazon.Lambda.Core.dll compiled by Mono's mcs. Both
// are compiled once per content hash of their sources and compiler, then
// cached in memory and under the user's cache directory.
func (r *Runtime) Materialize(dir string) error {
	files := r.files
	if r.build != nil {
		f, err := r.build.files()
		if err != nil {
			return fmt.Errorf("materialize %s: compile the runtime client: %w", r.ID, err)
		}
		files = f
	}
	if len(files) == 0 { // provided.*: nothing to add, but the directory is mounted
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("materialize %s: %w", r.ID, err)
		}
		return nil
	}
	if err := r.writeFiles(dir, files); err != nil {
		return err
	}
	if r.Family == FamilyPython && r.Interpreter != "" && !r.bytecodeFresh(dir) {
		compile := exec.Command(r.Interpreter, "-S", "-c",
			"import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)", filepath.Join(dir, "bootstrap.py"))
		compile.Env = []string{}
		runWithTimeout(compile, 30*time.Second) //nolint:errcheck // an optimization: see above
	}
	return nil
}

// bytecodeFresh reports whether dir has bytecode of bootstrap.py for r's
// interpreter, newer than the source.
func (r *Runtime) bytecodeFresh(dir string) bool {
	minor := pythonVersion.FindString(r.Version) // "3.11"
	src, err := os.Stat(filepath.Join(dir, "bootstrap.py"))
	if err != nil || minor == "" {
		return false
	}
	tag := "cpython-" + strings.Replace(minor, ".", "", 1)
	pyc, err := os.Stat(filepath.Join(dir, "__pycache__", "bootstrap."+tag+".pyc"))
	return err == nil && !pyc.ModTime().Before(src.ModTime())
}

func (r *Runtime) writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("materialize %s: %w", r.ID, err)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, content) {
			continue
		}
		tmp, err := os.CreateTemp(dir, "."+name+".*")
		if err != nil {
			return fmt.Errorf("materialize %s: %w", r.ID, err)
		}
		_, werr := tmp.Write(content)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("materialize %s: %w", r.ID, err)
		}
		if err := os.Rename(tmp.Name(), p); err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("materialize %s: %w", r.ID, err)
		}
	}
	return nil
}

// Lambda's paths inside an environment.
const (
	DefaultRuntimeDir = "/var/runtime"
	DefaultTaskRoot   = "/var/task"
	DefaultLangDir    = "/var/lang"
)

// Command returns the command line that starts an environment, with paths
// as the process sees them.
//
//   - node: node --expose-gc --max-http-header-size 81920
//     --max-semi-space-size=S --max-old-space-size=O <runtime>/index.cjs,
//     the heap sized from the memory size as AWS's bootstrap does;
//   - python: python3.X -S -u <runtime>/bootstrap_main.py (-S: see
//     python/bootstrap.py);
//   - java: java -Xmx<85% of the memory size>m -XX:+UseSerialGC
//     -XX:TieredStopAtLevel=1 -Xshare:auto -XX:+ExitOnOutOfMemoryError
//     -Djava.net.preferIPv4Stack=true -cp <runtime>/runtime.jar
//     gureum.Bootstrap (AWS's JVM defaults for a fast start);
//   - ruby: ruby --disable-gems <runtime>/bootstrap.rb (it loads RubyGems
//     itself when the function needs it: see ruby/bootstrap.rb);
//   - dotnet: mono --debug <runtime>/bootstrap.exe (--debug: file names
//     and line numbers in stack traces, as .NET gives with a .pdb);
//   - provided: <task>/bootstrap.
//
// As on Lambda's managed runtimes (not provided ones), a function's
// AWS_LAMBDA_EXEC_WRAPPER variable names a script that runs first, with
// the command as its arguments.
func (r *Runtime) Command(s *Start) []string {
	argv := r.command(s)
	if w := s.Environment["AWS_LAMBDA_EXEC_WRAPPER"]; w != "" && r.Family != FamilyProvided {
		argv = append([]string{w}, argv...)
	}
	return argv
}

func (r *Runtime) command(s *Start) []string {
	interp := s.interpreter(r)
	switch r.Family {
	case FamilyNode:
		args := []string{interp, "--expose-gc", "--max-http-header-size", "81920"}
		if s.MemoryMB > 0 {
			newSpace := s.MemoryMB / 25
			args = append(args,
				"--max-semi-space-size="+strconv.Itoa(max(newSpace/2, 1)),
				"--max-old-space-size="+strconv.Itoa(s.MemoryMB-newSpace))
		}
		return append(args, filepath.Join(s.runtimeDir(), r.entry))
	case FamilyPython:
		return []string{interp, "-S", "-u", filepath.Join(s.runtimeDir(), r.entry)}
	case FamilyJava:
		memory := s.MemoryMB
		if memory == 0 {
			memory = 128
		}
		return []string{interp, "-Xmx" + strconv.Itoa(memory*85/100) + "m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+ExitOnOutOfMemoryError",
			"-Djava.net.preferIPv4Stack=true", "-cp", filepath.Join(s.runtimeDir(), r.entry), "gureum.Bootstrap"}
	case FamilyRuby:
		return []string{interp, "--disable-gems", filepath.Join(s.runtimeDir(), r.entry)}
	case FamilyDotnet:
		return []string{interp, "--debug", filepath.Join(s.runtimeDir(), r.entry)}
	default:
		return []string{filepath.Join(s.taskRoot(), "bootstrap")}
	}
}
