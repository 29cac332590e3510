// Package awsclient sends SigV4-signed requests to an AWS-compatible
// endpoint (gureum, LocalStack, AWS). The small clients gureum's commands use
// (lambdaclient, the sfn commands) build on it instead of the full AWS SDK.
package awsclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/awsapi/sigv4"
)

// Client holds the endpoint and credentials. Empty credentials sign as
// test/test and an empty region is us-east-1 (LocalStack's conventions).
type Client struct {
	Endpoint    string // e.g. http://127.0.0.1:4566
	Region      string
	AccessKeyID string
	SecretKey   string
	HTTP        *http.Client // default http.DefaultClient
}

// Send signs and sends one request for service and returns the response
// (its body already read and closed) whatever its status.
func (c *Client) Send(ctx context.Context, service, method, path string, query url.Values, header http.Header, body []byte) (*http.Response, []byte, error) {
	u := strings.TrimRight(c.Endpoint, "/") + path
	if q := query.Encode(); q != "" {
		u += "?" + q
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	region, key, secret := c.Region, c.AccessKeyID, c.SecretKey
	if region == "" {
		region = "us-east-1"
	}
	if key == "" {
		key, secret = "test", "test"
	}
	sr := &sigv4.Request{Method: req.Method, RawPath: req.URL.EscapedPath(), Query: req.URL.RawQuery, Host: req.URL.Host, Header: req.Header, Body: body}
	req.Header.Set("Authorization", sigv4.Authorize(sr, key, secret, region, service, time.Now()))
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	return resp, raw, nil
}
