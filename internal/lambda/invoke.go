package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/gureum-dev/gureum/internal/sandbox"
)

// InvokeInput is one invocation request.
type InvokeInput struct {
	Ref            FunctionRef
	Payload        []byte
	InvocationType string // RequestResponse (default), Event, DryRun
	LogType        string // None (default), Tail
	ClientContext  string // base64 JSON, as the X-Amz-Client-Context header
}

// InvokeOutput is the answer to a synchronous invocation.
type InvokeOutput struct {
	StatusCode      int // 200, 202 (Event), 204 (DryRun)
	Payload         []byte
	FunctionError   string // "Unhandled" when the function failed
	ExecutedVersion string
	LogResult       string // base64 of the last 4 KB of the logs, with LogType Tail
}

// Limits of the invocation path.
const (
	initTimeout     = 10 * time.Second // Lambda's init phase limit
	idleFreezeAfter = 2 * time.Second
	idleReapAfter   = 5 * time.Minute
	tailBytes       = 4096
	firstUID        = 30000
)

// pool keeps warm environments per function configuration.
type pool struct {
	mu       sync.Mutex
	idle     map[string][]*environment // key: see envKey
	inflight map[string]int            // by unqualified function ARN
	total    int
	nextUID  int
	freeUIDs []int
	runtimes map[string]string // runtime id -> materialized runtime dir on the host
	closed   bool
	// sandboxes keeps sandbox inits ready, created on the first cold start
	// (an idle server runs none): it halves the sandbox's share of a cold
	// start.
	sandboxes *sandbox.Pool
}

// sandboxPool returns the pool of ready sandbox inits, creating it once.
func (p *pool) sandboxPool() *sandbox.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sandboxes == nil && !p.closed {
		// (Empty cgroups a crashed gureum left behind are harmless; removing
		// them here would race other gureum processes on this host.)
		if sp, err := sandbox.NewPool(2); err == nil {
			p.sandboxes = sp
		}
	}
	return p.sandboxes
}

type environment struct {
	key, fnArn string
	uid        int
	sb         *sandbox.Env
	api        *runtimeapi.Server
	sink       *lineSink
	logStream  string
	initDur    time.Duration
	invoked    bool
	frozen     bool
	lastUsed   time.Time
	freeze     *time.Timer
}

func newPool() *pool {
	return &pool{idle: map[string][]*environment{}, inflight: map[string]int{}, nextUID: firstUID, runtimes: map[string]string{}}
}

func (p *pool) allocUID() int {
	if n := len(p.freeUIDs); n > 0 {
		uid := p.freeUIDs[n-1]
		p.freeUIDs = p.freeUIDs[:n-1]
		return uid
	}
	p.nextUID++
	return p.nextUID
}

// SetEndpoint tells the service the URL functions use to call gureum back
// (AWS_ENDPOINT_URL in their environment). The server sets it once it
// listens.
func (s *Service) SetEndpoint(url string) {
	s.mu.Lock()
	s.endpoint = url
	s.mu.Unlock()
}

