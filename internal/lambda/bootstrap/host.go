package bootstrap

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A runtime identifier gureum knows, and how it is served.
type known struct {
	id      string
	family  Family
	version string // the language version AWS runs: "20", "3.12"
	// missing is why the runtime cannot run at all yet (no runtime client).
	missing string
}

// catalogue lists every runtime identifier gureum knows, in the order
// Available reports them.
var catalogue = []known{
	{id: "nodejs20.x", family: FamilyNode, version: "20"},
	{id: "nodejs22.x", family: FamilyNode, version: "22"},
	{id: "python3.11", family: FamilyPython, version: "3.11"},
	{id: "python3.12", family: FamilyPython, version: "3.12"},
	{id: "python3.13", family: FamilyPython, version: "3.13"},
	{id: "provided.al2023", family: FamilyProvided},
	{id: "provided.al2", family: FamilyProvided},
	{id: "java17", family: FamilyJava, version: "17"},
	{id: "java21", family: FamilyJava, version: "21"},
	{id: "ruby3.2", family: FamilyRuby, version: "3.2"},
	{id: "ruby3.3", family: FamilyRuby, version: "3.3"},
	{id: "ruby3.4", family: FamilyRuby, version: "3.4"},
	{id: "dotnet8", family: FamilyDotnet, version: "8"},
}

// RuntimeStatus is whether this host can run one runtime identifier.
type RuntimeStatus struct {
	ID          string
	Family      Family
	Available   bool
	Interpreter string // host path of the interpreter ("" for provided runtimes)
	Version     string // the interpreter's version
	SDK         string // "boto3", "@aws-sdk" or ""
	Note        string // how it differs from AWS (e.g. another minor version)
	Reason      string // why it is not available
}

// Host finds runtimes' toolchains on a machine. The zero Host searches
// $PATH, the usual pyenv roots and /usr/lib/jvm.
type Host struct {
	// PATH lists the directories searched for node and python3.X; $PATH
	// when empty.
	PATH string
	// PyenvRoots are searched for versions/3.X.Y/bin/python3.X; when nil,
	// $PYENV_ROOT, $HOME/.pyenv and /root/.pyenv.
	PyenvRoots []string
	// JVMRoot holds JDKs (one per subdirectory) besides java in PATH;
	// /usr/lib/jvm when empty, none when "-".
	JVMRoot string

	once    sync.Once
	node    *tool
	nodeErr string
	pythons []*tool
	python3 *tool   // the host's python3 (first in PATH, shims skipped)
	javas   []*tool // JDKs: java in PATH first
	ruby    *tool
	rubyErr string
	mono    *tool
	mcs     string // Mono's mcs.exe
	monoErr string
}

// tool is an interpreter found on the host.
type tool struct {
	path    string // real binary
	version string // "3.11.7", "3.11", "v20.20.2"
	minor   string // "3.11", "20"
	prefix  string
	sdk     string
	sdkPath string
}

var defaultHost = &Host{}

// For returns how to run the runtime id on this host. Errors:
// ErrUnknownRuntime, or an *UnavailableError (errors.Is ErrUnavailable).
func For(id string) (*Runtime, error) { return defaultHost.For(id) }

// Available lists every runtime identifier gureum knows and whether this
// host can run it.
func Available() []RuntimeStatus { return defaultHost.Available() }

