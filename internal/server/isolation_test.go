package server_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
)

// Isolation acceptance tests, through the API: functions try to reach what
// is not theirs, and exhaust what they are given; after each the platform
// must stay healthy. (internal/sandbox tests the mechanisms one by one.)

// probeSource is a Python function that reports what it can see and does
// what it is told.
const probeSource = `
import errno, json, os, socket, subprocess, sys, time

def procs():
    out = []
    for p in sorted(os.listdir("/proc"), key=lambda s: (len(s), s)):
        if p.isdigit():
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    out.append([int(p), f.read().replace(b"\0", b" ").decode().strip()])
            except OSError:
                pass
    return out

def read(path):
    try:
        with open(path) as f:
            return "read: " + f.read()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))

def environs(marker):
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/environ" % p, "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(p))
            except OSError:
                pass
    return found

def runtime_api(addr):
    try:
        s = socket.create_connection(tuple([addr.rsplit(":", 1)[0], int(addr.rsplit(":", 1)[1])]), timeout=3)
    except OSError as e:
        return "connect: " + errno.errorcode.get(e.errno, str(e))
    try:
        s.sendall(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
        data = s.recv(4096)
        return "answered: " + data.decode(errors="replace").split("\r\n")[0] if data else "closed"
    except socket.timeout:
        return "no answer"
    except OSError as e:
        return "closed: " + errno.errorcode.get(e.errno, str(e))
    finally:
        s.close()

def bomb():
    # Every process keeps forking (and starting threads, which count
    # against the same limit and are cheaper on a loaded host), forever.
    import threading, warnings
    warnings.simplefilter("ignore")
    def multiply():
        while True:
            try:
                threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
            except RuntimeError:
                time.sleep(0.2)
            try:
                os.fork()
            except OSError:
                time.sleep(0.2)
    n = 0
    while True:
        try:
            pid = os.fork()
        except OSError as e:
            print("fork bomb stopped after %d forks: %s" % (n, errno.errorcode.get(e.errno)), flush=True)
            os._exit(1)
        if pid == 0:
            multiply()
        n += 1
        if n >= 8:
            time.sleep(0.2)  # the children multiply; try again shortly

def handler(event, context):
    op = event.get("op")
    if op == "whoami":
        try:
            os.setuid(0)
            root = "became root"
        except PermissionError:
            root = "EPERM"
        return {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(), "setuid0": root}
    if op == "procs":
        return {"self": os.getpid(), "procs": procs()}
    if op == "plant":
        with open("/tmp/planted.txt", "w") as f:
            f.write(event["marker"])
        return {"api": os.environ["AWS_LAMBDA_RUNTIME_API"], "pid": os.getpid()}
    if op == "snoop":
        return {"reads": {p: read(p) for p in event["paths"]}, "tmp": sorted(os.listdir("/tmp")),
                "task": sorted(os.listdir("/var/task")), "env": [k for k, v in os.environ.items() if event["marker"] in v],
                "environs": environs(event["marker"])}
    if op == "runtime-api":
        return {"result": runtime_api(event["addr"])}
    if op == "alloc":
        b = b"x" * (event["mb"] << 20)
        return {"allocated": len(b)}
    if op == "bomb":
        bomb()
    if op == "hang":
        subprocess.Popen(["sleep", event["marker"]])
        time.sleep(600)
    return {"ok": True, "pid": os.getpid()}
`

type isolation struct {
	t    *testing.T
	url  string
	data string
	lc   *awslambda.Client
}

func newIsolation(t *testing.T, mutate ...func(*config.Config)) *isolation {
	t.Helper()
	needSandbox(t)
	data := t.TempDir()
	url := start(t, func(c *config.Config) {
		c.DataDir = data
		for _, m := range mutate {
			m(c)
		}
	})
	iso := &isolation{t: t, url: url, data: data, lc: awslambda.NewFromConfig(awsConfig(url, "test", "test"))}
	createFn(t, iso.lc, "canary", lambdatypes.RuntimeNodejs22x, "index.handler",
		map[string]string{"index.js": `exports.handler = async (e) => ({alive: e.n});`}, nil)
	return iso
}