// Invoke runs a function.
func (s *Service) Invoke(ctx context.Context, sc Scope, in *InvokeInput) (*InvokeOutput, error) {
	sc = in.Ref.in(sc)
	doc, err := s.loadShared(ctx, sc, in.Ref.Name)
	if errors.Is(err, ErrNotFound) { // Invoke names the version it looked for
		q := in.Ref.Qualifier
		if q == "" {
			q = "$LATEST"
		}
		return nil, errorf(KindResourceNotFound, "Function not found: %s:%s", FunctionARN(sc, in.Ref.Name), q)
	}
	if err != nil {
		return nil, err
	}
	cfg, err := doc.resolveInvokeQualifier(sc, in.Ref.Name, in.Ref.Qualifier)
	if err != nil {
		return nil, err
	}
	if cfg.State != "Active" {
		return nil, errorf(KindResourceConflict, "The operation cannot be performed at this time. The function is currently in the following state: %s", cfg.State)
	}
	codeDir, key, err := s.codeFor(doc, cfg)
	if err != nil {
		return nil, err
	}
	switch in.InvocationType {
	case "DryRun":
		return &InvokeOutput{StatusCode: 204, ExecutedVersion: cfg.Version}, nil
	case "Event":
		go s.invokeAsync(sc, doc.Reserved, cfg, codeDir, key, in)
		return &InvokeOutput{StatusCode: 202, ExecutedVersion: cfg.Version}, nil
	}
	out, err := s.invokeSync(ctx, sc, doc.Reserved, cfg, codeDir, key, in)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolveInvokeQualifier picks the configuration an invocation runs,
// following an alias's weighted routing.
func (d *functionDoc) resolveInvokeQualifier(sc Scope, name, q string) (*FunctionConfiguration, error) {
	if a := d.Aliases[q]; a != nil {
		version := a.FunctionVersion
		if a.RoutingConfig != nil {
			r := rand.Float64()
			for v, w := range a.RoutingConfig.AdditionalVersionWeights {
				if r < w {
					version = v
				}
			}
		}
		return d.resolveQualifier(sc, name, version)
	}
	return d.resolveQualifier(sc, name, q)
}

// codeFor returns the host directory with the configuration's code and the
// key of its environments (function, version, settings and code identity).
func (s *Service) codeFor(doc *functionDoc, cfg *FunctionConfiguration) (string, string, error) {
	key := cfg.FunctionArn + "@" + cfg.Version + "@" + cfg.RevisionID
	if cfg.Version == "$LATEST" && doc.HotReloadDir != "" {
		fp, err := dirFingerprint(doc.HotReloadDir)
		if err != nil {
			return "", "", errorf(KindInvalidParameterValue, "Hot-reload directory %s is not readable: %v", doc.HotReloadDir, err)
		}
		return doc.HotReloadDir, key + "@" + fp, nil
	}
	dir, err := s.code.unpacked(b64ToHex(cfg.CodeSha256))
	if err != nil {
		return "", "", err
	}
	return dir, key, nil
}

// dirFingerprint changes whenever a file under dir is added, removed or
// saved: hot reload takes a new environment then.
func dirFingerprint(dir string) (string, error) {
	var n int
	var latest int64
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n++
		size += info.Size()
		latest = max(latest, info.ModTime().UnixNano())
		return nil
	})
	return fmt.Sprintf("%d-%d-%d", n, size, latest), err
}

func (s *Service) invokeAsync(sc Scope, reserved *int, cfg *FunctionConfiguration, codeDir, key string, in *InvokeInput) {
	// Event invocations are retried twice on function errors, one and two
	// minutes apart, as Lambda's default MaximumRetryAttempts does. (Not yet
	// durable across a restart: that needs the job queue.)
	delays := []time.Duration{0, time.Minute, 2 * time.Minute}
	for _, d := range delays {
		time.Sleep(d)
		out, err := s.invokeSync(context.Background(), sc, reserved, cfg, codeDir, key, in)
		if err != nil {
			s.log.Warn("async invocation failed", "function", cfg.FunctionArn, "err", err)
			continue
		}
		if out.FunctionError == "" {
			return
		}
	}
}

func (s *Service) reserve(fnArn string, reserved *int) error {
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	if reserved != nil && s.pool.inflight[fnArn] >= *reserved {
		return &Error{Kind: KindTooManyRequests, Message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}
	}
	if s.pool.total >= AccountConcurrency {
		return &Error{Kind: KindTooManyRequests, Message: "Rate Exceeded.", Reason: "ConcurrentInvocationLimitExceeded"}
	}
	s.pool.inflight[fnArn]++
	s.pool.total++
	return nil
}

func (s *Service) unreserve(fnArn string) {
	s.pool.mu.Lock()
	s.pool.inflight[fnArn]--
	s.pool.total--
	s.pool.mu.Unlock()
}

