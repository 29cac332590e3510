package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
	"github.com/gureum-dev/gureum/internal/store"
)

// InvokeInput is one invocation request.
type InvokeInput struct {
	Ref            FunctionRef
	Payload        []byte
	InvocationType string // RequestResponse (default), Event, DryRun
	LogType        string // None (default), Tail
	ClientContext  string // base64 JSON, as the X-Amz-Client-Context header
	// RequestID is the invocation's request id (the API request's, so that
	// the function's context and the x-amzn-RequestId header agree); empty
	// makes a new one.
	RequestID string
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
)

// pool keeps warm environments per function configuration.
type pool struct {
	mu       sync.Mutex
	idle     map[string][]*environment // key: see envKey
	inflight map[string]int            // by unqualified function ARN
	total    int
	uids     uidLeaser         // host-wide sandbox uids (uid.go)
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
	lease      *uidLease
	sb         *sandbox.Env
	api        *runtimeapi.Server
	sink       *lineSink
	logStream  string
	logMu      sync.Mutex     // guards pendingLog and taking its lines
	pendingLog *invocationLog // the last invocation's log, until its lines settle
	initDur    time.Duration
	invoked    bool
	frozen     bool
	lastUsed   time.Time
	freeze     *time.Timer
}

func newPool() *pool {
	return &pool{idle: map[string][]*environment{}, inflight: map[string]int{}, runtimes: map[string]string{}}
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
		if err := s.invokeAsync(ctx, sc, in); err != nil {
			return nil, err
		}
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
	if err := s.recordOpt(doc, cfg, key); err != nil {
		return "", "", err
	}
	if cfg.Version == "$LATEST" && doc.HotReloadDir != "" {
		fp, err := dirFingerprint(doc.HotReloadDir)
		if err != nil {
			return "", "", errorf(KindInvalidParameterValue, "Hot-reload directory %s is not readable: %v", doc.HotReloadDir, err)
		}
		return doc.HotReloadDir, key + "@" + fp, nil
	}
	hexSum := b64ToHex(cfg.CodeSha256)
	dir, err := s.code.unpacked(hexSum)
	if err != nil {
		return "", "", err
	}
	if dir, err = s.runnableCode(cfg, dir, hexSum); err != nil {
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
		s.opts.Metrics.throttled(fnArn)
		return nil, err
	}
	defer s.unreserve(fnArn)

	env, cold, err := s.acquire(ctx, sc, cfg, codeDir, key)
	if err != nil {
		return nil, err
	}
	reqID := in.RequestID
	if reqID == "" {
		reqID = uuid.NewString()
	}
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
	s.opts.Metrics.invoked(fnArn, dur, res.FunctionError != "")
	maxMem, _ := env.sb.MaxMemoryBytes()
	il := s.invocationLog(sc, reqID, cfg, env.logStream, start, dur, maxMem, env, cold, res)
	out := &InvokeOutput{StatusCode: 200, Payload: res.Payload, FunctionError: res.FunctionError, ExecutedVersion: cfg.Version}
	switch {
	case in.LogType == "Tail" || broken:
		// The tail must hold the last lines, and a broken environment's
		// last lines explain its end: wait for them here.
		env.sink.settle(time.Millisecond, 20*time.Millisecond)
		events := il.events(env.sink.take())
		s.recordLogs(il, events)
		if in.LogType == "Tail" {
			tail := joinLogs(events)
			if len(tail) > tailBytes {
				tail = tail[len(tail)-tailBytes:]
			}
			out.LogResult = base64.StdEncoding.EncodeToString(tail)
		}
	default:
		// Lines the runtime printed just before it answered may still be in
		// the pipe: take them a moment later, off the caller's path (or when
		// the environment is next used, whichever comes first).
		env.logMu.Lock()
		env.pendingLog = il
		env.logMu.Unlock()
		time.AfterFunc(logSettle, func() { s.finishLogs(env) })
	}
	if broken {
		s.discard(env)
	} else {
		s.release(env)
	}
	return out, nil
}

// logSettle is how long an invocation's log events wait for the runtime's
// last lines when nobody waits for them.
const logSettle = 20 * time.Millisecond

// invocationLog is an invocation's framing log events (START before the
// function's lines; the timeout notice, END and REPORT after them) and
// where they go.
type invocationLog struct {
	sc         Scope
	cfg        *FunctionConfiguration
	stream     string
	head, tail []store.InputLogEvent
}