// For returns how to run the runtime id on h.
func (h *Host) For(id string) (*Runtime, error) {
	i := slices.IndexFunc(catalogue, func(k known) bool { return k.id == id })
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownRuntime, id)
	}
	k := catalogue[i]
	if k.missing != "" {
		return nil, &UnavailableError{Runtime: id, Reason: k.missing}
	}
	h.once.Do(h.discover)
	r := &Runtime{ID: id, Family: k.family}
	switch k.family {
	case FamilyProvided:
		return r, nil
	case FamilyNode:
		if h.node == nil {
			return nil, &UnavailableError{Runtime: id, Reason: h.nodeErr}
		}
		r.entry, r.files = "index.cjs", nodeClient
		h.node.fill(r)
		if h.node.minor != k.version {
			r.Note = fmt.Sprintf("%s requested; this host has Node.js %s (%s)", id, h.node.version, h.node.path)
		}
		return r, nil
	case FamilyPython:
		t := h.python(k.version)
		if t == nil {
			return nil, &UnavailableError{Runtime: id, Reason: "no python3 interpreter found (searched PATH and pyenv versions)"}
		}
		r.entry, r.files = "bootstrap_main.py", pythonClient
		t.fill(r)
		if t.minor != k.version {
			r.Note = fmt.Sprintf("%s requested; this host has no Python %s: using Python %s (%s)", id, k.version, t.version, t.path)
		}
		return r, nil
	case FamilyJava:
		t := h.java(k.version)
		if t == nil {
			return nil, &UnavailableError{Runtime: id, Reason: "no JDK found (java with javac beside it, in PATH or " + or(h.JVMRoot, "/usr/lib/jvm") + ")"}
		}
		t.fill(r)
		r.entry, r.build = "runtime.jar", javaBuild(t)
		if t.minor != k.version {
			r.Note = fmt.Sprintf("%s requested; this host has no Java %s: using Java %s (%s)", id, k.version, t.version, t.path)
		}
		return r, nil
	case FamilyRuby:
		if h.ruby == nil {
			return nil, &UnavailableError{Runtime: id, Reason: h.rubyErr}
		}
		h.ruby.fill(r)
		r.entry, r.files = "bootstrap.rb", rubyClient
		if h.ruby.minor != k.version {
			r.Note = fmt.Sprintf("%s requested; this host has no Ruby %s: using Ruby %s (%s)", id, k.version, h.ruby.version, h.ruby.path)
		}
		return r, nil
	case FamilyDotnet:
		if h.mono == nil {
			return nil, &UnavailableError{Runtime: id, Reason: h.monoErr}
		}
		h.mono.fill(r)
		r.entry, r.build = "bootstrap.exe", dotnetBuild(h.mono, h.mcs)
		r.Note = fmt.Sprintf("%s requested; this host has no .NET 8: using Mono %s (%s), C# compiled by mcs", id, h.mono.version, h.mono.path)
		return r, nil
	}
	return nil, &UnavailableError{Runtime: id, Reason: "unsupported runtime family"}
}

func (t *tool) fill(r *Runtime) {
	r.Interpreter, r.Version, r.Prefix, r.SDK, r.SDKPath = t.path, t.version, t.prefix, t.sdk, t.sdkPath
}

// Available lists every runtime identifier gureum knows and whether h can
// run it.
func (h *Host) Available() []RuntimeStatus {
	out := make([]RuntimeStatus, 0, len(catalogue))
	for _, k := range catalogue {
		st := RuntimeStatus{ID: k.id, Family: k.family}
		r, err := h.For(k.id)
		if err != nil {
			st.Reason = err.(*UnavailableError).Reason
		} else {
			st.Available = true
			st.Interpreter, st.Version, st.SDK, st.Note = r.Interpreter, r.Version, r.SDK, r.Note
		}
		out = append(out, st)
	}
	return out
}

// python returns the interpreter for Python minor version want: that
// version when the host has it (one with boto3 first, then the newest
// patch), else the host's python3.
func (h *Host) python(want string) *tool {
	var best *tool
	for _, t := range h.pythons {
		if t.minor != want {
			continue
		}
		if best == nil || (t.sdk != "" && best.sdk == "") ||
			((t.sdk != "") == (best.sdk != "") && versionLess(best.version, t.version)) {
			best = t
		}
	}
	if best != nil {
		return best
	}
	if h.python3 != nil {
		return h.python3
	}
	if len(h.pythons) > 0 {
		return h.pythons[len(h.pythons)-1]
	}
	return nil
}

func (h *Host) discover() {
	path := h.PATH
	if path == "" {
		path = os.Getenv("PATH")
	}
	dirs := filepath.SplitList(path)
	h.discoverNode(dirs)
	h.discoverPython(dirs)
	h.discoverJava(dirs)
	h.discoverRuby(dirs)
	h.discoverMono(dirs)
}

func (h *Host) discoverNode(dirs []string) {
	p := lookReal(dirs, "node")
	if p == "" {
		h.nodeErr = "node not found in PATH"
		return
	}
	cmd := exec.Command(p, "--version")
	cmd.Env = []string{}
	out, err := runWithTimeout(cmd, 10*time.Second)
	v := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(v, "v") {
		h.nodeErr = fmt.Sprintf("%s --version failed: %v", p, err)
		return
	}
	t := &tool{path: p, version: v, minor: strings.SplitN(strings.TrimPrefix(v, "v"), ".", 2)[0],
		prefix: filepath.Dir(filepath.Dir(p))}
	for _, d := range []string{filepath.Join(t.prefix, "lib", "node_modules"), "/usr/lib/node_modules", "/usr/local/lib/node_modules"} {
		if isDir(filepath.Join(d, "@aws-sdk")) {
			t.sdk, t.sdkPath = "@aws-sdk", d
			break
		}
	}
	h.node = t
}