func (s *Service) invokeSync(ctx context.Context, sc Scope, reserved *int, cfg *FunctionConfiguration, codeDir, key string, in *InvokeInput) (*InvokeOutput, error) {
	fnArn := FunctionARN(sc, cfg.FunctionName)
	if err := s.reserve(fnArn, reserved); err != nil {
		return nil, err
	}
	defer s.unreserve(fnArn)

	env, cold, err := s.acquire(ctx, sc, cfg, codeDir, key)
	if err != nil {
		return nil, err
	}
	reqID := uuid.NewString()
	start := time.Now()
	var clientCtx string
	if in.ClientContext != "" {
		if b, err := base64.StdEncoding.DecodeString(in.ClientContext); err == nil {
			clientCtx = string(b)
		}
	}
	invokedArn := cfg.FunctionArn
	if in.Ref.Qualifier != "" && !strings.HasSuffix(invokedArn, ":"+in.Ref.Qualifier) {
		invokedArn = fnArn + ":" + in.Ref.Qualifier
	}
	_ = env.sb.ResetMaxMemory()
	timeout := time.Duration(cfg.Timeout) * time.Second
	res, ierr := env.api.Invoke(ctx, runtimeapi.Invocation{RequestID: reqID, Payload: in.Payload, Deadline: start.Add(timeout), Timeout: timeout,
		FunctionArn: invokedArn, ClientContext: clientCtx})
	dur := time.Since(start)
	broken := false
	var fe runtimeapi.FunctionError
	switch {
	case ierr == nil:
	case errors.As(ierr, &fe):
		broken = true
		res = fe.Result() // a timeout reads "Task timed out after N.NN seconds" with the configured timeout
		var ee *runtimeapi.ExitError
		if errors.As(ierr, &ee) && env.sb.ExitStatus().OOMKilled {
			res.Payload = errorJSON("Runtime.OutOfMemory", fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", reqID, env.sb.ExitStatus()))
		}
	default:
		s.discard(env)
		return nil, fmt.Errorf("invoke %s: %w", cfg.FunctionArn, ierr)
	}
	maxMem, _ := env.sb.MaxMemoryBytes()
	if in.LogType == "Tail" {
		env.sink.settle(time.Millisecond, 20*time.Millisecond) // the tail should hold the last lines
	}
	lines := env.sink.take()
	logs := s.reportLines(reqID, cfg, lines, dur, maxMem, env, cold, res)
	if broken {
		s.discard(env)
	} else {
		s.release(env)
	}
	out := &InvokeOutput{StatusCode: 200, Payload: res.Payload, FunctionError: res.FunctionError, ExecutedVersion: cfg.Version}
	if in.LogType == "Tail" {
		tail := logs
		if len(tail) > tailBytes {
			tail = tail[len(tail)-tailBytes:]
		}
		out.LogResult = base64.StdEncoding.EncodeToString(tail)
	}
	s.recordLogs(cfg, env.logStream, logs)
	return out, nil
}

// reportLines frames an invocation's output with Lambda's START, END and
// REPORT lines.
func (s *Service) reportLines(reqID string, cfg *FunctionConfiguration, lines [][]byte, dur time.Duration, maxMem int64,
	env *environment, cold bool, res *runtimeapi.Result) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "START RequestId: %s Version: %s\n", reqID, cfg.Version)
	for _, l := range lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	if res.ErrorType == runtimeapi.ErrorTypeSandboxTimedout {
		fmt.Fprintf(&b, "%s %s Task timed out after %.2f seconds\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), reqID, float64(cfg.Timeout))
	}
	fmt.Fprintf(&b, "END RequestId: %s\n", reqID)
	ms := float64(dur.Microseconds()) / 1000
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		reqID, ms, int(math.Ceil(ms)), cfg.MemorySize, (maxMem+(1<<20)-1)>>20)
	if cold {
		fmt.Fprintf(&b, "\tInit Duration: %.2f ms", float64(env.initDur.Microseconds())/1000)
	}
	b.WriteString("\t\n")
	return b.Bytes()
}

