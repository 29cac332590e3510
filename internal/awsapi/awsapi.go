// Package awsapi serves AWS wire protocols on one port: JSON 1.0 and 1.1
// requests (POST / with X-Amz-Target, as Step Functions and CloudWatch Logs
// speak) and REST-JSON requests (Lambda's /2015-03-31/... paths). It owns what every operation shares:
// request IDs, SigV4 authentication, body limits, panic recovery, metrics,
// logging and rendering errors in each protocol's AWS shape.
//
// Operations live in subpackages (lambdaapi, sfnapi), one file each, and
// register themselves on a Mux; the server package wires services in.
package awsapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Protocol is an AWS wire protocol.
type Protocol uint8

// The protocols gureum speaks.
const (
	JSON10   Protocol = iota + 1 // awsJson1_0: Step Functions
	RESTJSON                     // restJson1: Lambda
	JSON11                       // awsJson1_1: CloudWatch Logs
)

// isJSON reports whether p is one of the X-Amz-Target JSON protocols.
func (p Protocol) isJSON() bool { return p == JSON10 || p == JSON11 }

// Default request body limits when an Operation sets none.
const (
	DefaultMaxJSONBody = 8 << 20  // JSON 1.0/1.1: definitions are ≤ 1 MiB characters
	DefaultMaxRESTBody = 70 << 20 // CreateFunction: a 50 MB zip, base64 encoded
)

// DefaultAccount is the account ID used when credentials do not name one
// (LocalStack's convention).
const DefaultAccount = "000000000000"

// DefaultRegion is used when a request carries no credential scope.
const DefaultRegion = "us-east-1"

// HandlerFunc serves one operation. A returned *Error is rendered in the
// operation's protocol; any other error becomes a 500 ServiceException and is
// logged.
type HandlerFunc func(w http.ResponseWriter, r *Request) error

// Operation describes one API operation.
type Operation struct {
	Service  string // signing name: "lambda", "states"
	Name     string // AWS operation name: "ListFunctions"
	Protocol Protocol
	// MaxBody caps the request body; 0 means the protocol's default.
	MaxBody int64
	// TooLarge builds the error for a body over MaxBody; nil means
	// RequestEntityTooLargeException.
	TooLarge func(limit int64) *Error
	Handler  HandlerFunc
}

// Request is an incoming request after routing, body reading and
// authentication.
type Request struct {
	*http.Request
	ID          string
	Op          *Operation
	Body        []byte
	Region      string
	Account     string
	AccessKeyID string
	Log         *slog.Logger
}

// Config configures a Mux.
type Config struct {
	Logger  *slog.Logger
	Auth    Auth
	Metrics *Metrics // may be nil
}

// Mux routes requests to operations and plain handlers.
type Mux struct {
	cfg      Config
	targets  map[string]*Operation // "AWSStepFunctions.ListStateMachines" → op
	prefixes map[string]Protocol   // target prefixes we know ("AWSStepFunctions", "Logs_20140328")
	rest     *http.ServeMux
	plain    *http.ServeMux
}

// NewMux returns an empty Mux.
func NewMux(cfg Config) *Mux {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Auth.Now == nil {
		cfg.Auth.Now = time.Now
	}
	m := &Mux{cfg: cfg, targets: map[string]*Operation{}, prefixes: map[string]Protocol{},
		rest: http.NewServeMux(), plain: http.NewServeMux()}
	m.rest.HandleFunc("/", m.servePlain)
	return m
}

// HandleTarget registers a JSON 1.0 or 1.1 operation under its X-Amz-Target
// ("AWSStepFunctions.ListStateMachines", "Logs_20140328.FilterLogEvents").
// All targets of a prefix speak one protocol.
func (m *Mux) HandleTarget(target string, op *Operation) {
	prefix, _, ok := strings.Cut(target, ".")
	if !ok || !op.Protocol.isJSON() {
		panic("awsapi: bad JSON target " + target)
	}
	if _, dup := m.targets[target]; dup {
		panic("awsapi: target registered twice: " + target)
	}
	if p, known := m.prefixes[prefix]; known && p != op.Protocol {
		panic("awsapi: target prefix with two protocols: " + target)
	}
	m.targets[target] = op
	m.prefixes[prefix] = op.Protocol
}

// HandleREST registers a REST-JSON operation under a net/http pattern
// ("POST /2015-03-31/functions/{name}/invocations").
func (m *Mux) HandleREST(pattern string, op *Operation) {
	if op.Protocol != RESTJSON {
		panic("awsapi: HandleREST needs a REST-JSON operation: " + pattern)
	}
	m.rest.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { m.serveOp(w, r, op) })
}

// Handle registers a plain (non-AWS) handler, such as health or metrics.
// Plain handlers are not authenticated.
func (m *Mux) Handle(pattern string, h http.Handler) { m.plain.Handle(pattern, h) }

