package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/awsapi/sigv4"
)

const (
	suiteKey    = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	emptySHA    = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Vectors from AWS's published SigV4 test suite (aws-sig-v4-test-suite) and
// the S3 API reference's "GET Object" example.
func TestPublishedVectors(t *testing.T) {
	t.Parallel()
	suiteAt := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, method, path, query, host string
		headers                         map[string]string
		signed                          []string
		scope                           string
		key, secret                     string
		at                              time.Time
		want                            string
	}{
		{"get-vanilla", "GET", "/", "", "example.amazonaws.com", map[string]string{"X-Amz-Date": "20150830T123600Z"},
			[]string{"host", "x-amz-date"}, "20150830/us-east-1/service/aws4_request", suiteKey, suiteSecret, suiteAt,
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", "example.amazonaws.com", map[string]string{"X-Amz-Date": "20150830T123600Z"},
			[]string{"host", "x-amz-date"}, "20150830/us-east-1/service/aws4_request", suiteKey, suiteSecret, suiteAt,
			"b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"post-vanilla", "POST", "/", "", "example.amazonaws.com", map[string]string{"X-Amz-Date": "20150830T123600Z"},
			[]string{"host", "x-amz-date"}, "20150830/us-east-1/service/aws4_request", suiteKey, suiteSecret, suiteAt,
			"5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"s3-get-object", "GET", "/test.txt", "", "examplebucket.s3.amazonaws.com",
			map[string]string{"X-Amz-Date": "20130524T000000Z", "Range": "bytes=0-9", "X-Amz-Content-Sha256": emptySHA},
			[]string{"host", "range", "x-amz-content-sha256", "x-amz-date"}, "20130524/us-east-1/s3/aws4_request",
			"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC),
			"f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tc.headers {
				h.Set(k, v)
			}
			authz := "AWS4-HMAC-SHA256 Credential=" + tc.key + "/" + tc.scope + ", SignedHeaders=" +
				strings.Join(tc.signed, ";") + ", Signature=" + tc.want
			a, err := sigv4.Parse(authz)
			require.NoError(t, err)
			req := &sigv4.Request{Method: tc.method, RawPath: tc.path, Query: tc.query, Host: tc.host, Header: h}
			require.NoError(t, sigv4.Verify(req, a, tc.secret, tc.at))
			require.ErrorIs(t, sigv4.Verify(req, a, tc.secret+"x", tc.at), sigv4.ErrSignatureMismatch)
		})
	}
}

// signWithSDK signs a request with the AWS SDK for Go v2's signer, as a real
// client would, and returns what the server would see.
func signWithSDK(t *testing.T, method, url string, body []byte, hdr map[string]string, secret string, at time.Time) (*sigv4.Request, *sigv4.Authorization) {
	t.Helper()
	r, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "lambda", "eu-west-2", at)
	require.NoError(t, err)
	a, err := sigv4.Parse(r.Header.Get("Authorization"))
	require.NoError(t, err)
	return &sigv4.Request{Method: r.Method, RawPath: r.URL.EscapedPath(), Query: r.URL.RawQuery, Host: r.URL.Host,
		Header: r.Header, ContentLength: r.ContentLength, Body: body}, a
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	for _, tc := range []struct {
		name, method, url string
		body              string
		hdr               map[string]string
	}{
		{"list", "GET", "http://127.0.0.1:4566/2015-03-31/functions/?MaxItems=10&Marker=a%20b", "", nil},
		{"invoke-arn-path", "POST", "http://127.0.0.1:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations",
			`{"x":1}`, map[string]string{"X-Amz-Invocation-Type": "RequestResponse", "Content-Type": "application/json"}},
		{"json10", "POST", "http://localhost:4566/", `{}`, map[string]string{"X-Amz-Target": "AWSStepFunctions.ListStateMachines",
			"Content-Type": "application/x-amz-json-1.0"}},
		{"unicode-path", "GET", "http://127.0.0.1:4566/2015-03-31/functions/%ED%95%9C", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, a := signWithSDK(t, tc.method, tc.url, []byte(tc.body), tc.hdr, "s3cret", now)
			require.Equal(t, "eu-west-2", a.Region)
			require.Equal(t, "AKIDTEST", a.AccessKeyID)
			require.NoError(t, sigv4.Verify(req, a, "s3cret", now))
			require.ErrorIs(t, sigv4.Verify(req, a, "wrong", now), sigv4.ErrSignatureMismatch)

			tampered := *req
			tampered.Body = append([]byte(tc.body), ' ')
			require.ErrorIs(t, sigv4.Verify(&tampered, a, "s3cret", now), sigv4.ErrSignatureMismatch)
		})
	}
}

func TestClockSkew(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	req, a := signWithSDK(t, "GET", "http://127.0.0.1:4566/2015-03-31/functions/", nil, nil, "k", at)
	require.NoError(t, sigv4.Verify(req, a, "k", at.Add(4*time.Minute)))
	require.NoError(t, sigv4.Verify(req, a, "k", at.Add(-4*time.Minute)))
	err := sigv4.Verify(req, a, "k", at.Add(6*time.Minute))
	require.ErrorIs(t, err, sigv4.ErrExpired)
	require.Contains(t, err.Error(), "Signature expired: 20260102T030405Z is now earlier than 20260102T030505Z (20260102T031005Z - 5 min.)")
	require.ErrorIs(t, sigv4.Verify(req, a, "k", at.Add(-6*time.Minute)), sigv4.ErrExpired)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, h := range []string{
		"AWS4-HMAC-SHA1 Credential=a/20200101/us-east-1/s/aws4_request, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=a/2020/us-east-1/s/aws4_request, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=a/20200101/us-east-1/s/aws4_request, Signature=00",
		"AWS4-HMAC-SHA256 Credential=a/20200101/us-east-1/s/aws4_request, SignedHeaders=x-amz-date, Signature=00",
		"AWS4-HMAC-SHA256 Credential=a/20200101/us-east-1/s/aws4_request, SignedHeaders=x-amz-date;host, Signature=00",
		"AWS4-HMAC-SHA256 garbage",
		"Bearer abc",
	} {
		_, err := sigv4.Parse(h)
		require.ErrorIs(t, err, sigv4.ErrMalformed, h)
	}
	_, err := sigv4.Parse("")
	require.ErrorIs(t, err, sigv4.ErrMissing)
}

func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa0")
	f.Add("AWS4-HMAC-SHA256 ,,,=")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := sigv4.Parse(h)
		if err != nil {
			return
		}
		req := &sigv4.Request{Method: "GET", RawPath: "/%zz/", Query: "a=%&b", Header: http.Header{"X-Amz-Date": {"20150830T123600Z"}}}
		_ = sigv4.Verify(req, a, "s", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC))
	})
}

func TestAuthorizeVerifies(t *testing.T) {
	t.Parallel()
	now := time.Now()
	req := &sigv4.Request{Method: "POST", RawPath: "/2015-03-31/functions/f/invocations", Host: "127.0.0.1:4566",
		Header: http.Header{"Content-Type": {"application/json"}, "X-Amz-Invocation-Type": {"RequestResponse"}}, Body: []byte(`{}`)}
	authz := sigv4.Authorize(req, "AKID", "secret", "us-east-1", "lambda", now)
	a, err := sigv4.Parse(authz)
	require.NoError(t, err)
	require.Equal(t, []string{"content-type", "host", "x-amz-date", "x-amz-invocation-type"}, a.SignedHeaders)
	require.NoError(t, sigv4.Verify(req, a, "secret", now))
}
