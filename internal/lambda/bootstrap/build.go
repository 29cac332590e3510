package bootstrap

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// A compiled runtime client: Java's runtime.jar (built by javac) and .NET's
// bootstrap.exe and Amazon.Lambda.Core.dll (built by Mono's mcs). They are
// compiled once per content hash (sources + compiler): kept in memory for
// this process and on disk under the user's cache directory
// ($XDG_CACHE_HOME/gureum/bootstrap/<hash>) for the next ones.
type build struct {
	key     string                                      // family + compiler path and version
	sources map[string][]byte                           // name → content
	compile func(src, out string) error                 // writes the outputs into out
	outputs []string                                    // file names compile writes into out
	post    func(out string) (map[string][]byte, error) // optional: turns out into files
}

var (
	buildMu    sync.Mutex
	buildCache = map[string]map[string][]byte{}
)

func (b *build) hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", b.key)
	names := make([]string, 0, len(b.sources))
	for n := range b.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s %d\n", n, len(b.sources[n]))
		h.Write(b.sources[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// files returns the compiled files, compiling them when neither this
// process nor the disk cache has them.
func (b *build) files() (map[string][]byte, error) {
	hash := b.hash()
	buildMu.Lock()
	defer buildMu.Unlock()
	if f, ok := buildCache[hash]; ok {
		return f, nil
	}
	cacheDir := ""
	if d, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(d, "gureum", "bootstrap", hash)
		if f, err := readAll(cacheDir, b.outputs); err == nil {
			buildCache[hash] = f
			return f, nil
		}
	}
	tmp, err := os.MkdirTemp("", "gureum-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "out")
	for name, content := range b.sources {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	if err := b.compile(src, out); err != nil {
		return nil, err
	}
	var f map[string][]byte
	if b.post != nil {
		f, err = b.post(out)
	} else {
		f, err = readAll(out, b.outputs)
	}
	if err != nil {
		return nil, err
	}
	if cacheDir != "" { // best effort
		if err := os.MkdirAll(filepath.Dir(cacheDir), 0o755); err == nil {
			if stage, err := os.MkdirTemp(filepath.Dir(cacheDir), ".stage-"); err == nil {
				for n, c := range f {
					os.WriteFile(filepath.Join(stage, n), c, 0o644) //nolint:errcheck // checked by readAll next time
				}
				if os.Rename(stage, cacheDir) != nil {
					os.RemoveAll(stage)
				}
			}
		}
	}
	buildCache[hash] = f
	return f, nil
}

func readAll(dir string, names []string) (map[string][]byte, error) {
	f := map[string][]byte{}
	for _, n := range names {
		c, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		f[n] = c
	}
	return f, nil
}

// runTool runs a compiler, returning its output in the error when it fails.
func runTool(dir string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + filepath.Dir(name) + ":/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w: %s", filepath.Base(name), err, strings.TrimSpace(out.String()))
		}
		return nil
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s timed out", filepath.Base(name))
	}
}

// zipDir packs the files under dir into a jar (a zip file).
func zipDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		c, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Store,
			Modified: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		_, err = fw.Write(c)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sourcesUnder returns the embedded files under dir, by path relative to it.
func sourcesUnder(dir string) map[string][]byte {
	out := map[string][]byte{}
	err := fs.WalkDir(embedded, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[strings.TrimPrefix(p, dir+"/")] = mustRead(p)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}