// ServeHTTP implements http.Handler.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := uuid.NewString()
	w.Header().Set("X-Amzn-Requestid", id)
	ctx := context.WithValue(r.Context(), requestIDKey{}, id)
	r = r.WithContext(ctx)
	defer m.recoverPanic(w, r, RESTJSON)
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		m.serveTarget(w, r, target)
		return
	}
	m.rest.ServeHTTP(w, r)
}

func (m *Mux) serveTarget(w http.ResponseWriter, r *http.Request, target string) {
	proto := JSON10
	if prefix, _, _ := strings.Cut(target, "."); m.prefixes[prefix] != 0 {
		proto = m.prefixes[prefix] // unknown operations of a known service answer in its protocol
	}
	defer m.recoverPanic(w, r, proto)
	op, ok := m.targets[target]
	if !ok || r.Method != http.MethodPost {
		// Drain a little so keep-alive connections stay usable.
		_, _ = io.CopyN(io.Discard, r.Body, 1<<16)
		m.writeError(w, r, proto, NewError(CommonUnknownOperation, ""), nil)
		return
	}
	m.serveOp(w, r, op)
}

func (m *Mux) servePlain(w http.ResponseWriter, r *http.Request) {
	if _, pattern := m.plain.Handler(r); pattern != "" {
		m.plain.ServeHTTP(w, r) // (ServeHTTP, not the returned handler, sets path values)
		return
	}
	m.writeError(w, r, RESTJSON, NewError(LambdaUnknownOperation, "Unknown operation: %s %s", r.Method, r.URL.Path), nil)
}

type requestIDKey struct{}

// RequestID returns the request ID stored in ctx by the Mux.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func (m *Mux) serveOp(w http.ResponseWriter, hr *http.Request, op *Operation) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	req := &Request{Request: hr, ID: RequestID(hr.Context()), Op: op, Region: DefaultRegion, Account: DefaultAccount}
	req.Log = m.cfg.Logger.With("request_id", req.ID, "op", op.Name)
	defer func() {
		if m.cfg.Metrics != nil {
			m.cfg.Metrics.observe(op, sw.status, time.Since(start))
		}
		req.Log.Debug("request", "method", hr.Method, "path", hr.URL.Path, "status", sw.status, "duration", time.Since(start))
	}()
	defer m.recoverPanic(sw, hr, op.Protocol)

	if err := m.prepare(req); err != nil {
		m.writeError(sw, hr, op.Protocol, err, req.Log)
		return
	}
	if err := op.Handler(sw, req); err != nil {
		m.writeError(sw, hr, op.Protocol, err, req.Log)
	}
}

// prepare checks the content type, reads the body under its limit and
// authenticates the request.
func (m *Mux) prepare(req *Request) error {
	op := req.Op
	if op.Protocol.isJSON() {
		ct := req.Header.Get("Content-Type")
		if mt, _, _ := strings.Cut(ct, ";"); ct != "" && !jsonContentTypes[strings.TrimSpace(strings.ToLower(mt))] {
			return NewError(CommonSerialization, "Content-Type %q is not supported: send %s", ct, op.Protocol.contentType())
		}
	}
	limit := op.MaxBody
	if limit == 0 {
		limit = DefaultMaxRESTBody
		if op.Protocol.isJSON() {
			limit = DefaultMaxJSONBody
		}
	}
	if req.ContentLength > limit {
		return m.tooLarge(op, limit)
	}
	body, err := io.ReadAll(io.LimitReader(req.Request.Body, limit+1))
	if err != nil {
		return NewError(CommonSerialization, "could not read the request body: %v", err)
	}
	if int64(len(body)) > limit {
		return m.tooLarge(op, limit)
	}
	req.Body = body
	return m.cfg.Auth.authenticate(req)
}

func (m *Mux) tooLarge(op *Operation, limit int64) *Error {
	if op.TooLarge != nil {
		return op.TooLarge(limit)
	}
	return NewError(CommonRequestEntityTooLarge, "Request must be smaller than %d bytes for the %s operation", limit, op.Name)
}

var jsonContentTypes = map[string]bool{
	"application/x-amz-json-1.0": true,
	"application/x-amz-json-1.1": true,
	"application/json":           true,
}

// recoverPanic answers a panicking handler with 500 ServiceException and logs
// the panic; the server keeps running.
func (m *Mux) recoverPanic(w http.ResponseWriter, r *http.Request, p Protocol) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	m.cfg.Logger.Error("panic in handler", "request_id", RequestID(r.Context()), "path", r.URL.Path,
		"target", r.Header.Get("X-Amz-Target"), "panic", v)
	if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
		return // headers already sent; nothing sensible left to write
	}
	m.writeError(w, r, p, NewError(CommonService, "An internal error occurred (request %s).", RequestID(r.Context())), nil)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
