package eventqueue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/gureum-dev/gureum/internal/lambda"
)

// worker runs events through the Lambda service.
type worker[TDriver riverdriver.Driver[TTx], TTx any] struct {
	river.WorkerDefaults[args]
	b *backend[TTx]
	p Processor
	q *Queue

	// retryAt passes the delay of a function error from Work to NextRetry,
	// which River calls right after Work returns, for the same job.
	retryAt sync.Map // job id -> time.Time
}

// functionError is a job error that counts as a failed attempt.
type functionError struct{ err error }

func (e *functionError) Error() string { return functionErrorPrefix + e.err.Error() }

// Work runs one turn of an event and records its outcome.
func (w *worker[TDriver, TTx]) Work(ctx context.Context, job *river.Job[args]) error {
	res := w.p.ProcessEvent(ctx, &job.Args.AsyncEvent, attempt(job.JobRow))
	switch res.Action {
	case lambda.ActionThrottled:
		w.q.metrics.retries.WithLabelValues("throttled").Inc()
		if res.Err != nil && ctx.Err() == nil {
			w.q.log.Debug("asynchronous invocation throttled", "function", job.Args.FunctionARN, "requestId", job.Args.RequestID, "err", res.Err)
		}
		return river.JobSnooze(max(res.Delay, 0))
	case lambda.ActionRetry:
		w.q.metrics.retries.WithLabelValues("function_error").Inc()
		w.retryAt.Store(job.ID, time.Now().Add(res.Delay))
		err := res.Err
		if err == nil {
			err = errors.New("failed")
		}
		return &functionError{err}
	}
	if err := w.complete(ctx, job, res.Followups); err != nil {
		return fmt.Errorf("complete event: %w", err)
	}
	w.q.metrics.done.WithLabelValues(res.Outcome).Inc()
	w.q.metrics.enqueued.Add(float64(len(res.Followups)))
	return nil
}

// complete inserts the destination invocations and marks the job completed
// in one transaction, so that a record is sent exactly when its event is
// done.
func (w *worker[TDriver, TTx]) complete(ctx context.Context, job *river.Job[args], followups []*lambda.AsyncEvent) error {
	c := river.ClientFromContext[TTx](ctx)
	tx, err := w.b.begin(ctx)
	if err != nil {
		return err
	}
	for _, f := range followups {
		if _, err := c.InsertTx(ctx, tx, args{*f}, &river.InsertOpts{Queue: QueueName, MaxAttempts: maxAttempts}); err != nil {
			_ = w.b.rollback(ctx, tx)
			return err
		}
	}
	if _, err := river.JobCompleteTx[TDriver](ctx, tx, job); err != nil {
		_ = w.b.rollback(ctx, tx)
		return err
	}
	return w.b.commit(ctx, tx)
}

// NextRetry schedules a function error's retry as Lambda's rules said.
func (w *worker[TDriver, TTx]) NextRetry(job *river.Job[args]) time.Time {
	if t, ok := w.retryAt.LoadAndDelete(job.ID); ok {
		return later(t.(time.Time), time.Now()) // River refuses a time in the past
	}
	return time.Time{} // River's policy (a panic, say)
}

// Timeout bounds a turn: longer than any invocation can take.
func (w *worker[TDriver, TTx]) Timeout(*river.Job[args]) time.Duration { return jobTimeout }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
