package awsapi

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/awsapi/sigv4"
)

// Auth is the SigV4 policy. When Required is false (a loopback bind, as
// LocalStack does) any credentials are accepted and only the region and
// account are read from them. When true, every AWS request must carry a
// valid signature by one of Keys.
type Auth struct {
	Required bool
	Keys     map[string]string // access key ID → secret access key
	Now      func() time.Time
}

var twelveDigits = regexp.MustCompile(`^[0-9]{12}$`)

func (a *Auth) authenticate(req *Request) error {
	authz, err := sigv4.Parse(req.Header.Get("Authorization"))
	if err == nil {
		req.Region = authz.Region
		req.AccessKeyID = authz.AccessKeyID
		if twelveDigits.MatchString(authz.AccessKeyID) {
			req.Account = authz.AccessKeyID // LocalStack: a 12-digit key names the account
		}
	}
	if !a.Required {
		return nil
	}
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		if strings.Contains(req.URL.RawQuery, "X-Amz-Signature=") {
			return NewError(CommonIncompleteSignature, "Query-string (presigned) authentication is not supported; sign the Authorization header.")
		}
		return NewError(CommonMissingAuthenticationToken, "")
	case err != nil:
		return NewError(CommonIncompleteSignature, "%s", strings.TrimPrefix(err.Error(), sigv4.ErrMalformed.Error()+": "))
	}
	secret, ok := a.Keys[authz.AccessKeyID]
	if !ok {
		return NewError(CommonUnrecognizedClient, "")
	}
	host := req.Host
	sr := &sigv4.Request{Method: req.Method, RawPath: rawPath(req), Query: req.URL.RawQuery, Host: host,
		Header: req.Header, ContentLength: req.ContentLength, Body: req.Body}
	err = sigv4.Verify(sr, authz, secret, a.Now())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sigv4.ErrExpired):
		return NewError(CommonInvalidSignature, "%s", strings.TrimPrefix(err.Error(), sigv4.ErrExpired.Error()+": "))
	case errors.Is(err, sigv4.ErrMalformed):
		return NewError(CommonIncompleteSignature, "%s", strings.TrimPrefix(err.Error(), sigv4.ErrMalformed.Error()+": "))
	default:
		return NewError(CommonInvalidSignature, "")
	}
}

// rawPath is the request path exactly as the client sent it.
func rawPath(req *Request) string {
	if uri := req.RequestURI; uri != "" && uri[0] == '/' {
		p, _, _ := strings.Cut(uri, "?")
		return p
	}
	return req.URL.EscapedPath()
}
