package runtimeapi

import (
	"context"
	"time"
)

// Invocation is one request for the runtime.
type Invocation struct {
	RequestID string    // Lambda-Runtime-Aws-Request-Id; required
	Payload   []byte    // the event; empty means {}; must not change while Invoke runs
	Deadline  time.Time // Lambda-Runtime-Deadline-Ms; zero: the ctx deadline, else 15 minutes from now
	// Timeout is the function's configured timeout, named in the
	// "Task timed out after N.NN seconds" message; zero: the time from the
	// start of Invoke to Deadline.
	Timeout         time.Duration
	FunctionArn     string // Lambda-Runtime-Invoked-Function-Arn (qualified when invoked so)
	TraceID         string // Lambda-Runtime-Trace-Id (X-Ray header value)
	ClientContext   string // Lambda-Runtime-Client-Context (JSON)
	CognitoIdentity string // Lambda-Runtime-Cognito-Identity (JSON)
}

// Result is the runtime's answer to an invocation.
type Result struct {
	// Payload is the response body, or the error body the runtime posted.
	Payload []byte
	// ContentType is the Content-Type the runtime posted with the payload.
	ContentType string
	// FunctionError is "" for a response and FunctionUnhandled for an
	// error (the Invoke API's X-Amz-Function-Error).
	FunctionError string
	// ErrorType is the error's type: the errorType of the posted JSON
	// body, else its Lambda-Runtime-Function-Error-Type header. Empty for
	// a response.
	ErrorType ErrorType
}

// maxDeadline is the deadline of an invocation that has none: Lambda's
// longest timeout.
const maxDeadline = 15 * time.Minute

// invocation is an Invocation on its way through the server.
type invocation struct {
	Invocation
	done   chan struct{} // closed, under Server.mu, when result is set
	result *Result
}

// WaitInit waits for the end of the runtime's init phase: it returns nil
// when the runtime first asks for an invocation, an *InitError when it posts
// /runtime/init/error, an *ExitError when Fail is called first, and a
// *TimeoutError when ctx ends first (the init timeout; the environment must
// then be killed).
func (s *Server) WaitInit(ctx context.Context) error {
	start := time.Now()
	select {
	case <-s.init:
	case <-s.dead:
	case <-ctx.Done():
		select {
		case <-s.init:
		case <-s.dead:
		default:
			err := &TimeoutError{Err: ctx.Err()}
			if d, ok := ctx.Deadline(); ok {
				err.Timeout = d.Sub(start)
			}
			s.fail(err)
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initErr != nil {
		return s.initErr
	}
	if s.initDone {
		return nil
	}
	return s.failErr
}

// WaitIdle returns when the runtime waits in /next for an invocation: its
// previous invocation is fully done, and the environment can be frozen
// without stopping it halfway. It returns the environment's failure, if
// any, or ctx's error.
func (s *Server) WaitIdle(ctx context.Context) error {
	s.mu.Lock()
	if s.failErr != nil {
		defer s.mu.Unlock()
		return s.errorFor("")
	}
	ready := s.ready
	s.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-s.dead:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.errorFor("")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Invoke hands inv to the runtime and waits for its answer. A response or an
// error posted by the runtime is a *Result with a nil error (FunctionError
// tells them apart). Errors:
//   - *InitError: the runtime reported an init error (before or instead of
//     taking the invocation);
//   - *ExitError: Fail was called before the runtime answered;
//   - *TimeoutError: ctx ended first (the deadline: inv.Deadline or ctx's);
//   - ErrBusy: another Invoke is in progress on this server;
//   - ErrBroken, ErrClosed: the environment is unusable.
//
// After a *TimeoutError or *ExitError the environment must be killed and the
// server closed. A runtime's response larger than MaxPayloadSize is a Result
// with ErrorType Function.ResponseSizeTooLarge; the environment stays usable.
func (s *Server) Invoke(ctx context.Context, inv Invocation) (*Result, error) {
	if !s.busy.CompareAndSwap(false, true) {
		return nil, ErrBusy
	}
	defer s.busy.Store(false)

	start := time.Now()
	if inv.Deadline.IsZero() {
		if d, ok := ctx.Deadline(); ok {
			inv.Deadline = d
		} else {
			inv.Deadline = start.Add(maxDeadline)
		}
	}
	if d, ok := ctx.Deadline(); !ok || inv.Deadline.Before(d) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, inv.Deadline)
		defer cancel()
	}
	x := &invocation{Invocation: inv, done: make(chan struct{})}

	s.mu.Lock()
	if s.failErr != nil {
		err := s.errorFor(inv.RequestID)
		s.mu.Unlock()
		return nil, err
	}
	s.mu.Unlock()
	s.work <- x // never blocks: busy guarantees the slot is free

	select {
	case <-x.done:
		return x.result, nil
	case <-s.dead:
	case <-ctx.Done():
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-x.done: // answered while we were giving up: the answer wins
		return x.result, nil
	default:
	}
	select {
	case <-s.work: // never delivered
	default:
	}
	if s.current == x {
		s.current = nil
	}
	if s.failErr == nil {
		timeout := inv.Timeout
		if timeout == 0 {
			timeout = inv.Deadline.Sub(start)
		}
		s.failLocked(&TimeoutError{RequestID: inv.RequestID, Timeout: timeout, Err: ctx.Err()})
	}
	return nil, s.errorFor(inv.RequestID)
}

// errorFor returns the failure of the environment as seen by the invocation
// with the given request id. Called with s.mu held.
func (s *Server) errorFor(requestID string) error {
	if s.initErr != nil {
		return s.initErr
	}
	switch e := s.failErr.(type) {
	case *ExitError:
		c := *e
		c.RequestID = requestID
		return &c
	case *TimeoutError:
		if e.RequestID == requestID {
			return e
		}
		return ErrBroken
	}
	if s.failErr == ErrClosed {
		return ErrClosed
	}
	return ErrBroken
}

// complete records the runtime's answer to x and wakes its Invoke. Called
// with s.mu held.
func (s *Server) completeLocked(x *invocation, r *Result) {
	x.result = r
	s.current = nil
	close(x.done)
}
