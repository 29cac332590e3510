package awsapi

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the API's Prometheus collectors.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics creates the API metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gureum_api_requests_total",
			Help: "AWS API requests by service, operation and HTTP status.",
		}, []string{"service", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gureum_api_request_duration_seconds",
			Help:    "AWS API request latency by service and operation.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"service", "operation"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) observe(op *Operation, status int, d time.Duration) {
	if status == 0 {
		status = 200
	}
	m.requests.WithLabelValues(op.Service, op.Name, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(op.Service, op.Name).Observe(d.Seconds())
}
