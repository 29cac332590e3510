package runtimeapi

import "net/http"

// handleNext serves GET /runtime/invocation/next: it waits for an invocation
// and hands it to the runtime.
func (s *Server) handleNext(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	initDone, err := s.state.next()
	if err != nil {
		s.mu.Unlock()
		renderInvalidStateTransition(w, err.(*transitionError))
		return
	}
	if initDone {
		s.initDone = true
		close(s.init)
	}
	if !s.isReady {
		s.isReady = true
		close(s.ready)
	}
	// A runtime waits in one /next at a time: a new one means that the
	// connection of the previous one is gone (it would swallow the event).
	if s.poller != nil {
		close(s.poller)
	}
	superseded := make(chan struct{})
	s.poller = superseded
	s.mu.Unlock()

	select {
	case x := <-s.work:
		s.mu.Lock()
		select {
		case <-superseded: // the newer /next takes it
			s.work <- x // never blocks: the slot was x's
			s.mu.Unlock()
			return
		default:
		}
		if !s.state.deliver() {
			// The environment failed (or the invocation was given up)
			// while we waited.
			s.mu.Unlock()
			renderInternalServerError(w)
			return
		}
		s.current = x
		s.lastID = x.RequestID
		s.ready, s.isReady = make(chan struct{}), false
		s.poller = nil
		s.mu.Unlock()
		renderInvocation(w, x)
	case <-s.dead:
		renderInternalServerError(w)
	case <-superseded: // hang up
	}
}