// fn creates a probe function and returns the hex SHA-256 of its code.
func (iso *isolation) fn(name string, files map[string]string, mutate func(*awslambda.CreateFunctionInput)) string {
	all := map[string]string{"probe.py": probeSource}
	for k, v := range files {
		all[k] = v
	}
	createFn(iso.t, iso.lc, name, lambdatypes.RuntimePython312, "probe.handler", all, mutate)
	cfg, err := iso.lc.GetFunctionConfiguration(context.Background(), &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	require.NoError(iso.t, err)
	sum, err := base64.StdEncoding.DecodeString(aws.ToString(cfg.CodeSha256))
	require.NoError(iso.t, err)
	return hex.EncodeToString(sum)
}

// call invokes a function and returns its result, failing on a function
// error.
func (iso *isolation) call(name string, event any, out any) {
	iso.t.Helper()
	res := iso.invoke(name, event)
	require.Nil(iso.t, res.FunctionError, string(res.Payload))
	require.NoError(iso.t, json.Unmarshal(res.Payload, out), string(res.Payload))
}

func (iso *isolation) invoke(name string, event any) *awslambda.InvokeOutput {
	iso.t.Helper()
	payload, err := json.Marshal(event)
	require.NoError(iso.t, err)
	res, err := iso.lc.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String(name), Payload: payload, LogType: lambdatypes.LogTypeTail})
	require.NoError(iso.t, err)
	return res
}

// healthy checks the platform after an attack: the health endpoint answers
// and another function runs.
func (iso *isolation) healthy(n int) {
	iso.t.Helper()
	resp, err := http.Get(iso.url + "/_gureum/health")
	require.NoError(iso.t, err)
	resp.Body.Close()
	require.Equal(iso.t, http.StatusOK, resp.StatusCode)
	var got struct{ Alive int }
	iso.call("canary", map[string]int{"n": n}, &got)
	require.Equal(iso.t, n, got.Alive)
}

func TestIsolationProcessesAndUser(t *testing.T) {
	t.Parallel()
	iso := newIsolation(t)
	iso.fn("probe", nil, nil)

	var who struct {
		UID, EUID, GID int
		Groups         []int
		Setuid0        string
	}
	iso.call("probe", map[string]string{"op": "whoami"}, &who)
	require.NotZero(t, who.UID, "functions run as non-root")
	require.NotZero(t, who.EUID)
	require.NotZero(t, who.GID)
	require.Empty(t, who.Groups)
	require.Equal(t, "EPERM", who.Setuid0)

	var ps struct {
		Self  int
		Procs [][2]any
	}
	iso.call("probe", map[string]string{"op": "procs"}, &ps)
	require.Less(t, ps.Self, 10, "the function has its own PID namespace")
	var cmdlines []string
	for _, p := range ps.Procs {
		cmdlines = append(cmdlines, p[1].(string))
	}
	require.LessOrEqual(t, len(ps.Procs), 2, "only the sandbox's init and the runtime: %q", cmdlines)
	for _, c := range cmdlines {
		require.True(t, strings.HasPrefix(c, "gureum-sandbox-init") || strings.Contains(c, "bootstrap_main.py"), "unexpected process %q", c)
	}
	iso.healthy(1)
}

