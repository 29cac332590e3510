package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Go source on provided runtimes. A provided.al2023 or provided.al2 package
// whose root has no bootstrap but has .go files (or a go.mod) is built on
// deploy with the host's Go toolchain: go build -o bootstrap in a copy of
// the package (GOOS=linux, CGO_ENABLED=0, the host's module cache and proxy,
// GOTOOLCHAIN=local so that a go.mod cannot make the host download another
// toolchain). The build runs in the background: a new function is Pending
// until it is done, then Active or Failed (StateReasonCode
// InvalidZipFileException, the compiler's output in StateReason), so `aws
// lambda wait function-active-v2` works; a code update is InProgress
// meanwhile and invocations keep running the previous code, as on Lambda.
// The result is kept beside the package (code/<hex>.go/: the package's
// files and bootstrap), so each source is built once per node.

const (
	goBuildTimeout   = 10 * time.Minute
	maxBuildOutput   = 4096
	goBuildFailedMsg = "The Go source in the deployment package failed to build: "
)

// pendingCode is a package whose Go build is in progress.
type pendingCode struct {
	Sha256        string   `json:"sha256"`
	Hex           string   `json:"hex"`
	Size          int64    `json:"size"`
	Architectures []string `json:"architectures,omitempty"`
	// Create is set while a new function is Pending: $LATEST (and version 1
	// when published at creation) already has this code.
	Create bool `json:"create,omitempty"`
	// Publish asks for a version once an update's build succeeds.
	Publish bool `json:"publish,omitempty"`
}

func isProvided(rt string) bool { return strings.HasPrefix(rt, "provided") }

// goSource reports whether the package unpacked in dir is Go source to
// build: no bootstrap at its root, and a go.mod or .go files there.
func goSource(dir string) bool {
	if fileExists(filepath.Join(dir, "bootstrap")) {
		return false
	}
	if fileExists(filepath.Join(dir, "go.mod")) {
		return true
	}
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(m) > 0
}

// goCommand finds the go command CreateFunction and UpdateFunctionCode need
// for Go source.
func (s *Service) goCommand(runtimeID string) (string, error) {
	name := s.opts.GoCommand
	if name == "" {
		name = "go"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", errorf(KindInvalidParameterValue, "The deployment package has Go source and no bootstrap executable, and this gureum host cannot build it for %s: the Go toolchain was not found (%v). Install Go on the host, or upload a package with a built bootstrap.", runtimeID, err)
	}
	return p, nil
}

// needsGoBuild reports whether a stored package is Go source not built yet
// on this node.
func (c *codeStore) needsGoBuild(hexSum string) (bool, error) {
	if fileExists(filepath.Join(c.goDir(hexSum), ".complete")) {
		return false, nil
	}
	dir, err := c.unpacked(hexSum)
	if err != nil {
		return false, err
	}
	return goSource(dir), nil
}

func (c *codeStore) goDir(hexSum string) string { return filepath.Join(c.dir, hexSum+".go") }

// goBuildError is a failed build: the toolchain's output.
type goBuildError struct{ output string }

func (e *goBuildError) Error() string { return goBuildFailedMsg + e.output }

