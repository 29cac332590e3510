package bootstrap

import (
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Start describes the start of one execution environment. Paths are as the
// runtime process sees them; the zero values are Lambda's own (/var/runtime,
// /var/task, the Runtime's Interpreter).
type Start struct {
	RuntimeDir  string // where Materialize wrote the runtime client; default /var/runtime
	TaskRoot    string // the function's code; default /var/task
	Interpreter string // the interpreter's path; default Runtime.Interpreter (the host path)

	RuntimeAPI string // host:port of the environment's runtimeapi.Server (AWS_LAMBDA_RUNTIME_API)

	FunctionName    string
	FunctionVersion string // "$LATEST" when empty
	Handler         string // _HANDLER
	MemoryMB        int    // AWS_LAMBDA_FUNCTION_MEMORY_SIZE; 128 when 0
	Region          string // AWS_REGION and AWS_DEFAULT_REGION; us-east-1 when empty
	LogGroupName    string // default /aws/lambda/<FunctionName>
	LogStreamName   string // default YYYY/MM/DD/[<version>]<32 hex digits>

	// Environment is the function's own variables. They cannot override
	// reserved variables (see IsReserved); they can override or extend the
	// others (PATH, LANG, TZ, NODE_PATH, PYTHONPATH, ...), as on Lambda.
	Environment map[string]string
	// Service is what the Lambda service sets besides: credentials
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
	// AWS_ENDPOINT_URL, ... These override everything.
	Service map[string]string
}

func (s *Start) runtimeDir() string { return or(s.RuntimeDir, DefaultRuntimeDir) }
func (s *Start) taskRoot() string   { return or(s.TaskRoot, DefaultTaskRoot) }
func (s *Start) interpreter(r *Runtime) string {
	return or(s.Interpreter, r.Interpreter)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// reservedEnv are the variables Lambda sets that functions cannot override.
var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

// ReservedEnv returns the names of the environment variables that Lambda
// reserves: CreateFunction refuses them in a function's configuration.
func ReservedEnv() []string { return slices.Clone(reservedEnv) }

// IsReserved reports whether Lambda reserves the environment variable key.
func IsReserved(key string) bool { return slices.Contains(reservedEnv, key) }

// Environ returns the environment of the runtime process, as "KEY=value"
// strings sorted by key: Lambda's variables (with paths from s), the
// runtime's own (AWS_EXECUTION_ENV, NODE_PATH, PYTHONPATH, GEM_PATH,
// RUBYLIB), then
// s.Environment and s.Service.
func (r *Runtime) Environ(s *Start) []string {
	rt, task := s.runtimeDir(), s.taskRoot()
	version := or(s.FunctionVersion, "$LATEST")
	memory := s.MemoryMB
	if memory == 0 {
		memory = 128
	}
	region := or(s.Region, "us-east-1")
	logStream := s.LogStreamName
	if logStream == "" {
		logStream = LogStreamName(time.Now(), version)
	}

	path := "/usr/local/bin:/usr/bin/:/bin:/opt/bin"
	if interp := s.interpreter(r); interp != "" {
		path = filepath.Dir(interp) + ":" + path
	}
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        s.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION":     version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(memory),
		"AWS_LAMBDA_LOG_GROUP_NAME":       or(s.LogGroupName, "/aws/lambda/"+s.FunctionName),
		"AWS_LAMBDA_LOG_STREAM_NAME":      logStream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_RUNTIME_API":          s.RuntimeAPI,
		"AWS_REGION":                      region,
		"AWS_DEFAULT_REGION":              region,
		"_HANDLER":                        s.Handler,
		"LAMBDA_TASK_ROOT":                task,
		"LAMBDA_RUNTIME_DIR":              rt,
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            path,
		"LD_LIBRARY_PATH": strings.Join([]string{DefaultLangDir + "/lib", "/lib64", "/usr/lib64", rt, rt + "/lib",
			task, task + "/lib", "/opt/lib"}, ":"),
	}
	switch r.Family {
	case FamilyNode:
		major := strings.TrimSuffix(strings.TrimPrefix(r.ID, "nodejs"), ".x")
		env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + r.ID
		nodePath := []string{"/opt/nodejs/node" + major + "/node_modules", "/opt/nodejs/node_modules",
			rt + "/node_modules", rt, task}
		if r.SDKPath != "" {
			nodePath = append(nodePath, r.SDKPath)
		}
		env["NODE_PATH"] = strings.Join(nodePath, ":")
	case FamilyPython:
		env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + r.ID
		env["PYTHONPATH"] = rt
	case FamilyJava, FamilyDotnet:
		env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + r.ID
	case FamilyRuby:
		abi := minorOf(r.Version) + ".0" // the host Ruby's gem directory name
		env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + r.ID
		env["GEM_PATH"] = strings.Join([]string{task + "/vendor/bundle/ruby/" + abi, "/opt/ruby/gems/" + abi}, ":")
		env["RUBYLIB"] = strings.Join([]string{task, rt + "/lib", "/opt/ruby/lib"}, ":")
	}
	for k, v := range s.Environment {
		if !IsReserved(k) {
			env[k] = v
		}
	}
	for k, v := range s.Service {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// LogStreamName returns a new log stream name in Lambda's format,
// "2006/01/02/[$LATEST]" followed by 32 random hex digits.
func LogStreamName(now time.Time, version string) string {
	var b [16]byte
	rand.Read(b[:])
	return now.UTC().Format("2006/01/02") + "/[" + version + "]" + hex.EncodeToString(b[:])
}
