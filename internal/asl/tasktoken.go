package asl

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// Task tokens.
//
// With StartOptions.TaskTokenKey set, the task token of a .waitForTaskToken
// task or an activity names its execution and is signed: it is the base64url
// encoding of
//
//	version (1 byte) | uvarint len(executionArn) | executionArn | uvarint seq | mac
//
// where seq numbers the execution's tokens (each attempt of a task gets a new
// one) and mac is the first taskTokenMACSize bytes of
// HMAC-SHA256(key, executionArn | 0 | seq). Whoever holds the execution's key
// (the service, never a client) can tell a token it issued from a forged one;
// anyone can read which execution a token belongs to, which is all the
// service needs to route SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat. The key is a secret random value chosen when the
// execution starts, so tokens cannot be guessed from what a client sees.

const (
	taskTokenVersion = 1
	taskTokenMACSize = 24
)

// taskTokenMAC signs (executionArn, seq) with key.
func taskTokenMAC(key []byte, executionArn string, seq uint64) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(executionArn))
	var b [1 + binary.MaxVarintLen64]byte
	n := binary.PutUvarint(b[1:], seq)
	m.Write(b[:1+n])
	return m.Sum(nil)[:taskTokenMACSize]
}

// newTaskToken returns the signed token number seq of an execution.
func newTaskToken(key []byte, executionArn string, seq uint64) string {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(executionArn)+taskTokenMACSize)
	b = append(b, taskTokenVersion)
	b = binary.AppendUvarint(b, uint64(len(executionArn)))
	b = append(b, executionArn...)
	b = binary.AppendUvarint(b, seq)
	b = append(b, taskTokenMAC(key, executionArn, seq)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseTaskToken splits a signed token into its parts.
func parseTaskToken(token string) (executionArn string, seq uint64, mac []byte, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 2 || b[0] != taskTokenVersion {
		return "", 0, nil, false
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n == 0 || n > uint64(len(b)-k) {
		return "", 0, nil, false
	}
	b = b[k:]
	executionArn, b = string(b[:n]), b[n:]
	seq, k = binary.Uvarint(b)
	if k <= 0 || len(b)-k != taskTokenMACSize {
		return "", 0, nil, false
	}
	return executionArn, seq, b[k:], true
}

// TaskTokenExecution returns the execution a signed task token names, and
// false when token is not shaped like one. It does not check the signature:
// see VerifyTaskToken.
func TaskTokenExecution(token string) (string, bool) {
	executionArn, _, _, ok := parseTaskToken(token)
	return executionArn, ok
}

// VerifyTaskToken reports whether token was issued by an execution started
// with key (StartOptions.TaskTokenKey).
func VerifyTaskToken(key []byte, token string) bool {
	executionArn, seq, mac, ok := parseTaskToken(token)
	return ok && len(key) > 0 && hmac.Equal(mac, taskTokenMAC(key, executionArn, seq))
}
