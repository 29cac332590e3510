package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// JSON adapts a typed JSON 1.0 operation: the body is decoded into In (an
// empty body counts as {}), a decoding failure is a SerializationException,
// and Out is written with status 200.
func JSON[In, Out any](fn func(ctx context.Context, r *Request, in *In) (*Out, error)) HandlerFunc {
	return jsonHandler(ContentTypeJSON10, fn)
}

// JSON11Handler is JSON for JSON 1.1 operations (CloudWatch Logs): the same
// decoding and errors, answered as application/x-amz-json-1.1.
func JSON11Handler[In, Out any](fn func(ctx context.Context, r *Request, in *In) (*Out, error)) HandlerFunc {
	return jsonHandler(ContentTypeJSON11, fn)
}

func jsonHandler[In, Out any](contentType string, fn func(ctx context.Context, r *Request, in *In) (*Out, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *Request) error {
		in := new(In)
		if err := DecodeJSON10(r.Body, in); err != nil {
			return err
		}
		out, err := fn(r.Context(), r, in)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, contentType, out)
	}
}

// DecodeJSON10 decodes a JSON 1.0 request body into v, answering malformed
// input with SerializationException worded after AWS's messages.
func DecodeJSON10(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return NewError(CommonSerialization, "Start of structure or map found where not expected.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return serializationError(err)
	}
	return nil
}

func serializationError(err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return NewError(CommonSerialization, "Value of type %s at '%s' cannot be converted to %s", te.Value, te.Field, te.Type.String())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return NewError(CommonSerialization, "Invalid JSON at offset %d: %v", se.Offset, se)
	}
	return NewError(CommonSerialization, "The request body could not be parsed: %v", err)
}