// goBuilt returns the directory holding the package's files and its built
// bootstrap, building it first if needed. Concurrent calls for one package
// share one build.
func (c *codeStore) goBuilt(goCmd, hexSum string) (string, error) {
	dir := c.goDir(hexSum)
	if fileExists(filepath.Join(dir, ".complete")) {
		return dir, nil
	}
	c.buildMu.Lock()
	if c.building == nil {
		c.building = map[string]*sync.Mutex{}
	}
	m := c.building[hexSum]
	if m == nil {
		m = &sync.Mutex{}
		c.building[hexSum] = m
	}
	c.buildMu.Unlock()
	m.Lock()
	defer m.Unlock()
	if fileExists(filepath.Join(dir, ".complete")) {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(c.dir, hexSum+".go.*.tmp")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := c.extractWritable(hexSum, tmp); err != nil {
		return "", err
	}
	if err := buildGo(goCmd, tmp); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o444); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// extractWritable unpacks a stored package into dir with files the build
// may change (go.sum).
func (c *codeStore) extractWritable(hexSum, dir string) error {
	zr, err := zip.OpenReader(c.zipPath(hexSum))
	if err != nil {
		return fmt.Errorf("code %s: %w", hexSum, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if err := extract(dir, f); err != nil {
			return err
		}
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chmod(p, info.Mode().Perm()|0o200)
	})
}

// buildGo builds the main package at the root of dir into dir/bootstrap.
func buildGo(goCmd, dir string) error {
	env := append(os.Environ(), "GOOS=linux", "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOWORK=off")
	run := func(args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), goBuildTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ctx.Err() != nil {
			return &goBuildError{output: fmt.Sprintf("go %s timed out after %s", args[0], goBuildTimeout)}
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			text := strings.TrimSpace(out.String())
			if len(text) > maxBuildOutput {
				text = text[:maxBuildOutput] + "..."
			}
			return &goBuildError{output: text}
		}
		return err
	}
	if !fileExists(filepath.Join(dir, "go.mod")) {
		// A main package without a module: make one, requiring what it
		// imports.
		if err := run("mod", "init", "bootstrap"); err != nil {
			return err
		}
		if err := run("mod", "tidy"); err != nil {
			return err
		}
	}
	mod := "-mod=mod"
	if fileExists(filepath.Join(dir, "vendor", "modules.txt")) {
		mod = "-mod=vendor"
	}
	if err := run("build", mod, "-trimpath", "-o", "bootstrap", "."); err != nil {
		return err
	}
	return os.Chmod(filepath.Join(dir, "bootstrap"), 0o755)
}

// goBuilds tracks the background builds this process runs, so that each
// function's build runs once.
type goBuilds struct {
	mu      sync.Mutex
	running map[string]bool
}

// startGoBuild builds a function's pending code in the background and
// records the outcome in its document.
func (s *Service) startGoBuild(sc Scope, name string, p pendingCode) {
	key := sc.Account + "/" + sc.Region + "/" + name + "@" + p.Hex
	b := &s.goBuilds
	b.mu.Lock()
	if b.running == nil {
		b.running = map[string]bool{}
	}
	if b.running[key] {
		b.mu.Unlock()
		return
	}
	b.running[key] = true
	b.mu.Unlock()
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.running, key)
			b.mu.Unlock()
		}()
		var buildErr error
		goCmd, err := s.goCommand("provided")
		if err == nil {
			_, buildErr = s.code.goBuilt(goCmd, p.Hex)
		} else {
			buildErr = err
		}
		if err := s.finishGoBuild(sc, name, p, buildErr); err != nil && !errors.Is(err, errBuildSuperseded) && !errors.Is(err, ErrNotFound) {
			s.log.Warn("record Go build result", "function", name, "err", err)
		}
	}()
}

var errBuildSuperseded = errors.New("build superseded")

// finishGoBuild moves a function out of Pending (or its update out of
// InProgress) once its Go build is done.
func (s *Service) finishGoBuild(sc Scope, name string, p pendingCode, buildErr error) error {
	reason, code := "", ""
	if buildErr != nil {
		var ge *goBuildError
		var le *Error
		switch {
		case errors.As(buildErr, &ge):
			reason = ge.Error()
		case errors.As(buildErr, &le):
			reason = le.Message
		default:
			reason = goBuildFailedMsg + buildErr.Error()
		}
		code = "InvalidZipFileException"
	}
	_, err := s.update(context.Background(), sc, name, func(doc *functionDoc) error {
		if doc.PendingCode == nil || doc.PendingCode.Hex != p.Hex {
			return errBuildSuperseded
		}
		doc.PendingCode = nil
		if p.Create {
			settle := func(c *FunctionConfiguration) {
				c.StateReason, c.StateReasonCode = reason, code
				c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = reason, code
				if buildErr == nil {
					c.State, c.LastUpdateStatus = "Active", "Successful"
				} else {
					c.State, c.LastUpdateStatus = "Failed", "Failed"
				}
			}
			settle(&doc.Latest)
			for i := range doc.Versions {
				if v := &doc.Versions[i]; v.State == "Pending" && v.CodeSha256 == p.Sha256 {
					settle(v)
				}
			}
			return nil
		}
		c := &doc.Latest
		if buildErr != nil {
			c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "Failed", reason, code
			return nil
		}
		c.CodeSha256, c.CodeSize = p.Sha256, p.Size
		if len(p.Architectures) == 1 {
			c.Architectures = p.Architectures
		}
		c.LastModified = s.stamp()
		c.RevisionID = uuid.NewString()
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "Successful", "", ""
		if p.Publish {
			doc.publish("", s.stamp())
		}
		return nil
	})
	return err
}

