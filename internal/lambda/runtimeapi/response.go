package runtimeapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
)

// handleResponse serves POST /runtime/invocation/{awsRequestId}/response:
// the handler's result for the current invocation.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("awsRequestId")
	if !s.checkRequestID(w, id) {
		return
	}
	body, tooLarge, err := readPayload(r)
	if err != nil {
		renderInternalServerError(w)
		return
	}

	s.mu.Lock()
	x, terr := s.answerLocked(id, toInvocationResponse)
	if x == nil {
		s.mu.Unlock()
		s.renderAnswerError(w, terr)
		return
	}
	if tooLarge {
		s.completeLocked(x, &Result{Payload: errorPayloadTooLarge, ContentType: "application/json",
			FunctionError: FunctionUnhandled, ErrorType: ErrorTypeResponseSizeTooLarge})
		s.mu.Unlock()
		renderRequestEntityTooLarge(w)
		return
	}
	s.completeLocked(x, &Result{Payload: body, ContentType: r.Header.Get("Content-Type")})
	s.mu.Unlock()
	renderAccepted(w)
}

// checkRequestID answers 400 InvalidRequestID unless id is the request id
// of the last invocation handed to the runtime, as AWS's emulator does
// before looking at the state.
func (s *Server) checkRequestID(w http.ResponseWriter, id string) bool {
	s.mu.Lock()
	ok := id != "" && id == s.lastID
	s.mu.Unlock()
	if !ok {
		renderInvalidRequestID(w)
	}
	return ok
}

// answerLocked moves the state for the runtime's answer to invocation id
// and returns the invocation, or nil and why not.
func (s *Server) answerLocked(id, to string) (*invocation, error) {
	if id != s.lastID {
		return nil, errInvalidRequestID
	}
	if err := s.state.respond(to); err != nil {
		return nil, err
	}
	return s.current, nil
}

// errInvalidRequestID: an answer for an invocation that is not the current
// one.
var errInvalidRequestID = errors.New("invalid request id")

func (s *Server) renderAnswerError(w http.ResponseWriter, err error) {
	var te *transitionError
	switch {
	case errors.Is(err, errInvalidRequestID):
		renderInvalidRequestID(w)
	case errors.As(err, &te):
		renderInvalidStateTransition(w, te)
	default:
		renderInternalServerError(w)
	}
}

// readPayload reads a posted body of at most MaxPayloadSize bytes; beyond
// that it reports tooLarge (and drains the rest, so that the connection
// stays usable).
func readPayload(r *http.Request) (body []byte, tooLarge bool, err error) {
	if n, perr := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); perr == nil && n > MaxPayloadSize {
		_, err = io.Copy(io.Discard, r.Body)
		return nil, true, err
	}
	size := 512
	if r.ContentLength > 0 {
		size = int(r.ContentLength) + 1 // +1: ReadAll-style EOF detection without regrowing
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r.Body, MaxPayloadSize+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, rerr := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, false, rerr
		}
	}
	if len(buf) > MaxPayloadSize {
		_, err = io.Copy(io.Discard, r.Body)
		return nil, true, err
	}
	return buf, false, nil
}