var (
	pythonName    = regexp.MustCompile(`^python(3\.\d+)$`)
	pyenvVersion  = regexp.MustCompile(`^3\.\d+\.\d+$`)
	pythonVersion = regexp.MustCompile(`^3\.\d+`)
)

func (h *Host) discoverPython(dirs []string) {
	seen := map[string]bool{}
	add := func(p, version string) *tool {
		if seen[p] {
			for _, t := range h.pythons {
				if t.path == p {
					return t
				}
			}
		}
		seen[p] = true
		minor := pythonVersion.FindString(version)
		t := &tool{path: p, version: version, minor: minor, prefix: filepath.Dir(filepath.Dir(p))}
		if d := boto3Dir(t.prefix, minor); d != "" {
			t.sdk, t.sdkPath = "boto3", d
		}
		h.pythons = append(h.pythons, t)
		return t
	}
	// The host's python3, and any python3.X, in PATH order.
	for _, d := range dirs {
		if p := realBinary(filepath.Join(d, "python3")); p != "" {
			if m := pythonName.FindStringSubmatch(filepath.Base(p)); m != nil {
				t := add(p, m[1])
				if h.python3 == nil {
					h.python3 = t
				}
			}
		}
		matches, _ := filepath.Glob(filepath.Join(d, "python3.*"))
		for _, m := range matches {
			if sm := pythonName.FindStringSubmatch(filepath.Base(m)); sm != nil {
				if p := realBinary(m); p != "" {
					add(p, sm[1])
				}
			}
		}
	}
	// pyenv installs, with their full version.
	roots := h.PyenvRoots
	if roots == nil {
		roots = []string{os.Getenv("PYENV_ROOT"), filepath.Join(os.Getenv("HOME"), ".pyenv"), "/root/.pyenv"}
	}
	for _, root := range roots {
		if root == "" {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(root, "versions"))
		for _, e := range entries {
			v := e.Name()
			if !pyenvVersion.MatchString(v) {
				continue
			}
			minor := pythonVersion.FindString(v)
			if p := realBinary(filepath.Join(root, "versions", v, "bin", "python"+minor)); p != "" {
				t := add(p, v)
				t.version = v
			}
		}
	}
	slices.SortStableFunc(h.pythons, func(a, b *tool) int {
		switch {
		case versionLess(a.minor, b.minor):
			return -1
		case versionLess(b.minor, a.minor):
			return 1
		}
		return 0
	})
}

// boto3Dir returns the site-packages directory holding boto3 for a Python
// installed under prefix, or "".
func boto3Dir(prefix, minor string) string {
	for _, d := range []string{
		filepath.Join(prefix, "lib", "python"+minor, "site-packages"),
		filepath.Join(prefix, "local", "lib", "python"+minor, "dist-packages"),
		filepath.Join(prefix, "lib", "python3", "dist-packages"),
		filepath.Join(prefix, "lib", "python"+minor, "dist-packages"),
	} {
		if isDir(filepath.Join(d, "boto3")) {
			return d
		}
	}
	return ""
}

// lookReal finds name in dirs and returns its real binary, skipping shims.
func lookReal(dirs []string, name string) string {
	for _, d := range dirs {
		if p := realBinary(filepath.Join(d, name)); p != "" {
			return p
		}
	}
	return ""
}

// realBinary resolves p's symlinks and returns the result if it is an
// executable ELF file: version managers' shims (pyenv's are bash scripts)
// cost 100 ms per start and are skipped.
func realBinary(p string) string {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return ""
	}
	fi, err := os.Stat(r)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return ""
	}
	f, err := os.Open(r)
	if err != nil {
		return ""
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || !bytes.Equal(magic[:], []byte("\x7fELF")) {
		return ""
	}
	abs, err := filepath.Abs(r)
	if err != nil {
		return ""
	}
	return abs
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// versionLess compares dotted versions numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

func runWithTimeout(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.Bytes(), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return nil, fmt.Errorf("timed out after %s", d)
	}
}
