package cli

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// The load generator of bench invoke: clients on keep-alive connections,
// one request after another each, latencies merged across slices.

// loadStats is what one load phase measured.
type loadStats struct {
	Clients   int           `json:"clients"`
	Requests  int           `json:"requests"`
	Errors    int           `json:"errors"`
	P50       time.Duration `json:"p50Ns"`
	P90       time.Duration `json:"p90Ns"`
	P99       time.Duration `json:"p99Ns"`
	Elapsed   time.Duration `json:"elapsedNs"`
	PerSecond float64       `json:"perSecond"`
	FirstErr  string        `json:"firstError,omitempty"`
	lat       []time.Duration
}

// loadTarget is one endpoint under load with its clients, each with its own
// keep-alive connection (kept across slices).
type loadTarget struct {
	url     string
	check   func(*http.Response, []byte) error
	clients []*http.Client
}

func newLoadTarget(url string, check func(*http.Response, []byte) error, n int) *loadTarget {
	t := &loadTarget{url: url, check: check}
	for range n {
		t.clients = append(t.clients, &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}})
	}
	return t
}

func (t *loadTarget) close() {
	for _, c := range t.clients {
		c.Transport.(*http.Transport).CloseIdleConnections()
	}
}

// interleave measures targets in turn, rounds slices each, and merges each
// target's slices.
func interleave(ctx context.Context, targets []*loadTarget, n, perClient, rounds int) []loadStats {
	rounds = max(1, min(rounds, perClient))
	parts := make([][]loadStats, len(targets))
	for r := range rounds {
		slice := perClient/rounds + btoi(r < perClient%rounds)
		for i, t := range targets {
			parts[i] = append(parts[i], runLoad(ctx, t, n, slice))
		}
	}
	out := make([]loadStats, len(targets))
	for i := range targets {
		out[i] = mergeStats(parts[i])
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runLoad sends perClient requests from each of the first n clients of t,
// one after another per client, and measures them.
func runLoad(ctx context.Context, t *loadTarget, n, perClient int) loadStats {
	lat := make([][]time.Duration, n)
	errs := make([]int, n)
	firstErr := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for c := range n {
		lat[c] = make([]time.Duration, 0, perClient)
		wg.Go(func() {
			hc := t.clients[c]
			buf := bytes.NewBuffer(make([]byte, 0, 512))
			<-start
			for range perClient {
				t0 := time.Now()
				err := invokeOnce(ctx, hc, t.url, buf, t.check)
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil {
					errs[c]++
					if firstErr[c] == nil {
						firstErr[c] = err
					}
				}
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	st := loadStats{Clients: n, Requests: n * perClient, Elapsed: time.Since(t0), lat: slices.Concat(lat...)}
	for c := range n {
		st.Errors += errs[c]
		if st.FirstErr == "" && firstErr[c] != nil {
			st.FirstErr = firstErr[c].Error()
		}
	}
	return mergeStats([]loadStats{st})
}

// mergeStats combines measurements of the same target: requests, errors
// and elapsed times add up; percentiles are those of all the latencies.
func mergeStats(parts []loadStats) loadStats {
	var st loadStats
	for _, p := range parts {
		st.Clients = p.Clients
		st.Requests += p.Requests
		st.Errors += p.Errors
		st.Elapsed += p.Elapsed
		st.lat = append(st.lat, p.lat...)
		if st.FirstErr == "" {
			st.FirstErr = p.FirstErr
		}
	}
	slices.Sort(st.lat)
	at := func(p float64) time.Duration {
		if len(st.lat) == 0 {
			return 0
		}
		return st.lat[min(len(st.lat)-1, int(p*float64(len(st.lat))))]
	}
	st.P50, st.P90, st.P99 = at(0.50), at(0.90), at(0.99)
	if st.Elapsed > 0 {
		st.PerSecond = float64(st.Requests) / st.Elapsed.Seconds()
	}
	return st
}

func invokeOnce(ctx context.Context, hc *http.Client, url string, buf *bytes.Buffer, check func(*http.Response, []byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(benchEvent))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	return check(resp, buf.Bytes())
}
