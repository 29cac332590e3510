package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Code limits, as Lambda's quotas state them.
const (
	MaxZipBytes      = 50 * 1024 * 1024  // direct upload
	MaxUnzippedBytes = 250 * 1024 * 1024 // 262144000 bytes
)

// codeStore keeps deployment packages content-addressed under dir/code:
// <hex sha256>.zip, unpacked once into <hex sha256>/.
type codeStore struct {
	dir   string
	mu    sync.Mutex // serializes unpacking
	ready sync.Map   // hex sha256 → unpacked directory (never removed)

	buildMu  sync.Mutex             // guards building
	building map[string]*sync.Mutex // per package: one Go build at a time (gobuild.go)
	runnable sync.Map               // hex -> directory a provided runtime runs it from (gobuild.go)
}

func newCodeStore(dataDir string) (*codeStore, error) {
	if dataDir == "" {
		d, err := os.MkdirTemp("", "gureum-code-")
		if err != nil {
			return nil, err
		}
		dataDir = d
	}
	// Absolute: the sandbox binds code and runtimes by absolute path (a
	// relative --data used to fail every invocation).
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("code store: %w", err)
	}
	dir := filepath.Join(dataDir, "code")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("code store: %w", err)
	}
	return &codeStore{dir: dir}, nil
}

// codeInfo describes a stored package.
type codeInfo struct {
	Sha256   string // base64 of the zip's SHA-256, as CodeSha256
	Hex      string
	Size     int64
	Unzipped int64 // total size of the files
}

var errBadZip = errors.New("Could not unzip uploaded file. Please check your file, then try to upload again.")

// put validates and stores a zip, returning its identity. The zip is
// unpacked right away (so a bad one is refused at upload, as Lambda does).
func (c *codeStore) put(zipBytes []byte) (codeInfo, error) {
	if len(zipBytes) > MaxZipBytes {
		return codeInfo{}, errorf(KindRequestTooLarge, "Request must be smaller than %d bytes for the CreateFunction operation", MaxZipBytes)
	}
	sum := sha256.Sum256(zipBytes)
	info := codeInfo{Sha256: base64.StdEncoding.EncodeToString(sum[:]), Hex: hex.EncodeToString(sum[:]), Size: int64(len(zipBytes))}
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		return codeInfo{}, errorf(KindInvalidParameterValue, "%s", errBadZip)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > MaxUnzippedBytes {
		return codeInfo{}, errorf(KindInvalidParameterValue, "Unzipped size must be smaller than %d bytes", MaxUnzippedBytes)
	}
	info.Unzipped = int64(total)
	zipPath := filepath.Join(c.dir, info.Hex+".zip")
	if _, err := os.Stat(zipPath); err != nil {
		if err := writeAtomic(zipPath, zipBytes); err != nil {
			return codeInfo{}, err
		}
	}
	if _, err := c.unpacked(info.Hex); err != nil {
		return codeInfo{}, err
	}
	return info, nil
}

// zipPath returns the stored zip of a package.
func (c *codeStore) zipPath(hexSum string) string { return filepath.Join(c.dir, hexSum+".zip") }

// unpacked returns the directory holding the package's files, unpacking it
// on first use. Files are world-readable and read-only; the tree is shared by
// every environment of every version with that code.
func (c *codeStore) unpacked(hexSum string) (string, error) {
	if dir, ok := c.ready.Load(hexSum); ok { // every warm invocation: no stat
		return dir.(string), nil
	}
	dir := filepath.Join(c.dir, hexSum)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		c.ready.Store(hexSum, dir)
		return dir, nil
	}
	raw, err := os.ReadFile(c.zipPath(hexSum))
	if err != nil {
		return "", fmt.Errorf("code %s: %w", hexSum, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", errorf(KindInvalidParameterValue, "%s", errBadZip)
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	for _, f := range zr.File {
		if err := extract(tmp, f); err != nil {
			_ = os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o444); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	c.ready.Store(hexSum, dir)
	return dir, nil
}

func extract(root string, f *zip.File) error {
	name := filepath.Clean(filepath.FromSlash(f.Name))
	if name == "." || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
		return errorf(KindInvalidParameterValue, "%s", errBadZip)
	}
	target := filepath.Join(root, name)
	if f.FileInfo().IsDir() {
		return os.MkdirAll(target, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if f.Mode()&os.ModeSymlink != 0 {
		return nil // symlinks could point outside the package; Lambda keeps them, we skip them
	}
	mode := os.FileMode(0o444)
	if f.Mode()&0o111 != 0 {
		mode = 0o555
	}
	rc, err := f.Open()
	if err != nil {
		return errorf(KindInvalidParameterValue, "%s", errBadZip)
	}
	defer rc.Close()
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, MaxUnzippedBytes+1)); err != nil {
		out.Close()
		return errorf(KindInvalidParameterValue, "%s", errBadZip)
	}
	return out.Close()
}

// writeAtomic writes b to path through a temp file of its own, so concurrent
// uploads of the same package never see (or rename) each other's halves.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
