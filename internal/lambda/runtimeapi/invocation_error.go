package runtimeapi

import (
	"encoding/json"
	"net/http"
)

// errorWithCauseContentType is the content type of error bodies that carry
// an X-Ray "errorCause"; the cause is not passed on to the invoker.
const errorWithCauseContentType = "application/vnd.aws.lambda.error.cause+json"

// handleInvocationError serves POST /runtime/invocation/{awsRequestId}/error:
// the handler failed. The body goes to the invoker as the function error's
// payload.
func (s *Server) handleInvocationError(w http.ResponseWriter, r *http.Request) {
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
	x, terr := s.answerLocked(id, toInvocationErrorResponse)
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
	res := functionErrorResult(r, body)
	s.completeLocked(x, res)
	s.mu.Unlock()
	renderAccepted(w)
}

// functionErrorResult turns a posted error into the invoker's Result.
func functionErrorResult(r *http.Request, body []byte) *Result {
	contentType := r.Header.Get("Content-Type")
	var parsed struct {
		ErrorMessage string          `json:"errorMessage"`
		ErrorType    ErrorType       `json:"errorType"`
		StackTrace   []string        `json:"stackTrace,omitempty"`
		ErrorCause   json.RawMessage `json:"errorCause,omitempty"`
	}
	jsonErr := json.Unmarshal(body, &parsed)
	if contentType == errorWithCauseContentType {
		contentType = "application/json"
		if jsonErr == nil {
			parsed.ErrorCause = nil
			body, _ = json.Marshal(parsed)
		}
	}
	t := parsed.ErrorType
	if jsonErr != nil || t == "" {
		t = ErrorType(r.Header.Get("Lambda-Runtime-Function-Error-Type"))
	}
	if t == "" {
		t = FunctionUnhandled
	}
	return &Result{Payload: body, ContentType: contentType, FunctionError: FunctionUnhandled, ErrorType: t}
}
