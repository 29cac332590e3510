package bootstrap

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Java, Ruby and .NET (Mono) toolchains: discovery and how their runtime
// clients are built.

// discoverJava finds java (with javac beside it) in PATH, and any other
// JDK under /usr/lib/jvm, so that java21 runs on a host Java 21 when there
// is one.
func (h *Host) discoverJava(dirs []string) {
	add := func(p string) {
		if p == "" {
			return
		}
		for _, t := range h.javas {
			if t.path == p {
				return
			}
		}
		home := filepath.Dir(filepath.Dir(p))
		v := javaVersion(home)
		if v == "" {
			return
		}
		if realBinary(filepath.Join(home, "bin", "javac")) == "" {
			return // a JRE: the runtime client cannot be compiled
		}
		h.javas = append(h.javas, &tool{path: p, version: v, minor: strings.SplitN(v, ".", 2)[0], prefix: home})
	}
	add(lookReal(dirs, "java"))
	if h.JVMRoot != "-" {
		root := or(h.JVMRoot, "/usr/lib/jvm")
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			add(realBinary(filepath.Join(root, e.Name(), "bin", "java")))
		}
	}
}

var releaseVersion = regexp.MustCompile(`(?m)^JAVA_VERSION="([^"]+)"`)

// javaVersion reads a JDK's version from its release file ("17.0.15").
func javaVersion(home string) string {
	b, err := os.ReadFile(filepath.Join(home, "release"))
	if err != nil {
		return ""
	}
	if m := releaseVersion.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// java returns the JDK for major version want, else the first one found
// (java in PATH).
func (h *Host) java(want string) *tool {
	for _, t := range h.javas {
		if t.minor == want {
			return t
		}
	}
	if len(h.javas) > 0 {
		return h.javas[0]
	}
	return nil
}

func (h *Host) discoverRuby(dirs []string) {
	p := lookReal(dirs, "ruby")
	if p == "" {
		h.rubyErr = "ruby not found in PATH (Debian: apt-get install ruby)"
		return
	}
	cmd := exec.Command(p, "--disable-gems", "-e", "print RUBY_VERSION")
	cmd.Env = []string{}
	out, err := runWithTimeout(cmd, 10*time.Second)
	v := strings.TrimSpace(string(out))
	if err != nil || v == "" {
		h.rubyErr = fmt.Sprintf("%s -e 'print RUBY_VERSION' failed: %v", p, err)
		return
	}
	h.ruby = &tool{path: p, version: v, minor: minorOf(v), prefix: filepath.Dir(filepath.Dir(p))}
}

func (h *Host) discoverMono(dirs []string) {
	p := lookReal(dirs, "mono")
	if p == "" {
		h.monoErr = "no .NET 8 SDK, and mono not found in PATH (Debian: apt-get install mono-mcs mono-runtime)"
		return
	}
	prefix := filepath.Dir(filepath.Dir(p))
	mcs := filepath.Join(prefix, "lib", "mono", "4.5", "mcs.exe")
	if _, err := os.Stat(mcs); err != nil {
		h.monoErr = "mono found but not its C# compiler " + mcs + " (Debian: apt-get install mono-mcs)"
		return
	}
	cmd := exec.Command(p, "--version")
	cmd.Env = []string{}
	out, err := runWithTimeout(cmd, 10*time.Second)
	line, _, _ := strings.Cut(string(out), "\n")
	m := monoVersion.FindStringSubmatch(line)
	if err != nil || m == nil {
		h.monoErr = fmt.Sprintf("%s --version failed: %v", p, err)
		return
	}
	h.mono = &tool{path: p, version: m[1], minor: minorOf(m[1]), prefix: prefix}
	h.mcs = mcs
}

var monoVersion = regexp.MustCompile(`version (\d+\.\d+[.\d]*)`)

func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// javaBuild compiles java/ (the runtime client and our copy of
// aws-lambda-java-core's interfaces) into runtime.jar.
func javaBuild(t *tool) *build {
	javac := filepath.Join(t.prefix, "bin", "javac")
	return &build{
		key:     "java " + t.path + " " + t.version,
		sources: sourcesUnder("java"),
		outputs: []string{"runtime.jar"},
		compile: func(src, out string) error {
			var files []string
			err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
				if err == nil && strings.HasSuffix(p, ".java") {
					files = append(files, p)
				}
				return err
			})
			if err != nil {
				return err
			}
			args := append([]string{"-nowarn", "-g", "-encoding", "UTF-8", "-d", filepath.Join(out, "classes")}, files...)
			return runTool(src, javac, args...)
		},
		post: func(out string) (map[string][]byte, error) {
			jar, err := zipDir(filepath.Join(out, "classes"))
			if err != nil {
				return nil, err
			}
			return map[string][]byte{"runtime.jar": jar}, nil
		},
	}
}

// dotnetBuild compiles dotnet/: Amazon.Lambda.Core.dll (our copy of the
// interfaces functions compile against) and bootstrap.exe (the runtime
// client).
func dotnetBuild(t *tool, mcs string) *build {
	return &build{
		key:     "mono " + t.path + " " + t.version + " " + mcs,
		sources: sourcesUnder("dotnet"),
		outputs: []string{"Amazon.Lambda.Core.dll", "bootstrap.exe"},
		compile: func(src, out string) error {
			core := filepath.Join(out, "Amazon.Lambda.Core.dll")
			if err := runTool(src, t.path, mcs, "-nologo", "-optimize+", "-target:library", "-out:"+core, "Core.cs", "Json.cs"); err != nil {
				return err
			}
			return runTool(src, t.path, mcs, "-nologo", "-optimize+", "-target:exe", "-out:"+filepath.Join(out, "bootstrap.exe"),
				"-r:"+core, "Bootstrap.cs")
		},
	}
}
