package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type echoIn struct {
	N int    `json:"n"`
	S string `json:"s"`
}

type echoOut struct {
	N      int    `json:"n"`
	Region string `json:"region"`
}

func newTestMux(t *testing.T, logs *bytes.Buffer) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(logs, nil))
	m := awsapi.NewMux(awsapi.Config{Logger: log})
	m.HandleTarget("Test.Echo", &awsapi.Operation{Service: "test", Name: "Echo", Protocol: awsapi.JSON10,
		Handler: awsapi.JSON(func(ctx context.Context, r *awsapi.Request, in *echoIn) (*echoOut, error) {
			return &echoOut{N: in.N, Region: r.Region}, nil
		})})
	m.HandleTarget("Test11.Echo", &awsapi.Operation{Service: "test11", Name: "Echo", Protocol: awsapi.JSON11,
		Handler: awsapi.JSON11Handler(func(ctx context.Context, r *awsapi.Request, in *echoIn) (*echoOut, error) {
			if in.N < 0 {
				return nil, awsapi.NewError(awsapi.CommonThrottling, "")
			}
			return &echoOut{N: in.N, Region: r.Region}, nil
		})})
	m.HandleTarget("Test.Panic", &awsapi.Operation{Service: "test", Name: "Panic", Protocol: awsapi.JSON10,
		Handler: func(http.ResponseWriter, *awsapi.Request) error { panic("boom") }})
	m.HandleREST("POST /rest/panic", &awsapi.Operation{Service: "test", Name: "RestPanic", Protocol: awsapi.RESTJSON,
		Handler: func(http.ResponseWriter, *awsapi.Request) error { panic("boom") }})
	m.HandleREST("POST /rest/small", &awsapi.Operation{Service: "test", Name: "Small", Protocol: awsapi.RESTJSON, MaxBody: 10,
		Handler: func(w http.ResponseWriter, r *awsapi.Request) error {
			return awsapi.WriteJSON(w, 200, awsapi.ContentTypeJSON, map[string]int{"len": len(r.Body)})
		}})
	m.HandleREST("GET /rest/fail", &awsapi.Operation{Service: "test", Name: "Fail", Protocol: awsapi.RESTJSON,
		Handler: func(w http.ResponseWriter, r *awsapi.Request) error {
			return awsapi.NewError(awsapi.LambdaTooManyRequests, "Rate Exceeded.").With("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded")
		}})
	m.Handle("GET /plain", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain") }))
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func do(t *testing.T, method, url string, hdr map[string]string, body string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	require.NotEmpty(t, resp.Header.Get("X-Amzn-RequestId"), "every response carries x-amzn-RequestId")
	return r
}

func json10(target string) map[string]string {
	return map[string]string{"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"}
}

func TestJSON10(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	srv := newTestMux(t, &logs)
	authz := "AWS4-HMAC-SHA256 Credential=test/20260101/ap-northeast-2/test/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	h := json10("Test.Echo")
	h["Authorization"] = authz
	r := do(t, "POST", srv.URL+"/", h, `{"n": 7, "unknown": true}`)
	require.Equal(t, 200, r.status)
	require.Equal(t, map[string]any{"n": 7.0, "region": "ap-northeast-2"}, r.body)
	require.Equal(t, awsapi.ContentTypeJSON10, r.header.Get("Content-Type"))

	for _, tc := range []struct {
		name   string
		hdr    map[string]string
		body   string
		status int
		code   string
	}{
		{"unknown-op", json10("Test.Nope"), `{}`, 400, "UnknownOperationException"},
		{"unknown-service", json10("Nope.Echo"), `{}`, 400, "UnknownOperationException"},
		{"garbage", json10("Test.Echo"), `{"n": `, 400, "SerializationException"},
		{"not-object", json10("Test.Echo"), `[1,2]`, 400, "SerializationException"},
		{"wrong-type", json10("Test.Echo"), `{"n": "seven"}`, 400, "SerializationException"},
		{"wrong-content-type", map[string]string{"X-Amz-Target": "Test.Echo", "Content-Type": "text/plain"}, `{}`, 400, "SerializationException"},
		{"binary", json10("Test.Echo"), "\x00\xff\xfe", 400, "SerializationException"},
		{"too-large", json10("Test.Echo"), `{"s": "` + strings.Repeat("x", awsapi.DefaultMaxJSONBody) + `"}`, 413, "RequestEntityTooLargeException"},
		{"panic", json10("Test.Panic"), `{}`, 500, "ServiceException"},
	} {
		r := do(t, "POST", srv.URL+"/", tc.hdr, tc.body)
		require.Equal(t, tc.status, r.status, tc.name)
		require.Equal(t, tc.code, r.body["__type"], tc.name)
		require.NotEmpty(t, r.body["message"], tc.name)
		require.Equal(t, awsapi.ContentTypeJSON10, r.header.Get("Content-Type"), tc.name)
	}
	require.Contains(t, logs.String(), "panic in handler")
	// GET with a target is not an operation.
	r = do(t, "GET", srv.URL+"/", json10("Test.Echo"), "")
	require.Equal(t, "UnknownOperationException", r.body["__type"])
}

// JSON 1.1 is JSON 1.0 with its own content type, on success and on
// errors, including for operations its target prefix does not have.
func TestJSON11(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	srv := newTestMux(t, &logs)
	h := map[string]string{"X-Amz-Target": "Test11.Echo", "Content-Type": "application/x-amz-json-1.1"}
	r := do(t, "POST", srv.URL+"/", h, `{"n": 3}`)
	require.Equal(t, 200, r.status)
	require.Equal(t, 3.0, r.body["n"])
	require.Equal(t, awsapi.ContentTypeJSON11, r.header.Get("Content-Type"))
	for name, tc := range map[string]struct {
		target, body, code string
	}{
		"error":      {"Test11.Echo", `{"n": -1}`, "ThrottlingException"},
		"garbage":    {"Test11.Echo", `{"n":`, "SerializationException"},
		"unknown-op": {"Test11.Nope", `{}`, "UnknownOperationException"},
	} {
		h["X-Amz-Target"] = tc.target
		r := do(t, "POST", srv.URL+"/", h, tc.body)
		require.Equal(t, 400, r.status, name)
		require.Equal(t, tc.code, r.body["__type"], name)
		require.Equal(t, awsapi.ContentTypeJSON11, r.header.Get("Content-Type"), name)
	}
}

func TestRESTJSON(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	srv := newTestMux(t, &logs)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown-path", "GET", "/2099-01-01/nothing", "", 404, "UnknownOperationException"},
		{"wrong-method", "GET", "/rest/small", "", 404, "UnknownOperationException"},
		{"panic", "POST", "/rest/panic", "", 500, "ServiceException"},
		{"too-large", "POST", "/rest/small", "01234567890", 413, "RequestEntityTooLargeException"},
		{"error-fields", "GET", "/rest/fail", "", 429, "TooManyRequestsException"},
	} {
		r := do(t, tc.method, srv.URL+tc.path, nil, tc.body)
		require.Equal(t, tc.status, r.status, tc.name)
		require.Equal(t, tc.code, r.header.Get("X-Amzn-ErrorType"), tc.name)
		require.Contains(t, []any{"User", "Service"}, r.body["Type"], tc.name)
		require.NotEmpty(t, r.body["message"], tc.name)
	}
	r := do(t, "GET", srv.URL+"/rest/fail", nil, "")
	require.Equal(t, "ReservedFunctionConcurrentInvocationLimitExceeded", r.body["Reason"])
	r = do(t, "POST", srv.URL+"/rest/small", nil, "0123456789")
	require.Equal(t, 200, r.status)
	r = do(t, "GET", srv.URL+"/plain", nil, "")
	require.Equal(t, "plain", r.raw)
}
