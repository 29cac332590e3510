package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
)

// DecodeLambdaJSON decodes a Lambda REST-JSON request body into v. Malformed
// bodies get InvalidRequestContentException, as Lambda answers them.
func DecodeLambdaJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return NewError(LambdaInvalidRequestContent, "Could not parse request body into json: Could not parse payload into json: Cannot deserialize value of type %s from %s at '%s'", te.Type, te.Value, te.Field)
		}
		return NewError(LambdaInvalidRequestContent, "Could not parse request body into json: Could not parse payload into json: %v", err)
	}
	return nil
}
