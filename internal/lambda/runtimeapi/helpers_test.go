package runtimeapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// setup starts a server that accepts any uid and closes it at the end of
// the test.
func setup(t testing.TB) *Server {
	t.Helper()
	s, err := New(Options{AllowedUID: -1})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// client is a runtime client speaking the Runtime API by hand, as a
// runtime would.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func newClient(t testing.TB, s *Server) *client {
	return &client{t: t, base: "http://" + s.Addr() + apiPrefix, http: &http.Client{Transport: &http.Transport{}}}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, path string, body []byte, header map[string]string) reply {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// next asks for the next invocation and returns it.
func (c *client) next() reply {
	c.t.Helper()
	return c.do("GET", "/invocation/next", nil, nil)
}

func (c *client) respond(id string, body []byte) reply {
	c.t.Helper()
	return c.do("POST", "/invocation/"+id+"/response", body, nil)
}

func (c *client) fail(id string, body []byte, header map[string]string) reply {
	c.t.Helper()
	return c.do("POST", "/invocation/"+id+"/error", body, header)
}

func (c *client) initError(body []byte, errorType string) reply {
	c.t.Helper()
	return c.do("POST", "/init/error", body, map[string]string{"Lambda-Runtime-Function-Error-Type": errorType})
}

// invokeAsync runs s.Invoke in the background.
func invokeAsync(ctx context.Context, s *Server, inv Invocation) <-chan invokeOutcome {
	ch := make(chan invokeOutcome, 1)
	go func() {
		r, err := s.Invoke(ctx, inv)
		ch <- invokeOutcome{r, err}
	}()
	return ch
}

type invokeOutcome struct {
	res *Result
	err error
}

func wait[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting")
		panic("unreachable")
	}
}

// startRuntime runs a runtime loop in the background that answers every
// invocation with answer(event); it stops when the server closes.
func startRuntime(t testing.TB, s *Server, answer func(r reply) (path string, body []byte)) {
	t.Helper()
	c := newClient(t, s)
	go func() {
		for {
			req, err := http.NewRequest("GET", c.base+"/invocation/next", nil)
			if err != nil {
				return
			}
			resp, err := c.http.Do(req)
			if err != nil {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return
			}
			id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
			path, body := answer(reply{resp.StatusCode, resp.Header, string(b)})
			resp, err = c.http.Post(c.base+"/invocation/"+id+"/"+path, "application/json", bytes.NewReader(body))
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
}
