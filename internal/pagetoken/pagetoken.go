// Package pagetoken encodes list cursors as the opaque pagination tokens
// (Lambda's Marker, Step Functions' nextToken) that clients hand back.
package pagetoken

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrInvalid is returned for tokens this server did not issue.
var ErrInvalid = errors.New("invalid pagination token")

const prefix = "g1:"

// Encode turns a store cursor into a token; the empty cursor is the empty
// token (no more pages).
func Encode(cursor string) string {
	if cursor == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + cursor))
}

// Decode reverses Encode; the empty token is the first page.
func Decode(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(b), prefix) || len(b) == len(prefix) {
		return "", ErrInvalid
	}
	return string(b[len(prefix):]), nil
}
