package runtimeapi

import (
	"encoding/json"
	"net/http"
)

// handleInitError serves POST /runtime/init/error: the runtime could not
// initialize the function (and exits next). WaitInit and Invoke return the
// error as an *InitError.
func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, _, err := readPayload(r)
	if err != nil {
		renderInternalServerError(w)
		return
	}
	ie := &InitError{Type: ErrorType(r.Header.Get("Lambda-Runtime-Function-Error-Type")), Payload: body}
	var parsed struct {
		ErrorMessage string    `json:"errorMessage"`
		ErrorType    ErrorType `json:"errorType"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		ie.Message = parsed.ErrorMessage
		if parsed.ErrorType != "" {
			ie.Type = parsed.ErrorType
		}
	}
	if ie.Type == "" {
		ie.Type = ErrorTypeUnknown
	}

	s.mu.Lock()
	if err := s.state.initError(); err != nil {
		s.mu.Unlock()
		renderInvalidStateTransition(w, err.(*transitionError))
		return
	}
	s.initErr = ie
	close(s.init)
	s.failLocked(ie)
	s.mu.Unlock()
	renderAccepted(w)
}