func TestIsolationBetweenFunctions(t *testing.T) {
	t.Parallel()
	iso := newIsolation(t)
	const marker = "s3cr3t-7d1e0b"
	codeA := iso.fn("victim", map[string]string{"secret.txt": marker}, func(in *awslambda.CreateFunctionInput) {
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"VICTIM_SECRET": marker}}
	})
	iso.fn("attacker", nil, nil)

	var planted struct {
		API string
		PID int
	}
	iso.call("victim", map[string]string{"op": "plant", "marker": marker}, &planted)
	require.NotEmpty(t, planted.API)

	// The victim's code on the host, the data directory, the victim's /tmp
	// and environment: none of it is visible to the attacker.
	hostCode := filepath.Join(iso.data, "code", codeA, "secret.txt")
	_, err := os.Stat(hostCode)
	require.NoError(t, err, "the victim's code is unpacked at %s", hostCode)
	var snoop struct {
		Reads    map[string]string
		TMP      []string
		Task     []string
		Env      []string
		Environs []int
	}
	iso.call("attacker", map[string]any{"op": "snoop", "marker": marker, "paths": []string{
		hostCode, iso.data, "/var/task/secret.txt", "/tmp/planted.txt", fmt.Sprintf("/proc/%d/environ", planted.PID),
		"/proc/1/root/var/task/secret.txt", "/proc/1/environ",
	}}, &snoop)
	for path, got := range snoop.Reads {
		require.NotContains(t, got, marker, "the attacker read %s", path)
	}
	// (The victim's PID may well exist in the attacker's own PID namespace:
	// it is then one of the attacker's processes, without the marker.)
	for _, path := range []string{hostCode, iso.data, "/var/task/secret.txt", "/tmp/planted.txt"} {
		require.Equal(t, "ENOENT", snoop.Reads[path], path)
	}
	require.Contains(t, []string{"ENOENT", "EACCES"}, snoop.Reads["/proc/1/root/var/task/secret.txt"])
	require.NotContains(t, snoop.TMP, "planted.txt", "/tmp is private")
	require.NotContains(t, snoop.Task, "secret.txt", "/var/task is the attacker's own code")
	require.Empty(t, snoop.Env)
	require.Empty(t, snoop.Environs)

	// The victim's Runtime API does not serve the attacker, and the attempt
	// does not disturb the victim.
	var api struct{ Result string }
	iso.call("attacker", map[string]string{"op": "runtime-api", "addr": planted.API}, &api)
	require.False(t, strings.HasPrefix(api.Result, "answered"), "the attacker reached the victim's Runtime API: %s", api.Result)
	var again struct {
		API string
		PID int
	}
	iso.call("victim", map[string]string{"op": "plant", "marker": marker}, &again)
	require.Equal(t, planted, again, "the victim's warm environment still serves it")
	iso.healthy(2)
}

// Two gureum servers on one host (each with its own pool of sandbox uids)
// must not let one's functions reach the other's Runtime APIs.
func TestIsolationAcrossServers(t *testing.T) {
	t.Parallel()
	a, b := newIsolation(t), newIsolation(t)
	a.fn("victim", nil, nil)
	b.fn("attacker", nil, nil)
	var planted struct {
		API string
		PID int
	}
	a.call("victim", map[string]string{"op": "plant", "marker": "x"}, &planted)
	var who, whoB struct{ UID int }
	a.call("victim", map[string]string{"op": "whoami"}, &who)
	b.call("attacker", map[string]string{"op": "whoami"}, &whoB)
	require.NotEqual(t, who.UID, whoB.UID, "environments on one host never share a uid")
	var api struct{ Result string }
	b.call("attacker", map[string]string{"op": "runtime-api", "addr": planted.API}, &api)
	require.False(t, strings.HasPrefix(api.Result, "answered"), "another server's function reached the Runtime API: %s", api.Result)
	var again struct {
		API string
		PID int
	}
	a.call("victim", map[string]string{"op": "plant", "marker": "x"}, &again)
	require.Equal(t, planted, again)
	a.healthy(3)
	b.healthy(4)
}

func TestIsolationMemoryLimit(t *testing.T) {
	t.Parallel()
	iso := newIsolation(t)
	iso.fn("hog", nil, func(in *awslambda.CreateFunctionInput) {
		in.MemorySize = aws.Int32(128)
		in.Timeout = aws.Int32(60) // reclaim before the OOM kill is slow on a loaded host
	})
	res := iso.invoke("hog", map[string]any{"op": "alloc", "mb": 512})
	require.Equal(t, "Unhandled", aws.ToString(res.FunctionError), string(res.Payload))
	var fe struct{ ErrorType, ErrorMessage string }
	require.NoError(t, json.Unmarshal(res.Payload, &fe))
	require.Equal(t, "Runtime.OutOfMemory", fe.ErrorType)
	require.Regexp(t, `^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed$`, fe.ErrorMessage)
	logs, err := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
	require.NoError(t, err)
	require.Regexp(t, `Memory Size: 128 MB\tMax Memory Used: 12\d MB`, string(logs), "the REPORT line shows the limit reached")

	// Within the limit it runs, in a fresh environment.
	var ok struct{ Allocated int }
	iso.call("hog", map[string]any{"op": "alloc", "mb": 16}, &ok)
	require.Equal(t, 16<<20, ok.Allocated)
	iso.healthy(5)
}

