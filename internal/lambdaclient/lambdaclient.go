// Package lambdaclient is a small client for the Lambda Invoke API of any
// Lambda-compatible endpoint (gureum itself, LocalStack, AWS), signed with
// SigV4 through awsclient. gureum's in-process runners use it where the full AWS SDK would be
// needless weight in the binary.
package lambdaclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gureum-dev/gureum/internal/awsclient"
)

// Client invokes functions at Endpoint.
type Client struct {
	Endpoint    string // e.g. http://127.0.0.1:4566
	Region      string
	AccessKeyID string
	SecretKey   string
	HTTP        *http.Client
}

// Request is one Invoke call.
type Request struct {
	FunctionName   string
	Qualifier      string
	Payload        []byte
	InvocationType string // RequestResponse (default), Event, DryRun
	LogType        string // None, Tail
	ClientContext  string
}

// Response is Invoke's answer.
type Response struct {
	StatusCode      int
	Payload         []byte
	FunctionError   string // X-Amz-Function-Error
	ExecutedVersion string
	LogResult       string
	RequestID       string
	Header          http.Header
}

// APIError is an error answered by the Lambda API itself (not by the
// function): ResourceNotFoundException, TooManyRequestsException, ...
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		e.Message, e.StatusCode, e.Code, e.RequestID)
}

// Invoke calls the function.
func (c *Client) Invoke(ctx context.Context, r Request) (*Response, error) {
	q := url.Values{}
	if r.Qualifier != "" {
		q.Set("Qualifier", r.Qualifier)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	if r.InvocationType != "" {
		h.Set("X-Amz-Invocation-Type", r.InvocationType)
	}
	if r.LogType != "" {
		h.Set("X-Amz-Log-Type", r.LogType)
	}
	if r.ClientContext != "" {
		h.Set("X-Amz-Client-Context", r.ClientContext)
	}
	resp, body, err := c.Call(ctx, http.MethodPost, "/2015-03-31/functions/"+url.PathEscape(r.FunctionName)+"/invocations", q, h, r.Payload)
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: resp.StatusCode, Payload: body, FunctionError: resp.Header.Get("X-Amz-Function-Error"),
		ExecutedVersion: resp.Header.Get("X-Amz-Executed-Version"), LogResult: resp.Header.Get("X-Amz-Log-Result"),
		RequestID: resp.Header.Get("X-Amzn-Requestid"), Header: resp.Header}, nil
}

// Call sends one signed Lambda API request and returns the response and its
// body; an error status becomes an *APIError.
func (c *Client) Call(ctx context.Context, method, path string, query url.Values, header http.Header, payload []byte) (*http.Response, []byte, error) {
	ac := awsclient.Client{Endpoint: c.Endpoint, Region: c.Region, AccessKeyID: c.AccessKeyID, SecretKey: c.SecretKey, HTTP: c.HTTP}
	resp, body, err := ac.Send(ctx, "lambda", method, path, query, header, payload)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode >= 300 {
		e := &APIError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Amzn-Requestid"), Code: resp.Header.Get("X-Amzn-Errortype")}
		var b struct {
			Message  string `json:"message"`
			Message2 string `json:"Message"`
		}
		_ = json.Unmarshal(body, &b)
		e.Message = b.Message + b.Message2
		if i := strings.IndexByte(e.Code, ':'); i >= 0 {
			e.Code = e.Code[:i]
		}
		if e.Code == "" {
			e.Code = http.StatusText(resp.StatusCode)
		}
		return nil, nil, e
	}
	return resp, body, nil
}
