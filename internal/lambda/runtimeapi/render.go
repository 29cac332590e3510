package runtimeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Every response the Runtime API sends to a runtime client is rendered here,
// in the shapes of AWS's runtime interface emulator.

// apiError is the body of the Runtime API's error responses.
type apiError struct {
	ErrorMessage string    `json:"errorMessage"`
	ErrorType    ErrorType `json:"errorType"`
}

// renderJSON writes a JSON response. body must not change afterwards: it
// may be written to the connection after the handler returns, without a
// copy.
func renderJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if ow, ok := w.(ownedWriter); ok {
		ow.writeOwned(body)
		return
	}
	w.Write(body) //nolint:errcheck // the runtime hung up: nothing to tell it
}

func renderError(w http.ResponseWriter, status int, t ErrorType, msg string) {
	b, _ := json.Marshal(apiError{ErrorMessage: msg, ErrorType: t})
	renderJSON(w, status, b)
}

var acceptedBody = []byte(`{"status":"OK"}`)

// renderAccepted answers a response, error or init error the API took.
func renderAccepted(w http.ResponseWriter) { renderJSON(w, http.StatusAccepted, acceptedBody) }

// renderInvalidStateTransition answers a call the runtime's state does not
// allow (403).
func renderInvalidStateTransition(w http.ResponseWriter, err *transitionError) {
	renderError(w, http.StatusForbidden, ErrorTypeInvalidStateTransition, err.Error())
}

// renderInvalidRequestID answers a response or error for an invocation that
// is not the current one (400).
func renderInvalidRequestID(w http.ResponseWriter) {
	renderError(w, http.StatusBadRequest, ErrorTypeInvalidRequestID, "Invalid request ID")
}

// renderRequestEntityTooLarge answers a response larger than MaxPayloadSize
// (413). The invoker gets Function.ResponseSizeTooLarge instead.
func renderRequestEntityTooLarge(w http.ResponseWriter) {
	renderError(w, http.StatusRequestEntityTooLarge, ErrorTypeRequestEntityTooLarge,
		fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", MaxPayloadSize))
}

// renderInternalServerError answers when the environment is shutting down
// or the request body could not be read (500).
func renderInternalServerError(w http.ResponseWriter) {
	renderError(w, http.StatusInternalServerError, ErrorTypeInternalServerError, "Internal Server Error")
}

// renderInvocation answers /next with an invocation: the event as the body,
// its context in Lambda-Runtime-* headers.
func renderInvocation(w http.ResponseWriter, inv *invocation) {
	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{inv.RequestID}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(inv.Deadline.UnixMilli(), 10)}
	setIfNotEmpty(h, "Lambda-Runtime-Invoked-Function-Arn", inv.FunctionArn)
	setIfNotEmpty(h, "Lambda-Runtime-Trace-Id", inv.TraceID)
	setIfNotEmpty(h, "Lambda-Runtime-Client-Context", inv.ClientContext)
	setIfNotEmpty(h, "Lambda-Runtime-Cognito-Identity", inv.CognitoIdentity)
	payload := inv.Payload
	if len(payload) == 0 {
		payload = emptyEvent
	}
	renderJSON(w, http.StatusOK, payload)
}

// emptyEvent is the event of an invocation without a payload, as on AWS.
var emptyEvent = []byte("{}")

func setIfNotEmpty(h http.Header, key, value string) {
	if value != "" {
		h[key] = []string{value}
	}
}

// errorPayloadTooLarge is what the invoker gets when the runtime's response
// is too large.
var errorPayloadTooLarge = []byte(fmt.Sprintf(
	`{"errorMessage":"Response payload size exceeded maximum allowed payload size (%d bytes).","errorType":"%s"}`,
	MaxPayloadSize, ErrorTypeResponseSizeTooLarge))
