// Package config holds gureum's server configuration: defaults, how flags
// and environment variables fill it, and validation with field-scoped
// errors.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// Config is the server configuration.
type Config struct {
	// Addr is the listen address (host:port). Default 127.0.0.1:4566.
	Addr string
	// DataDir holds the SQLite database and function code. Default
	// $XDG_DATA_HOME/gureum (or ~/.local/share/gureum).
	DataDir string
	// Store selects the store: empty for SQLite in DataDir, or a
	// postgres:// URL.
	Store string
	// Auth forces SigV4 verification. It is on by itself for a non-loopback
	// Addr.
	Auth bool
	// AccessKeys maps access key IDs to secrets (GUREUM_ACCESS_KEYS=id:secret,...).
	AccessKeys map[string]string
	// LogLevel and LogFormat ("text" or "json") configure logging.
	LogLevel  slog.Level
	LogFormat string
	// SFNMockConfig is a Step Functions Local mock configuration file; an
	// execution picks a test case with "stateMachineArn#TestCase" in
	// StartExecution. Off when empty.
	SFNMockConfig string
	// WaitScale multiplies real waiting in Wait states and retry backoff:
	// 1 is real time, 0 does not wait (tests). Histories keep real times.
	WaitScale float64
	// MaxProcesses caps the processes and threads of one function
	// environment (its cgroup's pids limit). Default 1024, Lambda's quota.
	MaxProcesses int
}

// DefaultAddr is LocalStack's port, so existing setups switch unchanged.
const DefaultAddr = "127.0.0.1:4566"

// DefaultMaxProcesses is Lambda's quota of processes and threads per
// execution environment.
const DefaultMaxProcesses = 1024

// Default returns the configuration with every default filled in from env.
func Default(getenv func(string) string) Config {
	c := Config{Addr: DefaultAddr, DataDir: defaultDataDir(getenv), LogLevel: slog.LevelInfo, LogFormat: "text", WaitScale: 1,
		MaxProcesses: DefaultMaxProcesses}
	return c
}

func defaultDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gureum")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "gureum")
	}
	return filepath.Join(os.TempDir(), "gureum")
}

// FieldError is a validation error naming the field (flag) at fault.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Bind registers the server flags on fs, writing into c.
func (c *Config) Bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address `host:port`")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `directory` (SQLite database, function code)")
	fs.StringVar(&c.Store, "store", c.Store, "store: empty for SQLite in the data directory, or a postgres:// `URL`")
	fs.BoolVar(&c.Auth, "auth", c.Auth, "require SigV4 signatures by a key in GUREUM_ACCESS_KEYS (always on for non-loopback addresses)")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "log `level`: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: text or json")
	fs.StringVar(&c.SFNMockConfig, "sfn-mock-config", c.SFNMockConfig, "Step Functions Local mock configuration `file` (StartExecution with stateMachineArn#TestCase uses it)")
	fs.Float64Var(&c.WaitScale, "wait-scale", c.WaitScale, "scale of real waiting in Wait states and retry backoff (0: none; for tests)")
	fs.IntVar(&c.MaxProcesses, "max-processes", c.MaxProcesses, "processes and threads one function environment may run (`n`, Lambda's quota: 1024)")
}

// FromEnv fills fields from GUREUM_* environment variables. Flags parsed
// afterwards override them.
func (c *Config) FromEnv(getenv func(string) string) error {
	if v := getenv("GUREUM_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("GUREUM_DATA"); v != "" {
		c.DataDir = v
	}
	if v := getenv("GUREUM_STORE"); v != "" {
		c.Store = v
	}
	if v := getenv("SFN_MOCK_CONFIG"); v != "" { // LocalStack's variable
		c.SFNMockConfig = v
	}
	if v := getenv("GUREUM_ACCESS_KEYS"); v != "" {
		keys, err := ParseAccessKeys(v)
		if err != nil {
			return &FieldError{Field: "GUREUM_ACCESS_KEYS", Err: err}
		}
		c.AccessKeys = keys
	}
	return nil
}

// ParseAccessKeys parses "id:secret,id2:secret2".
func ParseAccessKeys(s string) (map[string]string, error) {
	keys := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, secret, ok := strings.Cut(pair, ":")
		if !ok || id == "" || secret == "" {
			return nil, errors.New("want id:secret pairs separated by commas")
		}
		keys[id] = secret
	}
	return keys, nil
}

// Loopback reports whether Addr binds only loopback interfaces.
func (c *Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AuthRequired reports whether SigV4 signatures are verified.
func (c *Config) AuthRequired() bool { return c.Auth || !c.Loopback() }

// Validate checks the configuration; errors are *FieldError.
func (c *Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return &FieldError{Field: "addr", Err: fmt.Errorf("%q is not host:port", c.Addr)}
	}
	if c.Store == "" && c.DataDir == "" {
		return &FieldError{Field: "data", Err: errors.New("a data directory is needed for the SQLite store")}
	}
	if c.Store != "" && !strings.HasPrefix(c.Store, "postgres://") && !strings.HasPrefix(c.Store, "postgresql://") {
		return &FieldError{Field: "store", Err: fmt.Errorf("%q: want empty (SQLite) or a postgres:// URL", c.Store)}
	}
	if c.AuthRequired() && len(c.AccessKeys) == 0 {
		why := "--auth is set"
		if !c.Loopback() {
			why = c.Addr + " is not a loopback address"
		}
		return &FieldError{Field: "GUREUM_ACCESS_KEYS", Err: fmt.Errorf("signatures are verified because %s, but no access keys are configured (GUREUM_ACCESS_KEYS=id:secret)", why)}
	}
	if c.WaitScale < 0 {
		return &FieldError{Field: "wait-scale", Err: fmt.Errorf("%v: must be 0 or more", c.WaitScale)}
	}
	if c.MaxProcesses < 16 || c.MaxProcesses > 1<<20 {
		return &FieldError{Field: "max-processes", Err: fmt.Errorf("%d: want 16 to %d", c.MaxProcesses, 1<<20)}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &FieldError{Field: "log-format", Err: fmt.Errorf("%q: want text or json", c.LogFormat)}
	}
	return nil
}
