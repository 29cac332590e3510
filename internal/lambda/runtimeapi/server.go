package runtimeapi

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
)

// Options configure a Server.
type Options struct {
	// AllowedUID is the only uid whose connections the server accepts (the
	// environment's uid); -1 accepts any. The peer's uid is read from
	// /proc/net/tcp, so this needs Linux and a shared network namespace.
	AllowedUID int
	// Logger receives rejected connections and other events nobody else can
	// report; nil discards them.
	Logger *slog.Logger
}

// Server is the Runtime API of one execution environment.
//
// Lock order: Server.mu is the only mutex; it is never held while blocking
// on a channel or on I/O.
type Server struct {
	ln   net.Listener
	wire *wire
	addr string

	busy atomic.Bool      // an Invoke is in progress
	work chan *invocation // at most one invocation waiting for /next
	init chan struct{}    // closed when the init phase ends, either way
	dead chan struct{}    // closed by fail: the environment is unusable
	wg   sync.WaitGroup   // the serving goroutine
	once sync.Once        // Close

	mu       sync.Mutex
	ready    chan struct{} // closed while the runtime waits in /next; replaced on delivery
	isReady  bool          // ready is closed
	state    state
	initErr  *InitError    // set with state InitError
	failErr  error         // why the environment failed; set once, with dead closed
	current  *invocation   // the invocation delivered to the runtime, until answered
	poller   chan struct{} // closed to end the /next that waits, when another one comes
	lastID   string        // the request id of the last delivered invocation
	initDone bool
}

// New starts a Runtime API server on 127.0.0.1 on a free port.
func New(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: listen: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		ln:    ln,
		addr:  ln.Addr().String(),
		work:  make(chan *invocation, 1),
		ready: make(chan struct{}),
		init:  make(chan struct{}),
		dead:  make(chan struct{}),
	}
	var l net.Listener = ln
	if opts.AllowedUID >= 0 {
		l = &uidListener{Listener: ln, uid: opts.AllowedUID, log: log}
	}
	// No timeouts: /next is a long poll that lasts until the next
	// invocation, and only the environment can connect.
	s.wire = newWire(s.router())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.wire.serve(l)
	}()
	return s, nil
}

// Addr returns the server's address ("127.0.0.1:PORT"), the value of
// AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.addr }

// Close stops the server: pending WaitInit and Invoke calls return ErrClosed
// (unless they already failed otherwise), runtime connections are closed.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.fail(ErrClosed)
		s.ln.Close()
		s.wg.Wait()
		s.wire.close()
	})
	return nil
}

// Fail tells the server that the environment's runtime is gone — typically
// that its process exited, with err its exit status (nil for exit status 0).
// Pending and later WaitInit and Invoke calls return an *ExitError.
func (s *Server) Fail(err error) { s.fail(&ExitError{Err: err}) }

// fail marks the environment unusable for cause, once; later causes are
// ignored.
func (s *Server) fail(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLocked(cause)
}

func (s *Server) failLocked(cause error) {
	if s.failErr != nil {
		return
	}
	s.failErr = cause
	if s.state != stateInitError {
		s.state.fail()
	}
	close(s.dead)
}

// uidListener accepts only connections from one uid.
type uidListener struct {
	net.Listener
	uid int
	log *slog.Logger
}

func (l *uidListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		uid, err := peerUID(c)
		if err == nil && uid == l.uid {
			return c, nil
		}
		l.log.Warn("runtime API: refused connection", "remote", c.RemoteAddr().String(), "uid", uid, "want_uid", l.uid, "err", err)
		c.Close()
	}
}
