package lambda

import (
	"bytes"
	"sync"
	"time"
)

// lineSink collects an environment's output. Lines written while an
// invocation runs belong to it; the pool takes them at the end of the
// invocation (for the REPORT, LogType Tail and the function's log stream).
type lineSink struct {
	mu      sync.Mutex
	partial []byte
	lines   []logLine
	max     int // lines kept between takes; older ones are dropped
	dropped int
	writes  int // count of Write calls, to see when output has settled
}

// settle waits until no output has arrived for quiet (at most limit): a
// runtime may answer before the pipe carrying its last log lines is read.
func (s *lineSink) settle(quiet, limit time.Duration) {
	deadline := time.Now().Add(limit)
	s.mu.Lock()
	last := s.writes
	s.mu.Unlock()
	for time.Now().Before(deadline) {
		time.Sleep(quiet)
		s.mu.Lock()
		now := s.writes
		s.mu.Unlock()
		if now == last {
			return
		}
		last = now
	}
}

func newLineSink() *lineSink { return &lineSink{max: 10000} }

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.partial = append(s.partial, p...)
			if len(s.partial) > 256*1024 { // a line without end: cut it
				s.push(s.partial)
				s.partial = nil
			}
			break
		}
		line := append(s.partial, p[:i]...)
		s.partial = nil
		s.push(line)
		p = p[i+1:]
	}
	return n, nil
}

// logLine is one line of output and when it was written.
type logLine struct {
	at   time.Time
	text []byte
}

func (s *lineSink) push(line []byte) {
	if len(s.lines) >= s.max {
		s.lines = s.lines[1:]
		s.dropped++
	}
	s.lines = append(s.lines, logLine{at: time.Now(), text: bytes.Clone(line)})
}

// take returns the complete lines written since the last take.
func (s *lineSink) take() []logLine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.lines
	s.lines = nil
	return out
}
