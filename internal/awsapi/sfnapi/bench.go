package sfnapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// LatencyResult is what BenchExpress measured.
type LatencyResult struct {
	Requests  int           `json:"requests"`
	P50       time.Duration `json:"p50Ns"`
	P90       time.Duration `json:"p90Ns"`
	P99       time.Duration `json:"p99Ns"`
	Mean      time.Duration `json:"meanNs"`
	PerSecond float64       `json:"perSecond"`
}

// BenchExpress measures StartSyncExecution over the wire: it creates an
// Express state machine of states Pass states at the Step Functions endpoint
// (a running gureum, unsigned requests, so loopback), warms up, then runs n
// executions one after another on one keep-alive connection and reports the
// latency distribution as the client sees it. It deletes the machine at the
// end. For `gureum bench sfn`.
func BenchExpress(ctx context.Context, endpoint string, n, states int) (*LatencyResult, error) {
	if n <= 0 {
		n = 2000
	}
	if states <= 0 {
		states = 5
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	call := func(op string, in any) (map[string]any, error) {
		body, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Amz-Target", TargetPrefix+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("%s: %s", op, b)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %v: %v", op, out["__type"], out["message"])
		}
		return out, nil
	}

	sts := map[string]any{}
	for i := range states {
		st := map[string]any{"Type": "Pass", "Result": i, "ResultPath": "$.step"}
		if i == states-1 {
			st["End"] = true
		} else {
			st["Next"] = fmt.Sprintf("S%d", i+1)
		}
		sts[fmt.Sprintf("S%d", i)] = st
	}
	def, err := json.Marshal(map[string]any{"StartAt": "S0", "States": sts})
	if err != nil {
		return nil, err
	}
	created, err := call("CreateStateMachine", map[string]any{
		"name": fmt.Sprintf("gureum-bench-express-%d", time.Now().UnixNano()), "definition": string(def),
		"roleArn": "arn:aws:iam::000000000000:role/gureum-bench", "type": "EXPRESS"})
	if err != nil {
		return nil, err
	}
	smArn, _ := created["stateMachineArn"].(string)
	defer func() { _, _ = call("DeleteStateMachine", map[string]any{"stateMachineArn": smArn}) }()

	in := map[string]any{"stateMachineArn": smArn, "input": `{"bench": true}`}
	for range min(n/10+10, 500) { // warm up: connection, caches
		if _, err := call("StartSyncExecution", in); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, n)
	began := time.Now()
	for i := range n {
		t := time.Now()
		out, err := call("StartSyncExecution", in)
		lat[i] = time.Since(t)
		if err != nil {
			return nil, err
		}
		if out["status"] != "SUCCEEDED" {
			return nil, fmt.Errorf("execution %v: %v %v", out["status"], out["error"], out["cause"])
		}
	}
	total := time.Since(began)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return &LatencyResult{Requests: n, P50: pct(0.50), P90: pct(0.90), P99: pct(0.99),
		Mean: total / time.Duration(n), PerSecond: float64(n) / total.Seconds()}, nil
}
