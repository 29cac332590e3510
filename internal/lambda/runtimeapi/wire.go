package runtimeapi

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// wire is the HTTP/1.1 server under the Runtime API: one goroutine per
// connection reads a request, runs the handler, writes the whole response
// in one system call, and reads the next. It exists because net/http's
// server, built for the open internet, costs a background read, deadlines
// and several goroutine wake-ups per request (a third of the CPU of a warm
// invocation), while a runtime client sends one request at a time on one
// kept-alive connection.
//
// It supports what runtime clients send: Content-Length and chunked bodies,
// Expect: 100-continue, keep-alive and Connection: close. Requests are
// parsed by net/http (http.ReadRequest) and routed by an http.ServeMux.
//
// A handler that writes no response makes the connection close (the /next
// of a runtime that re-polled elsewhere). Request contexts are never
// cancelled.
type wire struct {
	handler http.Handler

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newWire(h http.Handler) *wire {
	return &wire{handler: h, conns: map[net.Conn]struct{}{}}
}

// serve accepts connections until l is closed.
func (w *wire) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			c.Close()
			return
		}
		w.conns[c] = struct{}{}
		w.wg.Add(1)
		w.mu.Unlock()
		go w.serveConn(c)
	}
}

// close closes every connection and waits for their goroutines.
func (w *wire) close() {
	w.mu.Lock()
	w.closed = true
	for c := range w.conns {
		c.Close()
	}
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *wire) serveConn(c net.Conn) {
	defer func() {
		c.Close()
		w.mu.Lock()
		delete(w.conns, c)
		w.mu.Unlock()
		w.wg.Done()
	}()
	br := bufio.NewReaderSize(c, 16<<10)
	rw := &responseWriter{header: make(http.Header, 4)}
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if err != io.EOF && !errors.Is(err, net.ErrClosed) {
				c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")) //nolint:errcheck // closing anyway
			}
			return
		}
		req.RemoteAddr = c.RemoteAddr().String()
		if req.ContentLength != 0 && strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
			if _, err := c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
				return
			}
		}
		rw.reset()
		w.handler.ServeHTTP(rw, req)
		if !rw.wroteHeader {
			return // no response: hang up
		}
		keep := !req.Close && req.ProtoAtLeast(1, 1)
		// Consume what the handler left of the body, so that the next
		// request starts where it should.
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			keep = false
		}
		req.Body.Close()
		if _, err := rw.writeTo(c, keep); err != nil || !keep {
			return
		}
	}
}

// responseWriter collects a response and writes it with one write (or
// writev). Write copies, as io.Writer requires; writeOwned keeps a slice the
// server owns (an event of up to 6 MB) without copying it.
type responseWriter struct {
	header      http.Header
	status      int
	wroteHeader bool
	buf         []byte   // what Write copied
	owned       [][]byte // what writeOwned kept
	size        int
	head        []byte
}

// ownedWriter is the writer of a handler that can hand over a body without
// a copy.
type ownedWriter interface {
	writeOwned(p []byte)
}

var _ http.ResponseWriter = (*responseWriter)(nil)

func (rw *responseWriter) reset() {
	clear(rw.header)
	clear(rw.owned)
	rw.status, rw.wroteHeader, rw.buf, rw.owned, rw.size = 0, false, rw.buf[:0], rw.owned[:0], 0
	if cap(rw.buf) > 64<<10 {
		rw.buf = nil // do not keep a large buffer for the life of the connection
	}
}

func (rw *responseWriter) Header() http.Header { return rw.header }

func (rw *responseWriter) WriteHeader(status int) {
	if !rw.wroteHeader {
		rw.status, rw.wroteHeader = status, true
	}
}

func (rw *responseWriter) Write(p []byte) (int, error) {
	rw.WriteHeader(http.StatusOK)
	if len(rw.owned) > 0 {
		rw.writeOwned(bytes.Clone(p))
		return len(p), nil
	}
	rw.buf = append(rw.buf, p...)
	rw.size += len(p)
	return len(p), nil
}

// writeOwned appends p to the body without copying it: p must not change
// until the response is written.
func (rw *responseWriter) writeOwned(p []byte) {
	rw.WriteHeader(http.StatusOK)
	if len(p) == 0 {
		return
	}
	if len(rw.buf) > 0 && len(rw.owned) == 0 {
		rw.owned = append(rw.owned, rw.buf)
	}
	rw.owned = append(rw.owned, p)
	rw.size += len(p)
}

func (rw *responseWriter) writeTo(c net.Conn, keepAlive bool) (int64, error) {
	h := rw.head[:0]
	h = append(h, "HTTP/1.1 "...)
	h = strconv.AppendInt(h, int64(rw.status), 10)
	h = append(h, ' ')
	h = append(h, http.StatusText(rw.status)...)
	h = append(h, "\r\n"...)
	rw.header.Del("Content-Length")
	for k, vs := range rw.header {
		for _, v := range vs {
			h = append(h, k...)
			h = append(h, ": "...)
			h = append(h, v...)
			h = append(h, "\r\n"...)
		}
	}
	h = append(h, "Content-Length: "...)
	h = strconv.AppendInt(h, int64(rw.size), 10)
	if !keepAlive {
		h = append(h, "\r\nConnection: close"...)
	}
	h = append(h, "\r\n\r\n"...)
	rw.head = h
	if len(rw.owned) == 0 || rw.size < 4096 {
		if len(rw.owned) == 0 {
			h = append(h, rw.buf...)
		}
		for _, b := range rw.owned {
			h = append(h, b...)
		}
		rw.head = h
		n, err := c.Write(h)
		return int64(n), err
	}
	bufs := make(net.Buffers, 0, 1+len(rw.owned))
	bufs = append(bufs, h)
	bufs = append(bufs, rw.owned...)
	return bufs.WriteTo(c)
}
