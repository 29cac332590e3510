package sfn

import (
	"context"
	"time"

	"github.com/gureum-dev/gureum/internal/store"
)

// Group commit. Runs hand their steps to a committer and wait; a committer
// takes the first waiting step, gathers more (whatever is queued, then for up
// to BatchWindow, at most BatchMax in all) and commits them in one
// store.HistoryAppend transaction. Under load a batch fills while the
// previous one commits, so one commit (one WAL write on SQLite, one round
// trip pair on PostgreSQL) serves hundreds of steps.

// commitReq is one step waiting for its commit.
type commitReq struct {
	step *store.HistoryStep
	done chan error
}

// commit commits one step of one execution and returns its outcome: nil,
// store.ErrConflict or store.ErrNotFound for this step, or the batch's
// error.
func (e *executor) commit(step *store.HistoryStep) error {
	req := &commitReq{step: step, done: make(chan error, 1)}
	e.commits <- req
	return <-req.done
}

func (e *executor) committer() {
	defer e.commitWG.Done()
	var (
		batch  = make([]*commitReq, 0, e.s.opts.BatchMax)
		steps  = make([]*store.HistoryStep, 0, e.s.opts.BatchMax)
		window = e.s.opts.BatchWindow
		timer  = time.NewTimer(time.Hour)
	)
	timer.Stop()
	for {
		req, ok := <-e.commits
		if !ok {
			return
		}
		batch = append(batch[:0], req)
		closed := false
	drain:
		for len(batch) < cap(batch) {
			select {
			case req, ok := <-e.commits:
				if !ok {
					closed = true
					break drain
				}
				batch = append(batch, req)
			default:
				break drain
			}
		}
		if !closed && window > 0 && len(batch) < cap(batch) {
			timer.Reset(window)
		wait:
			for len(batch) < cap(batch) {
				select {
				case req, ok := <-e.commits:
					if !ok {
						closed = true
						break wait
					}
					batch = append(batch, req)
				case <-timer.C:
					break wait
				}
			}
			timer.Stop()
		}
		steps = steps[:0]
		for _, r := range batch {
			steps = append(steps, r.step)
		}
		errs, err := e.s.store.HistoryAppend(context.Background(), &store.HistoryAppendParams{Steps: steps})
		for i, r := range batch {
			if err != nil {
				r.done <- err
			} else {
				r.done <- errs[i]
			}
		}
		clear(batch)
		if closed {
			return
		}
	}
}
