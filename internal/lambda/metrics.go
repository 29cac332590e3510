package lambda

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the per-function invocation metrics Lambda publishes to
// CloudWatch (AWS/Lambda Invocations, Errors, Throttles and Duration), kept
// as Prometheus collectors labelled by the unqualified function ARN. They
// are exported on the server's /metrics, where the console's Monitor tab
// reads them. A nil *Metrics records nothing.
type Metrics struct {
	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
	throttles   *prometheus.CounterVec
	duration    *prometheus.HistogramVec
}

// NewMetrics creates the invocation metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"function_arn"}
	m := &Metrics{
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_lambda_invocations_total",
			Help: "Function invocations that ran (CloudWatch's Invocations), by function.",
		}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_lambda_errors_total",
			Help: "Invocations that ended in a function error or a timeout (CloudWatch's Errors), by function.",
		}, labels),
		throttles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_lambda_throttles_total",
			Help: "Invocations refused for lack of concurrency (CloudWatch's Throttles), by function.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gureum_lambda_duration_seconds",
			Help:    "Time the function's code ran per invocation (CloudWatch's Duration), by function.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, labels),
	}
	reg.MustRegister(m.invocations, m.errors, m.throttles, m.duration)
	return m
}

// invoked records one invocation that ran.
func (m *Metrics) invoked(fnArn string, d time.Duration, failed bool) {
	if m == nil {
		return
	}
	m.invocations.WithLabelValues(fnArn).Inc()
	m.duration.WithLabelValues(fnArn).Observe(d.Seconds())
	if failed {
		m.errors.WithLabelValues(fnArn).Inc()
	}
}

// throttled records one invocation refused with TooManyRequestsException.
func (m *Metrics) throttled(fnArn string) {
	if m == nil {
		return
	}
	m.throttles.WithLabelValues(fnArn).Inc()
}
