package eventqueue

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the queue's Prometheus collectors.
type metrics struct {
	enqueued prometheus.Counter
	retries  *prometheus.CounterVec
	done     *prometheus.CounterVec
}

// newMetrics creates the collectors and registers them (with a gauge of the
// events waiting or running, counted in the database at scrape time) on reg
// when it is not nil.
func newMetrics(reg prometheus.Registerer, count func(ctx context.Context) (int64, error)) *metrics {
	m := &metrics{
		enqueued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gureum_lambda_async_events_enqueued_total",
			Help: "Asynchronous invocations accepted into the queue (destination invocations included).",
		}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_lambda_async_event_retries_total",
			Help: "Asynchronous invocations sent back to the queue, by reason (function_error, throttled).",
		}, []string{"reason"}),
		done: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_lambda_async_events_done_total",
			Help: "Asynchronous invocations finished, by outcome: Success, or dropped (RetriesExhausted, EventAgeExceeded, FunctionDeleted).",
		}, []string{"outcome"}),
	}
	if reg == nil {
		return m
	}
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "gureum_lambda_async_events_queued",
		Help: "Asynchronous invocations waiting, scheduled for a retry or running.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := count(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	})
	reg.MustRegister(m.enqueued, m.retries, m.done, queued)
	return m
}
