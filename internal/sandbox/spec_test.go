//go:build unix

package sandbox

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	code := t.TempDir()
	file := filepath.Join(code, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	base := Spec{ID: "fn-1", Path: "/var/task/bootstrap", UID: 1001, GID: 1001, CodeDir: code}

	s, err := base.normalize()
	require.NoError(t, err)
	assert.Equal(t, DefaultDir, s.Dir)
	assert.Equal(t, DefaultTmpMB, s.TmpMB)
	assert.Equal(t, DefaultPidsMax, s.PidsMax)
	assert.Equal(t, DefaultHostname, s.Hostname)
	assert.Equal(t, DefaultCgroupParent, s.CgroupParent)
	assert.Equal(t, 0, s.MemoryMB, "no memory limit unless asked")

	for name, edit := range map[string]func(*Spec){
		"empty ID":              func(s *Spec) { s.ID = "" },
		"ID with slash":         func(s *Spec) { s.ID = "a/b" },
		"ID ..":                 func(s *Spec) { s.ID = ".." },
		"long ID":               func(s *Spec) { s.ID = string(make([]byte, 129)) },
		"no Path":               func(s *Spec) { s.Path = "" },
		"root":                  func(s *Spec) { s.UID = 0 },
		"root group":            func(s *Spec) { s.GID = 0 },
		"negative uid":          func(s *Spec) { s.UID = -1 },
		"relative Dir":          func(s *Spec) { s.Dir = "task" },
		"relative CodeDir":      func(s *Spec) { s.CodeDir = "code" },
		"missing CodeDir":       func(s *Spec) { s.CodeDir = "/nonexistent" },
		"CodeDir is a file":     func(s *Spec) { s.CodeDir = file },
		"missing OptDir":        func(s *Spec) { s.OptDir = "/nonexistent" },
		"target in /etc":        func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/etc/x"}} },
		"target /usr":           func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/usr"}} },
		"target in /var/task":   func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/var/task/x"}} },
		"target in /opt w/ opt": func(s *Spec) { s.OptDir = code; s.RuntimeDirs = []Mount{{code, "/opt/x"}} },
		"target /":              func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/"}} },
		"unclean target":        func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/var/lang/../etc"}} },
		"relative target":       func(s *Spec) { s.RuntimeDirs = []Mount{{code, "var/lang"}} },
		"twice":                 func(s *Spec) { s.RuntimeDirs = []Mount{{code, "/var/lang"}, {code, "/var/lang"}} },
		"negative memory":       func(s *Spec) { s.MemoryMB = -1 },
		"bad hostname":          func(s *Spec) { s.Hostname = "a b" },
		"absolute parent":       func(s *Spec) { s.CgroupParent = "/gureum" },
		"escaping parent":       func(s *Spec) { s.CgroupParent = "../x" },
		"NUL in env":            func(s *Spec) { s.Env = []string{"A=\x00"} },
		"env without =":         func(s *Spec) { s.Env = []string{"A"} },
	} {
		t.Run(name, func(t *testing.T) {
			s := base
			edit(&s)
			_, err := s.normalize()
			assert.ErrorIs(t, err, ErrInvalidSpec)
		})
	}

	ok := base
	ok.OptDir = code
	ok.RuntimeDirs = []Mount{{code, "/var/lang"}, {file, "/var/runtime/bootstrap"}, {code, "/lambda"}}
	_, err = ok.normalize()
	assert.NoError(t, err)
	ok.OptDir = ""
	ok.RuntimeDirs = []Mount{{code, "/opt/extension"}}
	_, err = ok.normalize()
	assert.NoError(t, err, "/opt is free without OptDir")
}

func TestShmMB(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 64, Spec{}.shmMB())
	assert.Equal(t, 64, Spec{MemoryMB: 1024}.shmMB())
	assert.Equal(t, 32, Spec{MemoryMB: 32}.shmMB())
}

func TestExitString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "exit status 0", Exit{}.String())
	assert.Equal(t, "exit status 2", Exit{Code: 2}.String())
	assert.Equal(t, "signal: killed", Exit{Code: -1, Signal: syscall.SIGKILL, OOMKilled: true}.String())
}