// invocationLog frames an invocation's output with Lambda's START, END and
// REPORT lines.
func (s *Service) invocationLog(sc Scope, reqID string, cfg *FunctionConfiguration, stream string, start time.Time, dur time.Duration, maxMem int64,
	env *environment, cold bool, res *runtimeapi.Result) *invocationLog {
	end := time.Now()
	il := &invocationLog{sc: sc, cfg: cfg, stream: stream}
	add := func(to *[]store.InputLogEvent, at time.Time, msg string) {
		*to = append(*to, store.InputLogEvent{Timestamp: at.UnixMilli(), Message: msg})
	}
	add(&il.head, start, fmt.Sprintf("START RequestId: %s Version: %s\n", reqID, cfg.Version))
	if res.ErrorType == runtimeapi.ErrorTypeSandboxTimedout {
		add(&il.tail, end, fmt.Sprintf("%s %s Task timed out after %.2f seconds\n", end.UTC().Format("2006-01-02T15:04:05.000Z"), reqID, float64(cfg.Timeout)))
	}
	add(&il.tail, end, fmt.Sprintf("END RequestId: %s\n", reqID))
	ms := float64(dur.Microseconds()) / 1000
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		reqID, ms, int(math.Ceil(ms)), cfg.MemorySize, (maxMem+(1<<20)-1)>>20)
	if cold {
		report += fmt.Sprintf("\tInit Duration: %.2f ms", float64(env.initDur.Microseconds())/1000)
	}
	add(&il.tail, end, report+"\t\n")
	return il
}

// events is the invocation's log: one event per line, each message ending
// in a newline as Lambda's do, in chronological order (a line read from the
// pipe after END keeps END's time).
func (il *invocationLog) events(lines []logLine) []store.InputLogEvent {
	events := make([]store.InputLogEvent, 0, len(il.head)+len(lines)+len(il.tail))
	events = append(events, il.head...)
	for _, l := range lines {
		events = append(events, store.InputLogEvent{Timestamp: l.at.UnixMilli(), Message: strings.ToValidUTF8(string(l.text), "\uFFFD") + "\n"})
	}
	events = append(events, il.tail...)
	for i := 1; i < len(events); i++ {
		events[i].Timestamp = max(events[i].Timestamp, events[i-1].Timestamp)
	}
	return events
}

// finishLogs records an environment's pending invocation log with the lines
// that arrived since.
func (s *Service) finishLogs(env *environment) {
	env.logMu.Lock()
	defer env.logMu.Unlock()
	if il := env.pendingLog; il != nil {
		env.pendingLog = nil
		s.recordLogs(il, il.events(env.sink.take()))
	}
}

// joinLogs is the log text of an invocation (LogType Tail's source).
func joinLogs(events []store.InputLogEvent) []byte {
	var b bytes.Buffer
	for _, ev := range events {
		b.WriteString(ev.Message)
	}
	return b.Bytes()
}

// recordLogs sends an invocation's log events to the function's log group
// (LoggingConfig.LogGroup, by default /aws/lambda/NAME) and stream, through
// the buffered log writer: nothing here waits for the database.
func (s *Service) recordLogs(il *invocationLog, events []store.InputLogEvent) {
	if s.opts.Logs == nil {
		return
	}
	group := il.cfg.LoggingConfig.LogGroup
	if group == "" {
		group = "/aws/lambda/" + il.cfg.FunctionName
	}
	s.opts.Logs.Append(store.LogEventBatch{Account: il.sc.Account, Region: il.sc.Region, Group: group, Stream: il.stream, Events: events})
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
		s.finishLogs(env) // the previous invocation's lines are not this one's
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
	p.mu.Unlock()
	lease, err := p.uids.lease()
	if err != nil {
		return nil, false, err
	}
	env, err := s.start(ctx, sc, cfg, codeDir, key, lease.uid)
	if err != nil {
		p.uids.release(lease)
		return nil, false, err
	}
	env.lease = lease
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
	optDir := s.optOf(cfg)
	cmd := rt.Command(st)
	if rt.Family == bootstrap.FamilyProvided && optDir != "" && !fileExists(filepath.Join(codeDir, "bootstrap")) &&
		fileExists(filepath.Join(optDir, "bootstrap")) {
		cmd = []string{"/opt/bootstrap"} // Lambda's fallback: a layer's bootstrap
	}
	sink := newLineSink()
	t0 := time.Now()
	spec := sandbox.Spec{
		ID: "fn-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20], Path: cmd[0], Args: cmd[1:], Env: rt.Environ(st),
		UID: uid, GID: uid, CodeDir: codeDir, OptDir: optDir, RuntimeDirs: mounts, TmpMB: cfg.EphemeralStorage.Size,
		MemoryMB: cfg.MemorySize, PidsMax: s.opts.PidsMax, Network: true, Stdout: sink, Stderr: sink,
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
	s.finishLogs(env)
	_ = env.sb.Close()
	_ = env.api.Close()
	s.pool.uids.release(env.lease)
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