func TestIsolationForkBomb(t *testing.T) {
	t.Parallel()
	// The limit is --max-processes (default 1024, Lambda's quota; the
	// sandbox tests hold a bomb at it): 64 here, so that this bomb does not
	// take a shared test machine down with it.
	iso := newIsolation(t, func(c *config.Config) { c.MaxProcesses = 64 })
	iso.fn("bomb", nil, func(in *awslambda.CreateFunctionInput) {
		in.MemorySize = aws.Int32(1024) // so that the pids limit, not memory, stops it
		in.Timeout = aws.Int32(60)      // generous: forks are slow on a loaded host
	})
	res := iso.invoke("bomb", map[string]string{"op": "bomb"})
	require.Equal(t, "Unhandled", aws.ToString(res.FunctionError), string(res.Payload))
	logs, err := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
	require.NoError(t, err)
	require.Regexp(t, `fork bomb stopped after \d+ forks: EAGAIN`, string(logs), "the pids limit refused forks")
	// The runtime exited once stopped: Lambda's exit error, and the whole
	// environment (every process of the bomb) went down with it.
	var fe struct{ ErrorType, ErrorMessage string }
	require.NoError(t, json.Unmarshal(res.Payload, &fe))
	require.Equal(t, "Runtime.ExitError", fe.ErrorType)
	require.Regexp(t, `^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 1$`, fe.ErrorMessage)

	// The next call starts a fresh environment, and the rest of the
	// platform is fine.
	var ok struct{ OK bool }
	iso.call("bomb", map[string]string{"op": "noop"}, &ok)
	require.True(t, ok.OK)
	iso.healthy(6)
}

func TestIsolationTimeoutKillsEverything(t *testing.T) {
	t.Parallel()
	iso := newIsolation(t)
	iso.fn("hang", nil, func(in *awslambda.CreateFunctionInput) { in.Timeout = aws.Int32(2) })
	marker := fmt.Sprintf("%d.%06d", 900+time.Now().Nanosecond()%99, time.Now().Nanosecond()%1000000)
	res := iso.invoke("hang", map[string]string{"op": "hang", "marker": marker})
	require.Equal(t, "Unhandled", aws.ToString(res.FunctionError), string(res.Payload))
	var fe struct{ ErrorType, ErrorMessage string }
	require.NoError(t, json.Unmarshal(res.Payload, &fe))
	require.Equal(t, "Sandbox.Timedout", fe.ErrorType)
	require.Regexp(t, `^RequestId: [0-9a-f-]{36} Error: Task timed out after 2\.00 seconds$`, fe.ErrorMessage)
	logs, err := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
	require.NoError(t, err)
	require.Regexp(t, `\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [0-9a-f-]{36} Task timed out after 2\.00 seconds\n`, string(logs))
	// The function's child process went down with its environment.
	require.Eventually(t, func() bool { return len(hostProcesses("sleep "+marker)) == 0 }, 20*time.Second, 50*time.Millisecond,
		"a process the function started outlived its timeout: %v", hostProcesses("sleep "+marker))
	var ok struct{ OK bool }
	iso.call("hang", map[string]string{"op": "noop"}, &ok)
	require.True(t, ok.OK)
	iso.healthy(7)
}

// hostProcesses lists the host PIDs whose command line is cmdline.
func hostProcesses(cmdline string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " ")) == cmdline {
			out = append(out, e.Name())
		}
	}
	return out
}
