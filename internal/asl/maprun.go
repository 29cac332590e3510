package asl

import (
	"errors"
	"fmt"
	"time"
)

// Map Run statuses (MapRunInfo.Status).
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// MapRunCounts counts a Map Run's child executions, or their items, by
// status, as DescribeMapRun reports them. Child executions are the Map's
// iterations, run inside the parent execution (one per item, or per batch
// with an ItemBatcher); timedOut and resultsWritten stay zero (child
// executions have no timeout of their own here, and ResultWriter is not
// run).
type MapRunCounts struct {
	Pending        int64
	Running        int64
	Succeeded      int64
	Failed         int64
	TimedOut       int64
	Aborted        int64
	Total          int64
	ResultsWritten int64
}

// MapRunInfo is the state of a Distributed Map's Map Run.
type MapRunInfo struct {
	Arn                        string
	StateName                  string
	Status                     string
	StartTime                  time.Time
	StopTime                   time.Time // zero while RUNNING
	MaxConcurrency             int64
	ToleratedFailurePercentage float64
	ToleratedFailureCount      int64
	Items                      MapRunCounts
	Executions                 MapRunCounts
	RedriveCount               int
	RedriveTime                time.Time
}

// ErrUnknownMapRun is returned by UpdateMapRun for a Map Run the execution
// is not running.
var ErrUnknownMapRun = errors.New("asl: no such running map run")

// MapRuns returns the Map Runs that changed state since the last call: those
// that ended meanwhile, then every running one. Once the execution has
// ended, its running Map Runs are reported ABORTED. Map Runs of Distributed
// Maps nested inside a child execution are not reported (their parent is
// the child execution, which is not a separate execution here).
func (ex *Execution) MapRuns() []MapRunInfo {
	out := ex.runsEnded
	ex.runsEnded = nil
	ex.walk(ex.st.Root, func(f *frame) {
		mr := f.Map
		if mr == nil || mr.RunArn == "" || f.Silent || mr.RunStatus != "" {
			return
		}
		status := MapRunRunning
		if ex.Done() {
			status = MapRunAborted
		}
		out = append(out, ex.mapRunInfo(f, mr, status))
	})
	return out
}

// endMapRun records that a Map Run ended with status; MapRuns reports it.
func (ex *Execution) endMapRun(f *frame, mr *mapRun, status string) {
	if mr.RunArn == "" || f.Silent || mr.RunStatus != "" {
		return
	}
	mr.RunStatus, mr.RunStop = status, ex.now
	ex.runsEnded = append(ex.runsEnded, ex.mapRunInfo(f, mr, status))
}

// mapRunInfo describes mr. Every iteration is in exactly one class: it
// succeeded; it is active (running, or aborted when the run ended); it has
// not started (or waits to be rerun after a redrive); or it failed.
func (ex *Execution) mapRunInfo(f *frame, mr *mapRun, status string) MapRunInfo {
	st := ex.stateOf(f)
	info := MapRunInfo{Arn: mr.RunArn, Status: status, StartTime: mr.RunStart, MaxConcurrency: mr.MaxConc,
		RedriveCount: mr.Redrives, RedriveTime: mr.RunRedriven}
	if st != nil {
		info.StateName = st.name
	}
	if mr.HasTol {
		info.ToleratedFailurePercentage, info.ToleratedFailureCount = mr.TolPct, mr.TolCount
	}
	if status != MapRunRunning {
		info.StopTime = mr.RunStop
		if info.StopTime.IsZero() {
			info.StopTime = ex.now
		}
	}
	active := map[int]bool{}
	for _, c := range mr.Active {
		active[c.Index] = true
	}
	queued := map[int]bool{}
	for _, i := range mr.Queue {
		queued[i] = true
	}
	batched := st != nil && st.itemBatcher != nil
	for i, it := range mr.Items {
		weight := int64(1)
		if batched {
			if m, ok := it.(map[string]any); ok {
				if items, ok := m["Items"].([]any); ok {
					weight = int64(len(items))
				}
			}
		}
		var e, n *int64
		switch {
		case mr.ok(i):
			e, n = &info.Executions.Succeeded, &info.Items.Succeeded
		case active[i] && status == MapRunRunning:
			e, n = &info.Executions.Running, &info.Items.Running
		case active[i]:
			e, n = &info.Executions.Aborted, &info.Items.Aborted
		case i >= mr.Next || queued[i]:
			e, n = &info.Executions.Pending, &info.Items.Pending
		default:
			e, n = &info.Executions.Failed, &info.Items.Failed
		}
		*e++
		*n += weight
		info.Executions.Total++
		info.Items.Total += weight
	}
	return info
}

// UpdateMapRun changes a running Map Run's maximum concurrency and
// tolerated failures (nil: unchanged), as UpdateMapRun does, and runs the
// execution as far as it can go (a higher concurrency starts more child
// executions). It returns the new events.
func (ex *Execution) UpdateMapRun(arn string, maxConcurrency *int64, toleratedPct *float64, toleratedCount *int64, now time.Time) ([]Event, error) {
	if ex.st.Status != StatusRunning {
		return nil, ErrExecutionDone
	}
	var target *frame
	ex.walk(ex.st.Root, func(f *frame) {
		if f.Map != nil && f.Map.RunArn == arn && !f.Silent && f.Map.RunStatus == "" {
			target = f
		}
	})
	if target == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownMapRun, arn)
	}
	ex.setNow(now)
	mr := target.Map
	if maxConcurrency != nil {
		mr.MaxConc = *maxConcurrency
	}
	if toleratedPct != nil || toleratedCount != nil {
		if !mr.HasTol {
			mr.TolPct, mr.TolCount = 0, 0
		}
		mr.HasTol = true
		if toleratedPct != nil {
			mr.TolPct = *toleratedPct
		}
		if toleratedCount != nil {
			mr.TolCount = *toleratedCount
		}
	}
	markDirty(target)
	ex.run()
	return ex.flush(), nil
}