// resumeGoBuild restarts the build of a function's pending code when this
// process is not running it (gureum restarted meanwhile, or another node
// accepted the code).
func (s *Service) resumeGoBuild(sc Scope, name string, doc *functionDoc) {
	if doc.PendingCode != nil {
		s.startGoBuild(sc, name, *doc.PendingCode)
	}
}

// errUpdateInProgress is Lambda's answer to a change while a function is
// being created or updated.
func errUpdateInProgress(doc *functionDoc) error {
	if doc.Latest.State == "Pending" {
		return errorf(KindResourceConflict, "The operation cannot be performed at this time. The function is currently in the following state: Pending")
	}
	return errorf(KindResourceConflict, "The operation cannot be performed at this time. An update is in progress for resource: %s", doc.Latest.FunctionArn)
}

// runnableCode returns the directory to run a stored package from: the
// package itself, or for Go source on a provided runtime, the package with
// its built bootstrap (built now if this node has not built it yet).
func (s *Service) runnableCode(cfg *FunctionConfiguration, dir, hexSum string) (string, error) {
	if !isProvided(cfg.Runtime) {
		return dir, nil
	}
	if d, ok := s.code.runnable.Load(hexSum); ok { // the warm path: no stat
		return d.(string), nil
	}
	if !goSource(dir) {
		s.code.runnable.Store(hexSum, dir)
		return dir, nil
	}
	goCmd, err := s.goCommand(cfg.Runtime)
	if err != nil {
		return "", err
	}
	built, err := s.code.goBuilt(goCmd, hexSum)
	var ge *goBuildError
	if errors.As(err, &ge) {
		return "", errorf(KindInvalidParameterValue, "%s", ge.Error())
	}
	if err == nil {
		s.code.runnable.Store(hexSum, built)
	}
	return built, err
}

// pendingGoBuild returns the build a new package needs before it can run on
// runtimeID, or nil when it needs none (not a provided runtime, not Go
// source, or built on this node already). Without a Go toolchain it fails.
func (s *Service) pendingGoBuild(runtimeID string, info codeInfo, hotDir string) (*pendingCode, error) {
	if hotDir != "" || !isProvided(runtimeID) {
		return nil, nil
	}
	need, err := s.code.needsGoBuild(info.Hex)
	if err != nil || !need {
		return nil, err
	}
	if _, err := s.goCommand(runtimeID); err != nil {
		return nil, err
	}
	return &pendingCode{Sha256: info.Sha256, Hex: info.Hex, Size: info.Size}, nil
}

// deferCodeUpdate records an UpdateFunctionCode whose Go source must be
// built first: the update is InProgress and $LATEST keeps running its
// previous code until finishGoBuild applies it. A Failed function is
// Pending again instead. out is the response (showing the new code);
// *started is set to the build to start once the document is saved.
func (s *Service) deferCodeUpdate(doc *functionDoc, p *pendingCode, in *UpdateFunctionCodeInput, out *FunctionConfiguration, started **pendingCode) error {
	p.Architectures, p.Publish = in.Architectures, in.Publish
	c := &doc.Latest
	if c.State == "Failed" {
		p.Create = true
		c.CodeSha256, c.CodeSize = p.Sha256, p.Size
		if len(in.Architectures) == 1 {
			c.Architectures = in.Architectures
		}
		c.LastModified, c.RevisionID = s.stamp(), uuid.NewString()
		c.State, c.StateReason, c.StateReasonCode = "Pending", "The function is being created.", "Creating"
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "InProgress", "The function is being created.", "Creating"
		*out = *c
	} else {
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "InProgress", "", ""
		*out = *c
		out.CodeSha256, out.CodeSize = p.Sha256, p.Size
	}
	doc.PendingCode = p
	*started = p
	return nil
}
