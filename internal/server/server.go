// Package server is gureum's composition root: configuration → store →
// services → HTTP. It is the only package that imports the concrete store
// drivers.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/awsapi/lambdaapi"
	"github.com/gureum-dev/gureum/internal/awsapi/logsapi"
	"github.com/gureum-dev/gureum/internal/awsapi/sfnapi"
	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/console"
	"github.com/gureum-dev/gureum/internal/lambda"
	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/lambda/eventqueue"
	"github.com/gureum-dev/gureum/internal/logs"
	"github.com/gureum-dev/gureum/internal/sfn"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
	"github.com/gureum-dev/gureum/internal/version"
)

// Server is a running gureum node.
type Server struct {
	lambda  *lambda.Service
	logw    *logs.Writer // functions' logs on their way to the store
	events  *eventqueue.Queue
	cfg     config.Config
	log     *slog.Logger
	store   store.Store
	sfn     *sfn.Service
	http    *http.Server
	ln      net.Listener
	started time.Time
	done    chan error
}

// New opens the store and builds the services and the HTTP handler. It does
// not listen yet.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, store: st, started: time.Now()}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := awsapi.NewMux(awsapi.Config{
		Logger:  log,
		Auth:    awsapi.Auth{Required: cfg.AuthRequired(), Keys: cfg.AccessKeys},
		Metrics: awsapi.NewMetrics(reg),
	})
	s.logw = logs.NewWriter(st, logs.WriterOptions{Logger: log.With("service", "logs")})
	lsvc, err := lambda.New(st, lambda.Options{DataDir: cfg.DataDir, Logger: log.With("service", "lambda"), PidsMax: cfg.MaxProcesses,
		Runtimes: func(rt string) error { _, err := bootstrap.For(rt); return err }, Logs: s.logw, Metrics: lambda.NewMetrics(reg), WaitScale: cfg.WaitScale})
	if err != nil {
		_ = s.logw.Close(ctx)
		_ = st.Close()
		return nil, err
	}
	s.lambda = lsvc
	if s.events, err = openEventQueue(ctx, st, lsvc, reg, log.With("service", "lambda-async")); err != nil {
		_ = lsvc.Close()
		_ = s.logw.Close(ctx)
		_ = st.Close()
		return nil, err
	}
	lsvc.SetEventQueue(s.events)
	lambdaapi.Register(mux, lsvc)
	mux.Handle("GET /_gureum/code/{file}", codeHandler(lsvc))
	var mocks *sfnmock.Config
	if cfg.SFNMockConfig != "" {
		raw, err := os.ReadFile(cfg.SFNMockConfig)
		if err == nil {
			mocks, err = sfnmock.Parse(raw)
		}
		if err != nil {
			_ = st.Close()
			return nil, &config.FieldError{Field: "sfn-mock-config", Err: err}
		}
	}
	s.sfn = sfn.New(st, sfn.Options{Logger: log.With("service", "states"), WaitScale: cfg.WaitScale, MockConfig: mocks,
		TakeOver: cfg.Store == "", Lambda: lambdaTasks{svc: lsvc}})
	sfnapi.Register(mux, s.sfn)
	logsapi.Register(mux, logs.New(st))
	mux.Handle("GET /_gureum/health", http.HandlerFunc(s.health))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /_gureum/runtimes", http.HandlerFunc(runtimes))
	ui := console.Handler()
	mux.Handle("GET /console", ui)
	mux.Handle("GET "+console.Prefix, ui)

	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// OpenStore opens the store cfg names: PostgreSQL for a postgres:// URL,
// else SQLite in the data directory.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if cfg.Store != "" {
		dsn, schema := splitSchema(cfg.Store)
		st, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL store: %w", err)
		}
		return st, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	st, err := sqlitestore.Open(ctx, filepath.Join(cfg.DataDir, "gureum.db"), nil)
	if err != nil {
		return nil, fmt.Errorf("open SQLite store in %s: %w", cfg.DataDir, err)
	}
	return st, nil
}

// splitSchema takes a search_path parameter out of a PostgreSQL URL: the
// schema gureum's tables live in (created when missing), so several
// deployments (or test runs) can share one database.
func splitSchema(dsn string) (string, string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, ""
	}
	q := u.Query()
	schema := q.Get("search_path")
	if schema == "" {
		return dsn, ""
	}
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// Start listens on the configured address and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.lambda.SetEndpoint("http://" + ln.Addr().String())
	// Off the start-up path; the first Event invocation waits for it.
	s.events.StartBackground(func(err error) { s.log.Error("asynchronous invocations cannot run", "err", err) })
	s.done = make(chan error, 1)
	s.http.RegisterOnShutdown(s.sfn.StopLongPolls) // GetActivityTask's 60 s polls end at once
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Done is closed-with-value when serving stops by itself (a listener error).
func (s *Server) Done() <-chan error { return s.done }

// Shutdown stops accepting connections, lets in-flight requests finish (until
// ctx ends), writes the functions' pending log events, then closes the store.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	return errors.Join(err, s.sfn.Close(ctx), s.events.Stop(ctx), s.lambda.Close(), s.logw.Close(ctx), s.store.Close())
}

// codeHandler serves deployment packages by content hash: GetFunction's
// Code.Location. The 256-bit hash in the URL is the capability, like a
// presigned URL.
func codeHandler(svc *lambda.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hexSum, ok := strings.CutSuffix(r.PathValue("file"), ".zip")
		path, found := svc.CodeZip(hexSum)
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		http.ServeFile(w, r, path)
	})
}

type healthReport struct {
	Version  string            `json:"version"`
	Status   string            `json:"status"`
	Uptime   float64           `json:"uptimeSeconds"`
	Store    storeHealth       `json:"store"`
	Services map[string]string `json:"services"`
	Auth     string            `json:"auth"`
	Testing  testingSwitches   `json:"testing"`
}

// testingSwitches are the test-only settings, shown so nobody runs with
// them by accident.
type testingSwitches struct {
	SFNMockConfig string  `json:"sfnMockConfig,omitempty"`
	WaitScale     float64 `json:"waitScale"`
}

type storeHealth struct {
	Driver string `json:"driver"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// health answers GET /_gureum/health: 200 when the store answers, 503 when
// not.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	rep := healthReport{
		Version:  version.String(),
		Status:   "ok",
		Uptime:   time.Since(s.started).Seconds(),
		Store:    storeHealth{Driver: s.store.Driver(), Status: "ok"},
		Services: map[string]string{"lambda": "running", "states": "running", "logs": "running"},
		Auth:     "any credentials (loopback)",
		Testing:  testingSwitches{SFNMockConfig: s.cfg.SFNMockConfig, WaitScale: s.cfg.WaitScale},
	}
	if s.cfg.AuthRequired() {
		rep.Auth = "sigv4"
	}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		rep.Status, rep.Store.Status, rep.Store.Error = "unavailable", "unavailable", err.Error()
		status = http.StatusServiceUnavailable
	}
	_ = awsapi.WriteJSON(w, status, "application/json", rep)
}
