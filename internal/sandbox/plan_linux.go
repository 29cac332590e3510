package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// The root file system is planned on the host, where the information is
// cached across starts, and executed by the sandbox init, which then does
// nothing but mkdir, symlink, mount and write: every path it touches is in
// the plan.

// rootPlan is the part of the sandbox's root taken from the host. Paths
// (Path, Target) are relative to the new root.
type rootPlan struct {
	Links []linkPlan
	Binds []bindPlan
	Files []filePlan // written into the root (0644)
	Dirs  []string   // empty directories
}

type linkPlan struct{ Path, Target string }

// bindPlan is a bind mount of the host path Source (a directory if Dir, else
// a file) at Path with the MOUNT_ATTR_* flags in Attrs.
type bindPlan struct {
	Source, Path string
	Dir          bool
	Attrs        uint64
}

type filePlan struct{ Path, Content string }

// systemDirs are bound read-only from the host, or recreated as symlinks
// where the host has merged them into /usr.
var systemDirs = []string{"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"}

// etcAllowed are the host /etc entries (filepath.Match patterns) visible in
// the sandbox: what runtimes and common libraries read. Everything else of
// the host's /etc stays hidden; passwd, group, hosts and hostname are
// generated.
var etcAllowed = []string{
	"alternatives", "ca-certificates", "ca-certificates.conf", "crypto-policies", "pki", "ssl",
	"ld.so.cache", "ld.so.conf", "ld.so.conf.d",
	"nsswitch.conf", "host.conf", "gai.conf", "resolv.conf", "protocols", "services", "networks", "rpc",
	"localtime", "timezone", "locale.alias", "locale.conf", "default-locale",
	"os-release", "lsb-release", "debian_version", "redhat-release", "system-release", "alpine-release",
	"java-*", "jvm", "python3", "python3.*", "mono", "ImageMagick-*", "fonts",
	"mime.types", "magic", "magic.mime", "terminfo", "inputrc", "xml", "sgml", "mtab",
}

// devNodes are the host device nodes bound into /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

const (
	roAttrs  = mountAttrRdonly | mountAttrNosuid | mountAttrNodev
	devAttrs = mountAttrRdonly | mountAttrNosuid | mountAttrNoexec
)

func etcIsAllowed(name string) bool {
	for _, p := range etcAllowed {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// planHost plans what every sandbox takes from the host under hostRoot
// ("/" except in tests): system directories, /etc entries, device nodes.
func planHost(hostRoot string) (rootPlan, error) {
	var p rootPlan
	host := func(rel string) string { return filepath.Join(hostRoot, rel) }
	for _, d := range systemDirs {
		fi, err := os.Lstat(host(d))
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			t, err := os.Readlink(host(d))
			if err != nil {
				return rootPlan{}, err
			}
			p.Links = append(p.Links, linkPlan{d, t})
		case fi.IsDir():
			p.Binds = append(p.Binds, bindPlan{Source: host(d), Path: d, Dir: true, Attrs: roAttrs})
		}
	}
	entries, err := os.ReadDir(host("etc"))
	if err != nil {
		return rootPlan{}, err
	}
	for _, e := range entries {
		name := e.Name()
		if !etcIsAllowed(name) {
			continue
		}
		src, dst := host("etc/"+name), "etc/"+name
		if e.Type()&os.ModeSymlink != 0 {
			t, err := os.Readlink(src)
			if err != nil {
				return rootPlan{}, err
			}
			// A link that stays within what the sandbox has keeps working
			// (and keeps its meaning, e.g. localtime's zone name). Others
			// (resolv.conf -> /run/...) are bound as what they lead to.
			abs := t
			if !filepath.IsAbs(t) {
				abs = filepath.Join("/etc", t)
			}
			if within(abs, "/usr") || within(abs, "/proc") || (within(abs, "/etc") && etcIsAllowed(strings.Split(strings.TrimPrefix(abs, "/etc/"), "/")[0])) {
				p.Links = append(p.Links, linkPlan{dst, t})
				continue
			}
		}
		fi, err := os.Stat(src)
		if err != nil {
			continue // dangling link
		}
		if fi.IsDir() || fi.Mode().IsRegular() {
			p.Binds = append(p.Binds, bindPlan{Source: src, Path: dst, Dir: fi.IsDir(), Attrs: roAttrs})
		}
	}
	for _, n := range devNodes {
		if fi, err := os.Stat(host("dev/" + n)); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.Binds = append(p.Binds, bindPlan{Source: host("dev/" + n), Path: "dev/" + n, Attrs: devAttrs})
		}
	}
	for _, l := range [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}} {
		p.Links = append(p.Links, linkPlan{"dev/" + l[0], l[1]})
	}
	return p, nil
}

// planEnv completes the host plan for one environment (normalized s).
// hostHosts is the host's /etc/hosts, kept when sharing its network.
func planEnv(host rootPlan, s Spec, hostHosts string) rootPlan {
	p := rootPlan{Links: host.Links, Binds: slices.Clip(host.Binds)}
	p.Binds = append(p.Binds, bindPlan{Source: s.CodeDir, Path: "var/task", Dir: true, Attrs: roAttrs})
	if s.OptDir != "" {
		p.Binds = append(p.Binds, bindPlan{Source: s.OptDir, Path: "opt", Dir: true, Attrs: roAttrs})
	} else {
		p.Dirs = append(p.Dirs, "opt")
	}
	mounts := slices.Clone(s.RuntimeDirs)
	slices.SortFunc(mounts, func(a, b Mount) int { return strings.Compare(a.Target, b.Target) })
	for _, m := range mounts {
		p.Binds = append(p.Binds, bindPlan{Source: m.Source, Path: strings.TrimPrefix(m.Target, "/"), Dir: isDir(m.Source), Attrs: roAttrs})
	}
	user := fmt.Sprintf("sbx_user%d", s.UID)
	hosts := "127.0.0.1\tlocalhost " + s.Hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	if s.Network {
		// Sharing the host's network: keep the names it resolves locally.
		hosts += hostHosts
	}
	p.Files = []filePlan{
		{"etc/passwd", fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d::/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n", user, s.UID, s.GID)},
		{"etc/group", fmt.Sprintf("root:x:0:\n%s:x:%d:\nnogroup:x:65534:\n", user, s.GID)},
		{"etc/hosts", hosts},
		{"etc/hostname", s.Hostname + "\n"},
	}
	return p
}

// hostPlans caches planHost("/"); it is recomputed when / or /etc changes
// (an entry added, removed or replaced changes the directory's mtime).
var hostPlans struct {
	sync.Mutex
	stamp [2]time.Time
	plan  rootPlan
	ok    bool
}

func cachedHostPlan() (rootPlan, error) {
	var stamp [2]time.Time
	for i, d := range []string{"/", "/etc"} {
		fi, err := os.Stat(d)
		if err != nil {
			return rootPlan{}, err
		}
		stamp[i] = fi.ModTime()
	}
	hostPlans.Lock()
	defer hostPlans.Unlock()
	if hostPlans.ok && hostPlans.stamp == stamp {
		return hostPlans.plan, nil
	}
	p, err := planHost("/")
	if err != nil {
		return rootPlan{}, fmt.Errorf("plan root file system: %w", err)
	}
	hostPlans.stamp, hostPlans.plan, hostPlans.ok = stamp, p, true
	return p, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
