package bootstrap

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Echo functions for the Java, Ruby and .NET benchmarks: as sources, and
// compiled as they are usually deployed (classes, a .dll).

const (
	javaEcho   = "import java.util.Map;\npublic class Echo { public Map<String, Object> handleRequest(Map<String, Object> e) { return e; } }\n"
	dotnetEcho = "namespace Echo { public class Echo { public object Handler(System.Collections.Generic.Dictionary<string, object> e) { return e; } } }\n"
)

func javaEchoSource(*testing.B) map[string]string { return map[string]string{"Echo.java": javaEcho} }

func javaEchoClass(b *testing.B) map[string]string {
	r := runtimeOrSkip(b, "java17")
	dir := b.TempDir()
	src := filepath.Join(dir, "Echo.java")
	if err := os.WriteFile(src, []byte(javaEcho), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command(filepath.Join(r.Prefix, "bin", "javac"), "-d", dir, src).CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	class, err := os.ReadFile(filepath.Join(dir, "Echo.class"))
	if err != nil {
		b.Fatal(err)
	}
	return map[string]string{"Echo.class": string(class)}
}

func rubyEcho(*testing.B) map[string]string {
	return map[string]string{"function.rb": "def handler(event:, context:)\n  event\nend\n"}
}

func dotnetEchoSource(*testing.B) map[string]string { return map[string]string{"Echo.cs": dotnetEcho} }

func dotnetEchoDll(b *testing.B) map[string]string {
	r := runtimeOrSkip(b, "dotnet8")
	dir := b.TempDir()
	src := filepath.Join(dir, "Echo.cs")
	if err := os.WriteFile(src, []byte(dotnetEcho), 0o644); err != nil {
		b.Fatal(err)
	}
	mcs := filepath.Join(r.Prefix, "lib", "mono", "4.5", "mcs.exe")
	if out, err := exec.Command(r.Interpreter, mcs, "-nologo", "-target:library", "-out:"+filepath.Join(dir, "Echo.dll"), src).CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	dll, err := os.ReadFile(filepath.Join(dir, "Echo.dll"))
	if err != nil {
		b.Fatal(err)
	}
	return map[string]string{"Echo.dll": string(dll)}
}
