//go:build linux

package sandbox

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanHost plans a sandbox root from a fake host tree.
func TestPlanHost(t *testing.T) {
	t.Parallel()
	h := t.TempDir()
	for _, d := range []string{"usr/bin", "usr/lib", "lib64", "etc/ssl/certs", "etc/java-17-openjdk", "etc/gureum", "run", "dev"} {
		require.NoError(t, os.MkdirAll(filepath.Join(h, d), 0o755))
	}
	for _, f := range []string{"etc/passwd", "etc/shadow", "etc/nsswitch.conf", "run/stub-resolv.conf", "etc/ld.so.cache"} {
		require.NoError(t, os.WriteFile(filepath.Join(h, f), []byte("x"), 0o644))
	}
	links := map[string]string{
		"bin":                      "usr/bin",
		"etc/localtime":            "/usr/share/zoneinfo/Asia/Seoul", // into /usr: kept as a link
		"etc/os-release":           "../usr/lib/os-release",          // relative into /usr
		"etc/mtab":                 "../proc/self/mounts",            // into /proc
		"etc/resolv.conf":          "../run/stub-resolv.conf",        // elsewhere: bound as its target
		"etc/services":             "../run/missing",                 // dangling: left out
		"etc/ca-certificates.conf": "ssl/ca.conf",                    // within an allowed /etc entry
	}
	for l, target := range links {
		require.NoError(t, os.Symlink(target, filepath.Join(h, l)))
	}
	require.NoError(t, syscall.Mknod(filepath.Join(h, "dev/null"), syscall.S_IFCHR|0o666, 1<<8|3))
	require.NoError(t, os.WriteFile(filepath.Join(h, "dev/tty"), nil, 0o644)) // not a device: left out

	p, err := planHost(h)
	require.NoError(t, err)
	assert.ElementsMatch(t, []linkPlan{
		{"bin", "usr/bin"},
		{"etc/localtime", "/usr/share/zoneinfo/Asia/Seoul"},
		{"etc/os-release", "../usr/lib/os-release"},
		{"etc/mtab", "../proc/self/mounts"},
		{"etc/ca-certificates.conf", "ssl/ca.conf"},
		{"dev/fd", "/proc/self/fd"}, {"dev/stdin", "/proc/self/fd/0"}, {"dev/stdout", "/proc/self/fd/1"}, {"dev/stderr", "/proc/self/fd/2"},
	}, p.Links)
	assert.Equal(t, []bindPlan{
		{Source: h + "/usr", Path: "usr", Dir: true, Attrs: roAttrs},
		{Source: h + "/lib64", Path: "lib64", Dir: true, Attrs: roAttrs},
		{Source: h + "/etc/java-17-openjdk", Path: "etc/java-17-openjdk", Dir: true, Attrs: roAttrs},
		{Source: h + "/etc/ld.so.cache", Path: "etc/ld.so.cache", Attrs: roAttrs},
		{Source: h + "/etc/nsswitch.conf", Path: "etc/nsswitch.conf", Attrs: roAttrs},
		{Source: h + "/etc/resolv.conf", Path: "etc/resolv.conf", Attrs: roAttrs},
		{Source: h + "/etc/ssl", Path: "etc/ssl", Dir: true, Attrs: roAttrs},
		{Source: h + "/dev/null", Path: "dev/null", Attrs: devAttrs},
	}, p.Binds, "passwd, shadow and gureum stay hidden")
	assert.Empty(t, p.Files)
}

func TestPlanEnv(t *testing.T) {
	t.Parallel()
	host := rootPlan{Links: []linkPlan{{"bin", "usr/bin"}}, Binds: []bindPlan{{Source: "/usr", Path: "usr", Dir: true, Attrs: roAttrs}}}
	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	s := Spec{
		ID: "x", UID: 1001, GID: 1002, Hostname: "fn", CodeDir: "/code", OptDir: "/layers",
		RuntimeDirs: []Mount{{Source: "/py", Target: "/var/lang"}, {Source: file, Target: "/var/lang/bin/extra"}, {Source: "/rt", Target: "/var/runtime"}},
	}
	p := planEnv(host, s, "10.0.0.1 db\n")
	assert.Equal(t, host.Links, p.Links)
	assert.Equal(t, []bindPlan{
		{Source: "/usr", Path: "usr", Dir: true, Attrs: roAttrs},
		{Source: "/code", Path: "var/task", Dir: true, Attrs: roAttrs},
		{Source: "/layers", Path: "opt", Dir: true, Attrs: roAttrs},
		{Source: "/py", Path: "var/lang", Dir: false, Attrs: roAttrs}, // /py does not exist on this host
		{Source: file, Path: "var/lang/bin/extra", Attrs: roAttrs},
		{Source: "/rt", Path: "var/runtime", Attrs: roAttrs},
	}, p.Binds)
	assert.Len(t, host.Binds, 1, "the cached host plan is not modified")
	assert.Empty(t, p.Dirs)
	files := map[string]string{}
	for _, f := range p.Files {
		files[f.Path] = f.Content
	}
	assert.Equal(t, map[string]string{
		"etc/passwd":   "root:x:0:0:root:/root:/sbin/nologin\nsbx_user1001:x:1001:1002::/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n",
		"etc/group":    "root:x:0:\nsbx_user1001:x:1002:\nnogroup:x:65534:\n",
		"etc/hosts":    "127.0.0.1\tlocalhost fn\n::1\tlocalhost ip6-localhost ip6-loopback\n",
		"etc/hostname": "fn\n",
	}, files, "the host's hosts only with its network")

	s.Network, s.OptDir = true, ""
	p = planEnv(host, s, "10.0.0.1 db\n")
	assert.Equal(t, []string{"opt"}, p.Dirs)
	for _, f := range p.Files {
		if f.Path == "etc/hosts" {
			assert.Contains(t, f.Content, "10.0.0.1 db\n")
		}
	}
}

func TestEtcAllowed(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"ssl", "java-17-openjdk", "python3.11", "resolv.conf", "ld.so.cache", "localtime"} {
		assert.True(t, etcIsAllowed(n), n)
	}
	for _, n := range []string{"passwd", "shadow", "gshadow", "sudoers", "ssh", "gureum", "machine-id", "hostname", "hosts", "group"} {
		assert.False(t, etcIsAllowed(n), n)
	}
}
