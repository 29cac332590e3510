package runtimeapi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"testing"
	"time"
)

// rawClient is a minimal runtime client on one TCP connection, so that the
// benchmarks measure the server rather than net/http's client.
type rawClient struct {
	c  net.Conn
	br *bufio.Reader
	tp *textproto.Reader
}

func dialRaw(tb testing.TB, addr string) *rawClient {
	c, err := net.Dial("tcp4", addr)
	if err != nil {
		tb.Fatal(err)
	}
	br := bufio.NewReader(c)
	return &rawClient{c: c, br: br, tp: textproto.NewReader(br)}
}

func (rc *rawClient) roundTrip(req []byte) (textproto.MIMEHeader, []byte, error) {
	if _, err := rc.c.Write(req); err != nil {
		return nil, nil, err
	}
	if _, err := rc.tp.ReadLine(); err != nil {
		return nil, nil, err
	}
	h, err := rc.tp.ReadMIMEHeader()
	if err != nil {
		return nil, nil, err
	}
	n, _ := strconv.Atoi(h.Get("Content-Length"))
	body := make([]byte, n)
	_, err = io.ReadFull(rc.br, body)
	return h, body, err
}

// runRaw answers every invocation with its event until the server closes.
func runRaw(tb testing.TB, addr string) {
	rc := dialRaw(tb, addr)
	go func() {
		defer rc.c.Close()
		next := []byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
		for {
			h, body, err := rc.roundTrip(next)
			if err != nil || h.Get("Lambda-Runtime-Aws-Request-Id") == "" {
				return
			}
			req := fmt.Appendf(nil, "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s",
				h.Get("Lambda-Runtime-Aws-Request-Id"), len(body), body)
			if _, _, err := rc.roundTrip(req); err != nil {
				return
			}
		}
	}()
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Microsecond) }
	b.ReportMetric(at(0.5), "p50-µs")
	b.ReportMetric(at(0.9), "p90-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkServer measures the Runtime API alone, with an in-process raw
// runtime client: "floor" is one request to a net/http server answering a
// fixed body with the same client; "invoke" is Invoke → /next → /response →
// Invoke returns, back to back; "invoke-idle" starts each invocation once the
// runtime waits in /next.
func BenchmarkServer(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true}`))
		})}
		go srv.Serve(ln)
		defer srv.Close()
		rc := dialRaw(b, ln.Addr().String())
		defer rc.c.Close()
		req := []byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"n\":1}")
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			start := time.Now()
			if _, _, err := rc.roundTrip(req); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		report(b, lat)
	})
	for _, idle := range []bool{false, true} {
		name := "invoke"
		if idle {
			name = "invoke-idle"
		}
		b.Run(name, func(b *testing.B) {
			s := setup(b)
			runRaw(b, s.Addr())
			ctx := context.Background()
			payload := []byte(`{"n":1}`)
			lat := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				i++
				if idle {
					if err := s.WaitIdle(ctx); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				res, err := s.Invoke(ctx, Invocation{RequestID: strconv.Itoa(i), Payload: payload})
				lat = append(lat, time.Since(start))
				if err != nil || string(res.Payload) != `{"n":1}` {
					b.Fatal(err, res)
				}
			}
			report(b, lat)
		})
	}
}