// recordLogs keeps the latest invocations' logs per function (until the
// CloudWatch Logs store lands) and sends them to the server log at debug.
func (s *Service) recordLogs(cfg *FunctionConfiguration, stream string, logs []byte) {
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.Debug("function logs", "function", cfg.FunctionName, "stream", stream, "logs", string(logs))
	}
}

func errorJSON(typ, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"errorType": typ, "errorMessage": msg})
	return b
}

// acquire returns a warm environment for key, or starts one (cold).
func (s *Service) acquire(ctx context.Context, sc Scope, cfg *FunctionConfiguration, codeDir, key string) (*environment, bool, error) {
	p := s.pool
	p.mu.Lock()
	if list := p.idle[key]; len(list) > 0 {
		env := list[len(list)-1]
		p.idle[key] = list[:len(list)-1]
		if env.freeze != nil {
			env.freeze.Stop()
		}
		p.mu.Unlock()
		if env.frozen {
			if err := env.sb.Thaw(); err != nil {
				s.discard(env)
				return s.acquire(ctx, sc, cfg, codeDir, key)
			}
			env.frozen = false
		}
		select {
		case <-env.sb.Done(): // died while idle
			s.discard(env)
			return s.acquire(ctx, sc, cfg, codeDir, key)
		default:
		}
		return env, false, nil
	}
	uid := p.allocUID()
	p.mu.Unlock()
	env, err := s.start(ctx, sc, cfg, codeDir, key, uid)
	if err != nil {
		p.mu.Lock()
		p.freeUIDs = append(p.freeUIDs, uid)
		p.mu.Unlock()
		return nil, false, err
	}
	return env, true, nil
}

// runtimeDir materializes a runtime client once per process.
func (s *Service) runtimeDir(rt *bootstrap.Runtime) (string, error) {
	p := s.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.runtimes[rt.ID]; ok {
		return d, nil
	}
	d := filepath.Join(s.code.dir, "..", "runtimes", rt.ID)
	if err := rt.Materialize(d); err != nil {
		return "", err
	}
	p.runtimes[rt.ID] = d
	return d, nil
}

func (s *Service) start(ctx context.Context, sc Scope, cfg *FunctionConfiguration, codeDir, key string, uid int) (*environment, error) {
	rt, err := bootstrap.For(cfg.Runtime)
	if err != nil {
		return nil, errorf(KindInvalidParameterValue, "The runtime %s cannot run on this gureum host: %v", cfg.Runtime, err)
	}
	rtDir, err := s.runtimeDir(rt)
	if err != nil {
		return nil, fmt.Errorf("runtime %s: %w", rt.ID, err)
	}
	api, err := runtimeapi.New(runtimeapi.Options{AllowedUID: uid, Logger: s.log})
	if err != nil {
		return nil, err
	}
	mounts := []sandbox.Mount{{Source: rtDir, Target: bootstrap.DefaultRuntimeDir}}
	st := &bootstrap.Start{RuntimeAPI: api.Addr(), FunctionName: cfg.FunctionName, FunctionVersion: cfg.Version,
		Handler: cfg.Handler, MemoryMB: cfg.MemorySize, Region: sc.Region, LogGroupName: cfg.LoggingConfig.LogGroup,
		LogStreamName: bootstrap.LogStreamName(time.Now(), cfg.Version)}
	if rt.Prefix != "" && !within(rt.Prefix, "/usr") {
		mounts = append(mounts, sandbox.Mount{Source: rt.Prefix, Target: bootstrap.DefaultLangDir})
		rel, _ := filepath.Rel(rt.Prefix, rt.Interpreter)
		st.Interpreter = filepath.Join(bootstrap.DefaultLangDir, rel)
	}
	if rt.SDKPath != "" && !within(rt.SDKPath, "/usr") && !within(rt.SDKPath, rt.Prefix) {
		mounts = append(mounts, sandbox.Mount{Source: rt.SDKPath, Target: rt.SDKPath})
	}
	if cfg.Environment != nil {
		st.Environment = cfg.Environment.Variables
	}
	s.mu.Lock()
	endpoint := s.endpoint
	s.mu.Unlock()
	st.Service = map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test"}
	if endpoint != "" {
		st.Service["AWS_ENDPOINT_URL"] = endpoint
	}
	cmd := rt.Command(st)
	sink := newLineSink()
	t0 := time.Now()
	spec := sandbox.Spec{
		ID: "fn-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20], Path: cmd[0], Args: cmd[1:], Env: rt.Environ(st),
		UID: uid, GID: uid, CodeDir: codeDir, RuntimeDirs: mounts, TmpMB: cfg.EphemeralStorage.Size,
		MemoryMB: cfg.MemorySize, Network: true, Stdout: sink, Stderr: sink,
	}
	var sb *sandbox.Env
	if sp := s.pool.sandboxPool(); sp != nil {
		sb, err = sp.Start(ctx, spec)
	} else {
		sb, err = sandbox.Start(ctx, spec)
	}
	if err != nil {
		_ = api.Close()
		return nil, fmt.Errorf("start environment for %s: %w", cfg.FunctionArn, err)
	}
	go func() { // tell the Runtime API when the process dies
		<-sb.Done()
		api.Fail(errors.New(sb.ExitStatus().String()))
	}()
	env := &environment{key: key, fnArn: cfg.FunctionArn, uid: uid, sb: sb, api: api, sink: sink, logStream: st.LogStreamName}
	ictx, cancel := context.WithTimeout(ctx, initTimeout)
	defer cancel()
	if err := api.WaitInit(ictx); err != nil {
		// An init failure is the invocation's function error: keep the
		// environment so Invoke reports it, then it is discarded.
		var fe runtimeapi.FunctionError
		if !errors.As(err, &fe) {
			s.discard(env)
			return nil, fmt.Errorf("init %s: %w", cfg.FunctionArn, err)
		}
	}
	env.initDur = time.Since(t0)
	return env, nil
}

