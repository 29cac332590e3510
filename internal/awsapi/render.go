package awsapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
)

// Content types of the protocols.
const (
	ContentTypeJSON10 = "application/x-amz-json-1.0"
	ContentTypeJSON11 = "application/x-amz-json-1.1"
	ContentTypeJSON   = "application/json"
)

// contentType is the protocol's response content type.
func (p Protocol) contentType() string {
	switch p {
	case JSON10:
		return ContentTypeJSON10
	case JSON11:
		return ContentTypeJSON11
	}
	return ContentTypeJSON
}

// writeError renders err in protocol p's AWS shape:
//
//	JSON 1.0/1.1: {"__type": "Code", "message": "..."}
//	REST-JSON: header x-amzn-ErrorType: Code, body {"Type": "User", "message": "..."}
//
// Errors that are not *Error are internal: they are logged and answered as
// 500 ServiceException without their text.
func (m *Mux) writeError(w http.ResponseWriter, r *http.Request, p Protocol, err error, log *slog.Logger) {
	if log == nil {
		log = m.cfg.Logger.With("request_id", RequestID(r.Context()))
	}
	var ae *Error
	if !errors.As(err, &ae) {
		log.Error("internal error", "path", r.URL.Path, "err", err)
		ae = NewError(CommonService, "An internal error occurred (request %s).", RequestID(r.Context()))
		if p == RESTJSON {
			ae.Kind = LambdaService
		}
	} else if ae.Cause != nil || ae.Kind.Status >= 500 {
		log.Error("request failed", "path", r.URL.Path, "code", ae.Kind.Code, "message", ae.Message, "cause", ae.Cause)
	}
	body := make(map[string]any, 3+len(ae.Fields))
	for k, v := range ae.Fields {
		body[k] = v
	}
	h := w.Header()
	switch p {
	case JSON10, JSON11:
		h.Set("Content-Type", p.contentType())
		body["__type"] = ae.Kind.Code
		body["message"] = ae.Message
	default:
		h.Set("Content-Type", ContentTypeJSON)
		h.Set("X-Amzn-Errortype", ae.Kind.Code)
		body["Type"] = ae.Kind.Fault
		body["message"] = ae.Message
	}
	b, _ := json.Marshal(body)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(ae.Kind.Status)
	_, _ = w.Write(b)
}

// WriteJSON writes v as a JSON response with status and content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}