func within(p, dir string) bool {
	return dir != "" && (p == dir || strings.HasPrefix(p, dir+"/"))
}

// release returns an environment to the idle set; it is frozen after a
// short idle time and reaped after a long one.
func (s *Service) release(env *environment) {
	p := s.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		go s.discard(env)
		return
	}
	env.lastUsed = time.Now()
	p.idle[env.key] = append(p.idle[env.key], env)
	env.freeze = time.AfterFunc(idleFreezeAfter, func() { s.idleTick(env) })
}

// idleTick freezes an idle environment, and reaps it when idle too long.
func (s *Service) idleTick(env *environment) {
	p := s.pool
	p.mu.Lock()
	list := p.idle[env.key]
	i := -1
	for j, e := range list {
		if e == env {
			i = j
		}
	}
	if i < 0 { // taken meanwhile
		p.mu.Unlock()
		return
	}
	if time.Since(env.lastUsed) >= idleReapAfter {
		p.idle[env.key] = append(list[:i], list[i+1:]...)
		p.mu.Unlock()
		s.discard(env)
		return
	}
	if !env.frozen && env.sb.Freeze() == nil {
		env.frozen = true
	}
	env.freeze = time.AfterFunc(idleReapAfter, func() { s.idleTick(env) })
	p.mu.Unlock()
}

// discard kills an environment and frees its uid.
func (s *Service) discard(env *environment) {
	_ = env.sb.Close()
	_ = env.api.Close()
	s.pool.mu.Lock()
	s.pool.freeUIDs = append(s.pool.freeUIDs, env.uid)
	s.pool.mu.Unlock()
}

// Close stops every environment.
func (s *Service) Close() error {
	p := s.pool
	p.mu.Lock()
	p.closed = true
	var all []*environment
	for k, list := range p.idle {
		all = append(all, list...)
		delete(p.idle, k)
	}
	p.mu.Unlock()
	for _, env := range all {
		if env.freeze != nil {
			env.freeze.Stop()
		}
		s.discard(env)
	}
	p.mu.Lock()
	sp := p.sandboxes
	p.sandboxes = nil
	p.mu.Unlock()
	if sp != nil {
		return sp.Close()
	}
	return nil
}
